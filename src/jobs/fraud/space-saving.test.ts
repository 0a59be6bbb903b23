// Proves the Space-Saving summary: exact while keys fit, never under nor more than its error over
// the true count, a heavy key found among many light ones, ranks, and a restore that continues
// exactly as the summary it was taken from.
import { describe, expect, it } from 'vitest';
import { createSpaceSaving, type SpaceSaving } from './space-saving.js';

function snapshotOf(summary: SpaceSaving): [number, number, number][] {
  const rows: [number, number, number][] = [];
  summary.forEachInOrder((key, count, error) => rows.push([key, count, error]));
  return rows;
}

/** A deterministic stream: key `heavy` every `every`-th click, the rest spread over `light` keys. */
function stream(length: number, light: number, heavy: number, every: number): number[] {
  const keys: number[] = [];
  for (let index = 0; index < length; index++) keys.push(index % every === 0 ? heavy : 1_000 + ((index * 7_919) % light));
  return keys;
}

describe('Space-Saving', () => {
  it('counts exactly while every key has a counter', () => {
    const summary = createSpaceSaving(16);
    for (let round = 0; round < 5; round++) for (let key = 0; key < 16; key++) for (let click = 0; click <= key; click++) summary.add(key);
    for (let key = 0; key < 16; key++) {
      const counter = summary.find(key);
      expect(summary.estimate(counter)).toBe(5 * (key + 1));
      expect(summary.error(counter)).toBe(0);
      expect(summary.rank(counter)).toBe(16 - key);
    }
    expect(summary.total).toBe(5 * 136);
  });

  it('bounds every estimate by the true count and its error, and finds the heavy key', () => {
    const summary = createSpaceSaving(64);
    const keys = stream(200_000, 50_000, 7, 50);
    const truth = new Map<number, number>();
    for (const key of keys) {
      summary.add(key);
      truth.set(key, (truth.get(key) ?? 0) + 1);
    }
    expect(summary.size()).toBe(64);
    summary.forEachInOrder((key, count, error) => {
      expect(count).toBeGreaterThanOrEqual(truth.get(key)!);
      expect(count - error).toBeLessThanOrEqual(truth.get(key)!);
    });
    const heavy = summary.find(7);
    expect(heavy).toBeGreaterThanOrEqual(0);
    expect(summary.rank(heavy)).toBe(1);
    expect(summary.estimate(heavy) - summary.error(heavy)).toBeGreaterThan(0.9 * truth.get(7)!);
    // The error of a key is at most N/m.
    summary.forEachInOrder((_key, _count, error) => expect(error).toBeLessThanOrEqual(keys.length / 64));
  });

  it('restores from its order and then behaves exactly as the original', () => {
    const original = createSpaceSaving(32);
    const keys = stream(20_000, 500, 3, 9);
    for (const key of keys.slice(0, 10_000)) original.add(key);
    const copy = createSpaceSaving(32);
    for (const [key, count, error] of snapshotOf(original)) copy.restoreCounter(key, count, error);
    copy.total = original.total;
    expect(snapshotOf(copy)).toEqual(snapshotOf(original));
    for (const key of keys.slice(10_000)) {
      original.add(key);
      copy.add(key);
    }
    expect(snapshotOf(copy)).toEqual(snapshotOf(original));
  });

  it('starts afresh on reset', () => {
    const summary = createSpaceSaving(4);
    for (const key of [1, 2, 3, 4, 5, 6]) summary.add(key);
    summary.reset();
    expect(summary.size()).toBe(0);
    expect(summary.total).toBe(0);
    expect(summary.find(6)).toBe(-1);
    summary.add(9);
    expect(summary.estimate(summary.find(9))).toBe(1);
  });
});
