// Proves the HyperLogLog sketch: estimates within its stated error from tens to a million distinct
// keys, sparse and dense forms agree, unions equal the sketch of the union (slices and partitions
// merge exactly), and the encoding round-trips to the same registers whatever the insertion order.
import { describe, expect, it } from 'vitest';
import { createHll, hllAdd, hllDecodeFrom, hllEncodedBytes, hllEncodeInto, hllEntries, hllEstimate, hllEstimateRegisters, hllMergeInto, hllRegisterCount, hllRelativeStandardError, type HllSketch } from './hyperloglog.js';

function sketchOf(keys: Iterable<number>): HllSketch {
  const sketch = createHll();
  for (const key of keys) hllAdd(sketch, key);
  return sketch;
}

function registersOf(sketch: HllSketch): Uint8Array {
  const registers = new Uint8Array(hllRegisterCount);
  hllMergeInto(registers, sketch);
  return registers;
}

function encode(sketch: HllSketch): Uint8Array {
  const bytes = new Uint8Array(hllEncodedBytes(sketch));
  expect(hllEncodeInto(sketch, bytes, 0)).toBe(bytes.length);
  return bytes;
}

const range = (from: number, count: number, step = 1): number[] => Array.from({ length: count }, (_, index) => from + index * step);

describe('HyperLogLog', () => {
  it('states p = 12: 4,096 registers and a standard error of about 1.6%', () => {
    expect(hllRegisterCount).toBe(4096);
    expect(hllRelativeStandardError).toBeCloseTo(0.01625, 5);
  });

  it.each([1, 10, 100, 1_000, 10_000, 100_000, 1_000_000])('estimates %i distinct keys within three standard errors (and tiny sets almost exactly)', (count) => {
    // IPv4-like keys (consecutive integers) and IPv6-like keys (2^32 + large values) both hash well.
    for (const base of [167_772_160, 2 ** 32 + 987_654_321_987]) {
      const sketch = sketchOf(range(base, count, 7));
      const error = Math.abs(hllEstimate(sketch) - count) / count;
      expect(error, `${count} from ${base}`).toBeLessThan(count <= 100 ? 0.02 : 3 * hllRelativeStandardError);
    }
  });

  it('has a mean error within one standard error over many independent sets', () => {
    let sumSquares = 0;
    const sets = 40;
    for (let set = 0; set < sets; set++) {
      const estimate = hllEstimate(sketchOf(range(set * 1_000_003, 20_000, 3)));
      sumSquares += ((estimate - 20_000) / 20_000) ** 2;
    }
    expect(Math.sqrt(sumSquares / sets)).toBeLessThan(1.5 * hllRelativeStandardError);
  });

  it('ignores repeated keys, and says whether a key changed anything', () => {
    const sketch = createHll();
    expect(hllAdd(sketch, 42)).toBe(true);
    expect(hllAdd(sketch, 42)).toBe(false);
    for (let round = 0; round < 100; round++) for (const key of range(0, 50)) hllAdd(sketch, key);
    expect(Math.abs(hllEstimate(sketch) - 51)).toBeLessThan(1);
  });

  it('turns dense past 384 registers, with the same registers as before', () => {
    const small = sketchOf(range(5, 300));
    expect(small.dense).toBeNull();
    const keys = range(5, 3_000);
    const grown = sketchOf(keys);
    expect(grown.sparse).toBeNull();
    expect(hllEntries(grown)).toBeGreaterThan(384);
    const stepwise = createHll();
    const before = registersOf(sketchOf(keys.slice(0, 380)));
    for (const key of keys.slice(0, 380)) hllAdd(stepwise, key);
    expect(registersOf(stepwise)).toEqual(before);
  });

  it('unions slices and partitions exactly: the union of sketches is the sketch of the union', () => {
    const all = range(1_000, 50_000, 13);
    const parts = [all.filter((_, i) => i % 3 === 0), all.filter((_, i) => i % 3 === 1), all.filter((_, i) => i % 3 === 2)];
    const union = new Uint8Array(hllRegisterCount);
    for (const part of parts) hllMergeInto(union, sketchOf(part));
    // Overlapping slices (the same visitor in two hours) count once.
    hllMergeInto(union, sketchOf(all.slice(0, 10_000)));
    hllMergeInto(union, sketchOf(range(1_000, 200, 13)));
    expect(union).toEqual(registersOf(sketchOf(all)));
    expect(hllEstimateRegisters(union)).toBe(hllEstimate(sketchOf(all)));
  });

  it('encodes sparse and dense sketches to bytes that depend only on the registers', () => {
    for (const count of [0, 1, 200, 384, 385, 50_000]) {
      const keys = range(77, count, 11);
      const forward = sketchOf(keys);
      const backward = sketchOf([...keys].reverse());
      const bytes = encode(forward);
      expect(encode(backward)).toEqual(bytes);
      const end = { offset: 0 };
      const decoded = hllDecodeFrom(bytes, 0, end);
      expect(end.offset).toBe(bytes.length);
      expect(registersOf(decoded)).toEqual(registersOf(forward));
      expect(encode(decoded)).toEqual(bytes);
    }
    expect(encode(sketchOf(range(0, 100_000))).length).toBe(1 + 3_072);
  });

  it('refuses malformed bytes', () => {
    expect(() => hllDecodeFrom(Uint8Array.of(9), 0, { offset: 0 })).toThrow(RangeError);
    expect(() => hllDecodeFrom(Uint8Array.of(1, 0, 2, 0, 0, 1), 0, { offset: 0 })).toThrow(RangeError);
    expect(() => hllDecodeFrom(Uint8Array.of(2, 0), 0, { offset: 0 })).toThrow(RangeError);
  });
});
