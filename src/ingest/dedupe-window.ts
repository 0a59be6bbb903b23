// Remembers recently ingested event ids so that a client's retry of a request is stored once.
//
// Memory is bounded: ids are kept as 64-bit hashes (two 32-bit halves) in two open-addressing
// tables, a current and a previous generation. New ids go into the current one; when it is half
// full or `windowMs / 2` has passed, it becomes the previous one and the old previous one is
// dropped. An id is therefore remembered for between windowMs / 2 and windowMs (or at least
// `capacity / 2` newer ids), and lookups cost two probes. A hash collision would make a new click
// look like a duplicate: with 64-bit hashes and 4 million remembered ids that is about one click in
// 4 * 10^12. Duplicates older than the window are removed exactly, by id, in the batch layer.
import { assert } from '../core/index.js';

class HashTable {
  private readonly high: Uint32Array;
  private readonly low: Uint32Array;
  private readonly mask: number;
  size = 0;

  constructor(slots: number) {
    this.high = new Uint32Array(slots);
    this.low = new Uint32Array(slots);
    this.mask = slots - 1;
  }

  /** True when present; otherwise inserts it (when `insert`) and returns false. */
  probe(high: number, low: number, insert: boolean): boolean {
    for (let slot = (low ^ high) & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = this.high[slot]!;
      const l = this.low[slot]!;
      if (h === 0 && l === empty) {
        if (insert) {
          this.high[slot] = high;
          this.low[slot] = low;
          this.size++;
        }
        return false;
      }
      if (h === high && l === low) return true;
    }
  }

  /** Marks the hash's slot as removed (a tombstone keeps later probes going); false when absent. */
  remove(high: number, low: number): boolean {
    for (let slot = (low ^ high) & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = this.high[slot]!;
      const l = this.low[slot]!;
      if (h === 0 && l === empty) return false;
      if (h === high && l === low) {
        this.high[slot] = 0;
        this.low[slot] = tombstone;
        return true;
      }
    }
  }
}

// (0, 0) marks an empty slot and (0, 1) a removed one, so hashes (0, 0..2) are folded onto (0, 2).
const empty = 0;
const tombstone = 1;
const foldedLow = 2;

/** FNV-1a over UTF-16 code units, twice with different offsets, giving 64 bits. */
function hashHalves(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const high = a >>> 0;
  const low = b >>> 0;
  return [high, high === 0 && low < foldedLow ? foldedLow : low];
}

export interface DedupeWindow {
  /** True when the id was seen within the window; otherwise remembers it and returns false. */
  checkAndAdd(id: string, nowMs: number): boolean;
  /** True when the id was seen within the window (does not remember it). */
  has(id: string): boolean;
  /** Forgets an id, e.g. one whose append failed, so that a retry of it is accepted. */
  remove(id: string): void;
  /** Ids remembered now. */
  readonly size: number;
}

export function createDedupeWindow(options: { capacity: number; windowMs: number }): DedupeWindow {
  assert(options.capacity >= 2 && options.windowMs > 0, 'dedupe window needs a capacity of at least 2 and a positive window');
  // Each generation holds up to capacity / 2 ids at a load factor of at most one half.
  let slots = 1;
  while (slots < options.capacity * 2) slots *= 2;
  const generationMax = Math.floor(options.capacity / 2);
  let current = new HashTable(slots);
  let previous = new HashTable(slots);
  let generationStartMs = -Infinity;

  const rotateIfDue = (nowMs: number): void => {
    if (current.size < generationMax && nowMs - generationStartMs < options.windowMs / 2) return;
    previous = current;
    current = new HashTable(slots);
    generationStartMs = nowMs;
  };

  return {
    checkAndAdd(id, nowMs) {
      const [high, low] = hashHalves(id);
      rotateIfDue(nowMs);
      if (previous.probe(high, low, false)) return true;
      return current.probe(high, low, true);
    },
    has(id) {
      const [high, low] = hashHalves(id);
      return current.probe(high, low, false) || previous.probe(high, low, false);
    },
    remove(id) {
      const [high, low] = hashHalves(id);
      current.remove(high, low);
      previous.remove(high, low);
    },
    get size() {
      return current.size + previous.size;
    },
  };
}
