// A bounded table of 64-byte records (record-layout.ts) keyed by numeric keys: records in one
// ArrayBuffer seen through typed views, an open-addressing index (linear probing, backward-shift
// deletion, so no tombstones) from key to slot, and a free list threaded through free records.
// Nothing is allocated per key. The buffer is made at its full size once: the system maps zero
// pages lazily and slots are handed out in order, so resident memory follows the slots in use
// (growing by copies would leave freed buffers to the allocator). When full, a new key evicts the
// least recently seen of a sample of slots (approximate LRU, as Redis does: an exact list would
// cost two more cache lines per click). Idle keys are swept by a clock hand.
import { assert } from '../../core/index.js';
import { f64Key, f64PerRecord, flagLive, recordBytes, u32LastSecond, u32PerRecord, u8Flags } from './record-layout.js';

/** Slots looked at to choose an eviction victim. */
const evictionSample = 8;

export interface SlotTable {
  readonly capacity: number;
  /** Views over the records. */
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
  readonly counters: { evictions: number; expirations: number };
  size(): number;
  /** The key's slot, or -1. */
  find(key: number): number;
  /**
   * Loads the index entries and records of `keys[from..to)` without using them: independent loads
   * the processor overlaps, so the clicks that follow find their lines in cache. Returns a sum to
   * keep the loads from being optimized away.
   */
  warm(keys: Float64Array, from: number, to: number): number;
  /** A zeroed live slot for a key not in the table (evicting one when full). */
  insert(key: number): number;
  remove(slot: number): void;
  /** Visits `visits` slots from the clock hand; removes those idle `idleSeconds` or more at `nowSecond`. */
  sweep(nowSecond: number, idleSeconds: number, visits: number): void;
  forEachLive(callback: (slot: number) => void): void;
  /** Where eviction looks next; checkpointed so a restored table evicts as the first run would. */
  evictionHand: number;
}

function hashKey(key: number): number {
  let hash = Math.imul((key >>> 0) ^ Math.imul((key / 4_294_967_296) >>> 0, 0x27d4eb2d), 0x9e3779b1);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  return hash ^ (hash >>> 13);
}

class SlotTableImpl implements SlotTable {
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
  readonly counters = { evictions: 0, expirations: 0 };
  evictionHand = 0;
  private readonly index: Int32Array;
  /** The full hash of each index entry's key: probes and shifts compare it without reading records. */
  private readonly hashes: Int32Array;
  private readonly mask: number;
  /** Slots handed out at least once: 0..allocated-1. */
  private allocated = 0;
  private live = 0;
  /** Free slot + 1, or 0. */
  private freeHead = 0;
  private hand = 0;

  constructor(
    readonly capacity: number,
    private readonly onRemove: (slot: number) => void,
  ) {
    assert(Number.isInteger(capacity) && capacity >= 1, () => `slot table capacity must be a positive integer, got ${capacity}`);
    const buffer = new ArrayBuffer(capacity * recordBytes);
    this.f64 = new Float64Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u8 = new Uint8Array(buffer);
    let indexSize = 16;
    while (indexSize < capacity * 2) indexSize *= 2;
    this.index = new Int32Array(indexSize);
    this.hashes = new Int32Array(indexSize);
    this.mask = indexSize - 1;
  }

  size(): number {
    return this.live;
  }

  warm(keys: Float64Array, from: number, to: number): number {
    const { index, mask, f64 } = this;
    let sink = 0;
    for (let row = from; row < to; row++) {
      const entry = index[hashKey(keys[row]!) & mask]!;
      if (entry !== 0) sink += f64[(entry - 1) * f64PerRecord + f64Key]!;
    }
    return sink;
  }

  find(key: number): number {
    const { index, hashes, mask, f64 } = this;
    const hash = hashKey(key);
    for (let position = hash & mask; ; position = (position + 1) & mask) {
      const entry = index[position]!;
      if (entry === 0) return -1;
      if (hashes[position] === hash && f64[(entry - 1) * f64PerRecord + f64Key] === key) return entry - 1;
    }
  }

