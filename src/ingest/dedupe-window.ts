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

/**
 * One generation: an open-addressing table of 64-bit hashes. A slot's two halves sit side by side
 * (`words[2 * slot]` high, `[2 * slot + 1]` low), so a probe costs one cache miss, not two: the
 * table is far larger than any cache, and misses are what a lookup costs.
 */
class HashTable {
  private readonly words: Uint32Array;
  private readonly mask: number;
  size = 0;

  constructor(slots: number) {
    this.words = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  /** True when present; otherwise inserts it (when `insert`) and returns false. */
  probe(high: number, low: number, insert: boolean): boolean {
    const words = this.words;
    for (let slot = (low ^ high) & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = words[2 * slot]!;
      const l = words[2 * slot + 1]!;
      if (h === 0 && l === empty) {
        if (insert) {
          words[2 * slot] = high;
          words[2 * slot + 1] = low;
          this.size++;
        }
        return false;
      }
      if (h === high && l === low) return true;
    }
  }

  /** Marks the hash's slot as removed (a tombstone keeps later probes going); false when absent. */
  remove(high: number, low: number): boolean {
    const words = this.words;
    for (let slot = (low ^ high) & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = words[2 * slot]!;
      const l = words[2 * slot + 1]!;
      if (h === 0 && l === empty) return false;
      if (h === high && l === low) {
        words[2 * slot] = 0;
        words[2 * slot + 1] = tombstone;
        return true;
      }
    }
  }
}

// (0, 0) marks an empty slot and (0, 1) a removed one, so hashes (0, 0..2) are folded onto (0, 2).
const empty = 0;
const tombstone = 1;
const foldedLow = 2;

/**
 * Writes the 64-bit hash of an event id into `out[index]` (high half) and `out[index + 1]` (low
 * half): FNV-1a over UTF-16 code units, twice with different offsets. Ingest workers hash ids
 * where they parse them, so the thread that owns the window only probes (`checkAndAddHash`).
 */
export function writeEventIdHash(id: string, out: Uint32Array, index: number): void {
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
  out[index] = high;
  out[index + 1] = high === 0 && low < foldedLow ? foldedLow : low;
}

/** The hash of one id, read at once by the caller: [high, low]. */
const halves = new Uint32Array(2);

function hashHalves(id: string): Uint32Array {
  writeEventIdHash(id, halves, 0);
  return halves;
}

export interface DedupeWindow {
  /** True when the id was seen within the window; otherwise remembers it and returns false. */
  checkAndAdd(id: string, nowMs: number): boolean;
  /** True when the id was seen within the window (does not remember it). */
  has(id: string): boolean;
  /** Forgets an id, e.g. one whose append failed, so that a retry of it is accepted. */
  remove(id: string): void;
  /** `checkAndAdd` of an id hashed by `writeEventIdHash`. */
  checkAndAddHash(high: number, low: number, nowMs: number): boolean;
  /** `remove` of an id hashed by `writeEventIdHash`. */
  removeHash(high: number, low: number): void;
  /** Ids remembered now. */
  readonly size: number;
}

export function createDedupeWindow(options: { capacity: number; windowMs: number }): DedupeWindow {
  assert(options.capacity >= 2 && options.windowMs > 0, 'dedupe window needs a capacity of at least 2 and a positive window');
  // Each generation holds up to capacity / 2 ids at a load factor of at most one half: short
  // probes, and the tables (8 bytes a slot) stay within about 16 bytes per remembered id.
  let slots = 1;
  while (slots < options.capacity) slots *= 2;
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

  const checkAndAddHash = (high: number, low: number, nowMs: number): boolean => {
    assert(!(high === 0 && low < foldedLow), 'event id hashes are folded off the slot markers');
    rotateIfDue(nowMs);
    if (previous.probe(high, low, false)) return true;
    return current.probe(high, low, true);
  };
  const removeHash = (high: number, low: number): void => {
    current.remove(high, low);
    previous.remove(high, low);
  };
  return {
    checkAndAdd(id, nowMs) {
      const hash = hashHalves(id);
      return checkAndAddHash(hash[0]!, hash[1]!, nowMs);
    },
    checkAndAddHash,
    removeHash,
    has(id) {
      const hash = hashHalves(id);
      return current.probe(hash[0]!, hash[1]!, false) || previous.probe(hash[0]!, hash[1]!, false);
    },
    remove(id) {
      const hash = hashHalves(id);
      removeHash(hash[0]!, hash[1]!);
    },
    get size() {
      return current.size + previous.size;
    },
  };
}
