// Proves the slot table against a Map model: inserts, finds and removals in any order (the
// backward-shift deletion keeps every key findable), growth up to the bound, eviction of the least
// recently seen of a sample when full, and the sweep of idle keys.
import { describe, expect, it } from 'vitest';
import { f64Key, f64PerRecord, u32LastSecond, u32PerRecord } from './record-layout.js';
import { createSlotTable } from './slot-table.js';

describe('slot table', () => {
  it('agrees with a Map under random inserts and removals', () => {
    const removed: number[] = [];
    const table = createSlotTable(10_000, (slot) => removed.push(table.f64[slot * f64PerRecord + f64Key]!));
    const model = new Map<number, number>();
    let seed = 12_345;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0);
    for (let step = 0; step < 50_000; step++) {
      const key = (next() % 4_000) * 65_537 + 2 ** 33 * (step % 2);
      const slot = table.find(key);
      expect(slot >= 0).toBe(model.has(key));
      if (slot >= 0 && next() % 3 === 0) {
        table.remove(slot);
        model.delete(key);
      } else if (slot < 0) {
        model.set(key, table.insert(key));
      }
    }
    expect(table.size()).toBe(model.size);
    for (const [key, slot] of model) expect(table.find(key)).toBe(slot);
    expect(removed.length).toBeGreaterThan(0);
  });

  it('evicts one of the least recently seen when full, and counts it', () => {
    const table = createSlotTable(1_000);
    for (let key = 0; key < 1_000; key++) table.i32[table.insert(key) * u32PerRecord + u32LastSecond] = key;
    const slot = table.insert(5_000);
    expect(table.size()).toBe(1_000);
    expect(table.counters.evictions).toBe(1);
    expect(table.find(5_000)).toBe(slot);
    // The victim is the oldest of the 8 slots at the eviction hand: the first ones, here.
    let missing = -1;
    for (let key = 0; key < 1_000; key++) if (table.find(key) < 0) missing = key;
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(missing).toBe(0);
  });

  it('sweeps keys idle for the time-to-live', () => {
    const table = createSlotTable(100);
    for (let key = 0; key < 100; key++) table.i32[table.insert(key) * u32PerRecord + u32LastSecond] = key < 50 ? 1_000 : 2_000;
    table.sweep(2_100, 500, 1_000);
    expect(table.size()).toBe(50);
    expect(table.counters.expirations).toBe(50);
    expect(table.find(10)).toBe(-1);
    expect(table.find(60)).toBeGreaterThanOrEqual(0);
  });
});