  insert(key: number): number {
    const slot = this.takeSlot();
    const { f64 } = this;
    const base = slot * f64PerRecord;
    for (let word = 0; word < f64PerRecord; word++) f64[base + word] = 0;
    f64[base + f64Key] = key;
    this.u8[slot * recordBytes + u8Flags] = flagLive;
    const { index, hashes, mask } = this;
    const hash = hashKey(key);
    let position = hash & mask;
    while (index[position] !== 0) position = (position + 1) & mask;
    index[position] = slot + 1;
    hashes[position] = hash;
    this.live++;
    return slot;
  }

  remove(slot: number): void {
    const flags = slot * recordBytes + u8Flags;
    assert((this.u8[flags]! & flagLive) !== 0, 'removing a free slot');
    this.onRemove(slot);
    this.unindex(slot);
    this.u8[flags] = 0;
    this.u32[slot * u32PerRecord + u32LastSecond] = this.freeHead;
    this.freeHead = slot + 1;
    this.live--;
  }

  sweep(nowSecond: number, idleSeconds: number, visits: number): void {
    const { u8, i32 } = this;
    // More than one turn finds nothing new.
    const turn = Math.min(visits, this.allocated);
    for (let visited = 0; visited < turn && this.live > 0; visited++) {
      if (this.hand >= this.allocated) this.hand = 0;
      const slot = this.hand++;
      if ((u8[slot * recordBytes + u8Flags]! & flagLive) === 0) continue;
      if (nowSecond - i32[slot * u32PerRecord + u32LastSecond]! < idleSeconds) continue;
      this.remove(slot);
      this.counters.expirations++;
    }
  }

  forEachLive(callback: (slot: number) => void): void {
    for (let slot = 0; slot < this.allocated; slot++) if ((this.u8[slot * recordBytes + u8Flags]! & flagLive) !== 0) callback(slot);
  }

  private takeSlot(): number {
    if (this.freeHead !== 0) {
      const slot = this.freeHead - 1;
      this.freeHead = this.u32[slot * u32PerRecord + u32LastSecond]!;
      return slot;
    }
    if (this.allocated < this.capacity) return this.allocated++;
    const victim = this.sampleVictim();
    this.remove(victim);
    this.counters.evictions++;
    return this.takeSlot();
  }

  /**
   * The least recently seen of the next few slots from the eviction hand (all are live: the table
   * is full). Neighbouring records share cache lines the processor streams in; slots are handed
   * out in arrival order, so a run of them mixes ages much as a random sample does.
   */
  private sampleVictim(): number {
    let victim = -1;
    let oldest = Infinity;
    for (let sample = 0; sample < evictionSample; sample++) {
      if (this.evictionHand >= this.allocated) this.evictionHand = 0;
      const slot = this.evictionHand++;
      const lastSecond = this.i32[slot * u32PerRecord + u32LastSecond]!;
      if (lastSecond < oldest) {
        oldest = lastSecond;
        victim = slot;
      }
    }
    return victim;
  }

  private unindex(slot: number): void {
    const { index, hashes, mask } = this;
    let hole = hashKey(this.f64[slot * f64PerRecord + f64Key]!) & mask;
    while (index[hole] !== slot + 1) {
      assert(index[hole] !== 0, 'a live slot is missing from the index');
      hole = (hole + 1) & mask;
    }
    // Backward shift: pull later entries of the probe run into the hole when their home allows it.
    for (let next = (hole + 1) & mask; index[next] !== 0; next = (next + 1) & mask) {
      const home = hashes[next]! & mask;
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (between) continue;
      index[hole] = index[next]!;
      hashes[hole] = hashes[next]!;
      hole = next;
    }
    index[hole] = 0;
  }
}

/** A table of at most `capacity` records; `onRemove(slot)` runs before a slot is freed (evicted, expired or removed). */
export function createSlotTable(capacity: number, onRemove: (slot: number) => void = () => {}): SlotTable {
  return new SlotTableImpl(capacity, onRemove);
}
