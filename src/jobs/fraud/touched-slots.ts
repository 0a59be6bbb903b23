// The addresses one batch touched, each once with the last row that touched it: an open-addressing
// set of slots sized for the batch, cleared in O(1) by a generation stamp.

export interface TouchedSlots {
  readonly size: number;
  /** Starts a new batch of at most `rows` rows. */
  reset(rows: number): void;
  add(slot: number, row: number): void;
  forEach(callback: (slot: number, row: number) => void): void;
}

class TouchedSlotsImpl implements TouchedSlots {
  size = 0;
  private slots = new Int32Array(0);
  private rows = new Int32Array(0);
  private stamps = new Uint32Array(0);
  private order = new Int32Array(0);
  private generation = 0;
  private mask = 0;

  reset(rows: number): void {
    if (this.slots.length < rows * 2) {
      let size = 16;
      while (size < rows * 2) size *= 2;
      this.slots = new Int32Array(size);
      this.rows = new Int32Array(size);
      this.stamps = new Uint32Array(size);
      this.order = new Int32Array(size);
      this.mask = size - 1;
      this.generation = 0;
    }
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
    this.size = 0;
  }

  add(slot: number, row: number): void {
    for (let at = Math.imul(slot, 0x9e3779b1) >>> 0 & this.mask; ; at = (at + 1) & this.mask) {
      if (this.stamps[at] !== this.generation) {
        this.stamps[at] = this.generation;
        this.slots[at] = slot;
        this.rows[at] = row;
        this.order[this.size++] = at;
        return;
      }
      if (this.slots[at] === slot) {
        this.rows[at] = row;
        return;
      }
    }
  }

  forEach(callback: (slot: number, row: number) => void): void {
    for (let index = 0; index < this.size; index++) {
      const at = this.order[index]!;
      callback(this.slots[at]!, this.rows[at]!);
    }
  }
}

export function createTouchedSlots(): TouchedSlots {
  return new TouchedSlotsImpl();
}
