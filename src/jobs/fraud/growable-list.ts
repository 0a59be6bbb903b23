// Lists of numbers in typed arrays that double when full: the rule's dirty slots, the keys whose
// checkpointed rows must go, the queue of non-ok addresses. Their length is bounded by what the
// rule tracks plus the churn between two checkpoints, never by the stream's length.

export interface NumberList {
  length: number;
  readonly items: Float64Array;
  push(value: number): void;
  clear(): void;
}

export function createNumberList(initial = 256): NumberList {
  const list = {
    length: 0,
    items: new Float64Array(initial),
    push(value: number) {
      if (list.length === list.items.length) {
        const grown = new Float64Array(list.items.length * 2);
        grown.set(list.items);
        list.items = grown;
      }
      list.items[list.length++] = value;
    },
    clear() {
      list.length = 0;
    },
  };
  return list;
}

/** A first-in first-out queue of (slot, key) pairs in a ring that doubles when full. */
export interface SlotQueue {
  size(): number;
  push(slot: number, key: number): void;
  /** Removes the front pair into `into`; false when empty. */
  shift(into: { slot: number; key: number }): boolean;
  clear(): void;
}

export function createSlotQueue(initial = 64): SlotQueue {
  let slots = new Int32Array(initial);
  let keys = new Float64Array(initial);
  let head = 0;
  let count = 0;
  const grow = (): void => {
    const nextSlots = new Int32Array(slots.length * 2);
    const nextKeys = new Float64Array(keys.length * 2);
    for (let index = 0; index < count; index++) {
      nextSlots[index] = slots[(head + index) % slots.length]!;
      nextKeys[index] = keys[(head + index) % keys.length]!;
    }
    slots = nextSlots;
    keys = nextKeys;
    head = 0;
  };
  return {
    size: () => count,
    push(slot, key) {
      if (count === slots.length) grow();
      const at = (head + count) % slots.length;
      slots[at] = slot;
      keys[at] = key;
      count++;
    },
    shift(into) {
      if (count === 0) return false;
      into.slot = slots[head]!;
      into.key = keys[head]!;
      head = (head + 1) % slots.length;
      count--;
      return true;
    },
    clear() {
      head = 0;
      count = 0;
    },
  };
}
