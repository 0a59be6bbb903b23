// A segment's sparse offset index in memory: (relative offset, file position) pairs in increasing
// order, about one per `indexIntervalBytes`. A read seeks to the entry at or before its offset
// and walks frames from there, so at most one interval of frames is skipped per read.
import { assert } from '../../core/index.js';

export interface IndexPoint {
  relativeOffset: number;
  position: number;
}

export interface SparseIndex {
  readonly size: number;
  /** Adds an entry after every other one: both numbers must grow. */
  add(relativeOffset: number, position: number): void;
  /** The last entry at or before `relativeOffset`; the segment's start when there is none. */
  floor(relativeOffset: number): IndexPoint;
  /** The newest entry, if any. */
  last(): IndexPoint | undefined;
}

export function createSparseIndex(): SparseIndex {
  // Interleaved pairs in one typed array, doubled when full: no object per entry.
  let pairs = new Uint32Array(64);
  let size = 0;

  const entryAt = (i: number): IndexPoint => ({ relativeOffset: pairs[2 * i]!, position: pairs[2 * i + 1]! });

  return {
    get size() {
      return size;
    },
    add(relativeOffset, position) {
      if (size > 0) {
        const previous = entryAt(size - 1);
        assert(
          relativeOffset > previous.relativeOffset && position > previous.position,
          () => `index entry (${relativeOffset}, ${position}) after (${previous.relativeOffset}, ${previous.position})`,
        );
      }
      if (2 * size + 2 > pairs.length) {
        const grown = new Uint32Array(pairs.length * 2);
        grown.set(pairs);
        pairs = grown;
      }
      pairs[2 * size] = relativeOffset;
      pairs[2 * size + 1] = position;
      size++;
    },
    floor(relativeOffset) {
      let low = 0;
      let high = size - 1;
      let found = -1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        if (pairs[2 * middle]! <= relativeOffset) {
          found = middle;
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return found < 0 ? { relativeOffset: 0, position: 0 } : entryAt(found);
    },
    last() {
      return size === 0 ? undefined : entryAt(size - 1);
    },
  };
}
