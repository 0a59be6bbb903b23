// HyperLogLog distinct counting (Flajolet et al. 2007) with precision 12: 4,096 registers, a
// relative standard error of 1.04 / √4096 ≈ 1.63%, mergeable by taking the larger register (so
// sketches of time slices and partitions union exactly as their sets would). Small sketches are
// sparse: an open-addressed table of (register, rank) pairs that grows up to 2 KiB, then turns into
// 4,096 dense registers (4 KiB in memory, 3 KiB encoded at 6 bits each). Both forms give the same
// registers and the same estimate; sparse only saves memory for the many small sets.
//
// Inputs are numeric keys below 2^53 (clickflow's address keys), hashed to 64 bits with two
// murmur3 hashes (the second only when the first leaves the rank undecided): the top 12 bits pick
// the register, the other 52 give the rank.
import { assert } from '../../core/index.js';

export const hllPrecision = 12;
export const hllRegisterCount = 1 << hllPrecision;
/** One standard error of an estimate, relative: 1.04 / √m. About 68% of estimates fall within it, 99.7% within three times it. */
export const hllRelativeStandardError = 1.04 / Math.sqrt(hllRegisterCount);

/** Sparse entries at most before a sketch turns dense (its table then holds 512 slots: 2 KiB). */
const sparseEntriesMax = 384;
const sparseCapacityInitial = 8;
const rankMax = 64 - hllPrecision + 1;

/** A sketch: sparse (`dense === null`) or dense (`sparse === null`). Mutated in place by `hllAdd`. */
export interface HllSketch {
  /** Open-addressed by register: `register << 8 | rank`, 0 for an empty slot. */
  sparse: Int32Array | null;
  sparseCount: number;
  dense: Uint8Array | null;
}

export function createHll(): HllSketch {
  return { sparse: new Int32Array(sparseCapacityInitial), sparseCount: 0, dense: null };
}

