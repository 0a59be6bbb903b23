// The click decoder's id cache: the link, user and account id texts of a record, found by the
// record's raw id bytes. Ids repeat (a popular link is clicked over and over), so a hit costs a
// hash of the link id's last bytes and a compare of all the id bytes, and allocates nothing; only
// a miss makes strings (checked as UTF-8 by `readClickIds`). The three ids lie back to back in the
// record, so one key covers all three, and a link always has the same owner, so a hot link takes
// one slot. Direct-mapped and bounded: a colliding key replaces the one in its slot; memory is
// `slots × keyBytesMax` bytes plus the texts.
import { assert } from '../core/index.js';
import { readClickIds, type ClickLayout } from '../events/index.js';

/** Where the ids go: one column per id, as in `ClickBatch`. */
export interface ClickIdColumns {
  readonly linkIds: string[];
  readonly userIds: string[];
  readonly accountIds: string[];
}

export interface ClickIdCache {
  /**
   * Puts the ids of the record `layout` was read from into row `row` of `columns`, from the cache
   * when their bytes were seen before. Returns the slot now holding them, or -1 when they are too
   * long to cache: rows with the same slot and the same link id text have the same ids.
   */
  resolve(bytes: Uint8Array, layout: ClickLayout, columns: ClickIdColumns, row: number): number;
  readonly stats: { hits: number; misses: number };
}

/** Four bytes at `at` as a little-endian word. */
function wordAt(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** Bytes `at..at+count-1` (count 0..3) as the low end of a little-endian word. */
function tailWord(bytes: Uint8Array, at: number, count: number): number {
  let word = 0;
  for (let index = count - 1; index >= 0; index--) word = (word << 8) | bytes[at + index]!;
  return word;
}

function mix(hash: number, word: number): number {
  const mixed = Math.imul(hash ^ word, 0x5bd1e995);
  return mixed ^ (mixed >>> 15);
}

export function createClickIdCache(options: { slots: number; keyBytesMax: number }): ClickIdCache {
  const { slots } = options;
  assert(Number.isInteger(slots) && slots >= 1 && (slots & (slots - 1)) === 0, () => `the id cache's slots must be a power of two, got ${slots}`);
  assert(Number.isInteger(options.keyBytesMax) && options.keyBytesMax >= 4, 'the id cache needs room for a key');
  const wordsMax = Math.floor(options.keyBytesMax / 4);
  const mask = slots - 1;
  /**
   * Per slot, side by side so a hit reads one run of memory: the shape (link | user << 8 |
   * account << 16 | 1 << 24, each id at most 255 bytes here; 0 for an empty slot), then the key's
   * bytes as little-endian words, the last one zero-padded.
   */
  const stride = 1 + wordsMax;
  const keys = new Int32Array(slots * stride);
  const texts = new Array<string>(slots * 3).fill('');
  const stats = { hits: 0, misses: 0 };
  const made = ['', '', ''];

  const sameKey = (base: number, bytes: Uint8Array, start: number, length: number): boolean => {
    // `base` is the slot's first key word, after its shape.
    const words = length >>> 2;
    for (let word = 0; word < words; word++) if (keys[base + word] !== wordAt(bytes, start + word * 4)) return false;
    return (length & 3) === 0 || keys[base + words] === tailWord(bytes, start + words * 4, length & 3);
  };

  const store = (slot: number, shape: number, bytes: Uint8Array, start: number, length: number): void => {
    keys[slot * stride] = shape;
    const base = slot * stride + 1;
    const words = length >>> 2;
    for (let word = 0; word < words; word++) keys[base + word] = wordAt(bytes, start + word * 4);
    if ((length & 3) !== 0) keys[base + words] = tailWord(bytes, start + words * 4, length & 3);
    const at = slot * 3;
    texts[at] = made[0]!;
    texts[at + 1] = made[1]!;
    texts[at + 2] = made[2]!;
  };

  const write = (columns: ClickIdColumns, row: number, linkId: string, userId: string, accountId: string): void => {
    columns.linkIds[row] = linkId;
    columns.userIds[row] = userId;
    columns.accountIds[row] = accountId;
  };

  return {
    stats,
    resolve(bytes, layout, columns, row) {
      const { idsStart: start, linkIdBytes, userIdBytes, accountIdBytes } = layout;
      const length = linkIdBytes + userIdBytes + accountIdBytes;
      if (length > wordsMax * 4 || linkIdBytes > 255 || userIdBytes > 255 || accountIdBytes > 255) {
        stats.misses++;
        readClickIds(bytes, layout, made);
        write(columns, row, made[0]!, made[1]!, made[2]!);
        return -1;
      }
      // The lengths are part of the key: "ab" + "c" and "a" + "bc" are different ids.
      const shape = linkIdBytes | (userIdBytes << 8) | (accountIdBytes << 16) | (1 << 24);
      // The hash covers the link id's last eight bytes (ids end in their random part): a link has one owner.
      let hash = Math.imul(shape, 0x9e3779b1);
      if (linkIdBytes >= 8) hash = mix(mix(hash, wordAt(bytes, start + linkIdBytes - 8)), wordAt(bytes, start + linkIdBytes - 4));
      else if (linkIdBytes >= 4) hash = mix(mix(hash, wordAt(bytes, start)), wordAt(bytes, start + linkIdBytes - 4));
      else hash = mix(hash, tailWord(bytes, start, linkIdBytes));
      const slot = hash & mask;
      if (keys[slot * stride] === shape && sameKey(slot * stride + 1, bytes, start, length)) {
        stats.hits++;
        const at = slot * 3;
        write(columns, row, texts[at]!, texts[at + 1]!, texts[at + 2]!);
        return slot;
      }
      stats.misses++;
      readClickIds(bytes, layout, made);
      store(slot, shape, bytes, start, length);
      write(columns, row, made[0]!, made[1]!, made[2]!);
      return slot;
    },
  };
}
