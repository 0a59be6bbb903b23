// A partition's idempotency keys: bounded by count and by time. When full, the oldest key is
// forgotten first (a retry arriving after that is stored again, which the window documents).
import { assert } from '../../core/index.js';

export interface DedupeEntry {
  firstOffset: number;
  count: number;
  timeMs: number;
  /** Settles when the first append's records are durable; undefined once they are. */
  durable: Promise<void> | undefined;
}

export interface DedupeMap {
  readonly size: number;
  /** The entry of `key` if it was set within the window. */
  get(key: string, nowMs: number): DedupeEntry | undefined;
  /** Remembers `key` as the newest entry, forgetting the oldest beyond the bounds. */
  set(key: string, entry: DedupeEntry, nowMs: number): void;
  delete(key: string): void;
}

export function createDedupeMap(capacity: number, windowMs: number): DedupeMap {
  assert(capacity > 0, 'dedupe capacity is positive');
  // A Map iterates in insertion order, and keys are inserted in time order: the first is oldest.
  const entries = new Map<string, DedupeEntry>();

  const evict = (nowMs: number): void => {
    for (const [key, entry] of entries) {
      if (entries.size <= capacity && entry.timeMs >= nowMs - windowMs) break;
      entries.delete(key);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    get(key, nowMs) {
      const entry = entries.get(key);
      return entry && entry.timeMs >= nowMs - windowMs ? entry : undefined;
    },
    set(key, entry, nowMs) {
      entries.delete(key);
      entries.set(key, entry);
      evict(nowMs);
    },
    delete(key) {
      entries.delete(key);
    },
  };
}