function fmix32(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

function murmurRound(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let mixed = hash ^ Math.imul(k, 0x1b873593);
  mixed = (mixed << 13) | (mixed >>> 19);
  return (Math.imul(mixed, 5) + 0xe6546b64) | 0;
}

/** murmur3_32 of the two 32-bit words `low`, `high` with `seed`. */
function murmur2Words(low: number, high: number, seed: number): number {
  return fmix32(murmurRound(murmurRound(seed, low), high) ^ 8);
}

/** The key just hashed, and its first hash word: the register and the first 20 rank bits. */
let hashedLow = 0;
let hashedHigh = 0;
let hashHigh = 0;

function hashKey(key: number): void {
  hashedLow = key >>> 0;
  hashedHigh = ((key - hashedLow) / 4_294_967_296) >>> 0;
  hashHigh = murmur2Words(hashedLow, hashedHigh, 0x9747b28c);
}

/** The register of the key just hashed. */
function registerOf(): number {
  return hashHigh >>> (32 - hllPrecision);
}

/**
 * 1 + leading zeros of the 52 bits after the register bits (53 when all are zero). The second
 * hash word is needed only when the first word's 20 rank bits are all zero (one key in a million).
 */
function rankOf(): number {
  const rest = hashHigh << hllPrecision;
  if (rest !== 0) return Math.clz32(rest) + 1;
  return Math.min(rankMax, 32 - hllPrecision + 1 + Math.clz32(murmur2Words(hashedLow, hashedHigh, 0x5bd1e995)));
}

function toDense(sketch: HllSketch): Uint8Array {
  const dense = new Uint8Array(hllRegisterCount);
  for (const entry of sketch.sparse!) if (entry !== 0) dense[entry >>> 8] = entry & 0xff;
  sketch.sparse = null;
  sketch.sparseCount = 0;
  sketch.dense = dense;
  return dense;
}

/** Sets `register` to at least `rank` in a sparse table; returns whether it changed. */
function sparseMax(table: Int32Array, register: number, rank: number): 'changed' | 'same' | 'added' {
  const mask = table.length - 1;
  for (let slot = register & mask; ; slot = (slot + 1) & mask) {
    const entry = table[slot]!;
    if (entry === 0) {
      table[slot] = (register << 8) | rank;
      return 'added';
    }
    if (entry >>> 8 === register) {
      if ((entry & 0xff) >= rank) return 'same';
      table[slot] = (register << 8) | rank;
      return 'changed';
    }
  }
}

function growSparse(sketch: HllSketch): void {
  const old = sketch.sparse!;
  const table = new Int32Array(old.length * 2);
  for (const entry of old) if (entry !== 0) sparseMax(table, entry >>> 8, entry & 0xff);
  sketch.sparse = table;
}

/** Sets `register` to at least `rank`; returns whether the sketch changed. */
export function hllRaise(sketch: HllSketch, register: number, rank: number): boolean {
  const { dense } = sketch;
  if (dense !== null) {
    if (dense[register]! >= rank) return false;
    dense[register] = rank;
    return true;
  }
  const result = sparseMax(sketch.sparse!, register, rank);
  if (result !== 'added') return result === 'changed';
  sketch.sparseCount++;
  if (sketch.sparseCount > sparseEntriesMax) toDense(sketch);
  else if (sketch.sparseCount * 4 > sketch.sparse!.length * 3) growSparse(sketch);
  return true;
}

/** Adds a numeric key (an integer in 0 .. 2^53); returns whether the sketch changed. */
export function hllAdd(sketch: HllSketch, key: number): boolean {
  hashKey(key);
  return hllRaise(sketch, registerOf(), rankOf());
}

/** Raises `registers` (dense, 4,096) to the union of themselves and `sketch`. */
export function hllMergeInto(registers: Uint8Array, sketch: HllSketch): void {
  assert(registers.length === hllRegisterCount, 'a union needs 4,096 registers');
  if (sketch.dense !== null) {
    for (let register = 0; register < hllRegisterCount; register++) if (sketch.dense[register]! > registers[register]!) registers[register] = sketch.dense[register]!;
    return;
  }
  for (const entry of sketch.sparse!) {
    if (entry === 0) continue;
    const register = entry >>> 8;
    if ((entry & 0xff) > registers[register]!) registers[register] = entry & 0xff;
  }
}

/** Registers set in the sketch (sparse entries, or non-zero dense registers). */
export function hllEntries(sketch: HllSketch): number {
  if (sketch.dense === null) return sketch.sparseCount;
  let count = 0;
  for (const rank of sketch.dense) if (rank !== 0) count++;
  return count;
}

/** The estimated number of distinct keys behind dense registers (raw HyperLogLog, linear counting when small). */
export function hllEstimateRegisters(registers: Uint8Array): number {
  const m = hllRegisterCount;
  let sum = 0;
  let zeros = 0;
  for (let register = 0; register < m; register++) {
    const rank = registers[register]!;
    sum += 2 ** -rank;
    if (rank === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  // Linear counting is the better estimator while many registers are still empty.
  if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
  return raw;
}

export function hllEstimate(sketch: HllSketch): number {
  const registers = new Uint8Array(hllRegisterCount);
  hllMergeInto(registers, sketch);
  return hllEstimateRegisters(registers);
}

// Encoding: one format byte, then either the sparse entries sorted by register (3 bytes each:
// register << 6 | rank, big-endian; at most 384) or 4,096 registers of 6 bits (3,072 bytes, four
// registers in three bytes). Sorted, so the bytes depend only on the registers, not on the order
// in which keys arrived.
const formatSparse = 1;
/** Room for a sparse sketch's entries while they are sorted for encoding. */
const sortScratch = new Int32Array(sparseEntriesMax + 1);
const formatDense = 2;
const denseBytes = (hllRegisterCount * 6) / 8;

/** Bytes `hllEncodeInto` writes for this sketch. */
export function hllEncodedBytes(sketch: HllSketch): number {
  return sketch.dense === null ? 3 + 3 * sketch.sparseCount : 1 + denseBytes;
}

/** Sparse entries sorted in place by insertion, at most; more are sorted by the typed sort. */
const insertionSortMax = 32;

/** Writes the sketch at `out[offset..]`; returns the offset after it. */
export function hllEncodeInto(sketch: HllSketch, out: Uint8Array, offset: number): number {
  let position = offset;
  if (sketch.dense === null) {
    // Entries are positive (register << 8 | rank), so a numeric sort orders them by register. Most
    // slices hold a few entries: an insertion sort in place, no view made; a typed sort for more.
    const sparse = sketch.sparse!;
    let count = 0;
    for (let index = 0; index < sparse.length; index++) {
      const entry = sparse[index]!;
      if (entry !== 0) sortScratch[count++] = entry;
    }
    if (count <= insertionSortMax) {
      for (let index = 1; index < count; index++) {
        const entry = sortScratch[index]!;
        let at = index - 1;
        while (at >= 0 && sortScratch[at]! > entry) {
          sortScratch[at + 1] = sortScratch[at]!;
          at--;
        }
        sortScratch[at + 1] = entry;
      }
    } else sortScratch.subarray(0, count).sort();
    out[position++] = formatSparse;
    out[position++] = count >>> 8;
    out[position++] = count & 0xff;
    for (let index = 0; index < count; index++) {
      const entry = sortScratch[index]!;
      const packed = ((entry >>> 8) << 6) | (entry & 0x3f);
      out[position++] = packed >>> 16;
      out[position++] = (packed >>> 8) & 0xff;
      out[position++] = packed & 0xff;
    }
    return position;
  }
  const registers = sketch.dense;
  out[position++] = formatDense;
  for (let register = 0; register < hllRegisterCount; register += 4) {
    const packed = (registers[register]! << 18) | (registers[register + 1]! << 12) | (registers[register + 2]! << 6) | registers[register + 3]!;
    out[position++] = packed >>> 16;
    out[position++] = (packed >>> 8) & 0xff;
    out[position++] = packed & 0xff;
  }
  return position;
}

/** Reads a sketch written by `hllEncodeInto` at `bytes[offset..]`; `end` receives the offset after it. Throws RangeError on a malformed one. */
export function hllDecodeFrom(bytes: Uint8Array, offset: number, end: { offset: number }): HllSketch {
  const format = bytes[offset];
  if (format === formatSparse) {
    const count = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
    const stop = offset + 3 + 3 * count;
    if (bytes.length < stop || count > sparseEntriesMax) throw new RangeError('a sparse sketch is cut short or too long');
    const sketch = createHll();
    for (let position = offset + 3; position < stop; position += 3) {
      const packed = (bytes[position]! << 16) | (bytes[position + 1]! << 8) | bytes[position + 2]!;
      const rank = packed & 0x3f;
      if (rank === 0 || rank > rankMax) throw new RangeError(`a sparse entry has rank ${rank}`);
      hllRaise(sketch, packed >>> 6, rank);
    }
    end.offset = stop;
    return sketch;
  }
  if (format === formatDense) {
    if (bytes.length < offset + 1 + denseBytes) throw new RangeError('a dense sketch is cut short');
    const dense = new Uint8Array(hllRegisterCount);
    for (let register = 0, position = offset + 1; register < hllRegisterCount; register += 4, position += 3) {
      const packed = (bytes[position]! << 16) | (bytes[position + 1]! << 8) | bytes[position + 2]!;
      dense[register] = packed >>> 18;
      dense[register + 1] = (packed >>> 12) & 0x3f;
      dense[register + 2] = (packed >>> 6) & 0x3f;
      dense[register + 3] = packed & 0x3f;
    }
    end.offset = offset + 1 + denseBytes;
    return { sparse: null, sparseCount: 0, dense };
  }
  throw new RangeError(`unknown sketch format ${format}`);
}
