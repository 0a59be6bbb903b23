// Proves keyed state keeps its key bound (evicting the least recently updated key, counted, or
// failing loudly), expires keys by event-time TTL, and that a checkpoint collects exactly the keys
// changed since the last one plus deletions, restoring to the same contents and update order.
import { describe, expect, it } from 'vitest';
import type { StreamStateDeletion, StreamStateRow } from '../store/index.js';
import { float64Codec } from './codecs.js';
import { StreamError } from './errors.js';
import { createKeyedState } from './keyed-state.js';
import { createStateTable, type StateTable } from './state-table.js';
import { noWatermarkMs, type WhenFull } from './types.js';

function table(options: { keysMax?: number; whenFull?: WhenFull; ttlMs?: number } = {}) {
  const time = { watermarkMs: noWatermarkMs };
  const state = createStateTable<number>({
    job: 'job',
    operator: 'op',
    qualifiedName: 'op.counts',
    codec: float64Codec(),
    keysMax: options.keysMax ?? 100,
    whenFull: options.whenFull ?? 'evict-least-recently-updated',
    ttlMs: options.ttlMs ?? 0,
    time,
  });
  return { time, state, keyed: createKeyedState('counts', state) };
}

function collect(state: StateTable<number>): { upserts: string[]; deletions: string[]; rows: StreamStateRow[] } {
  const rows: StreamStateRow[] = [];
  const deletions: StreamStateDeletion[] = [];
  state.collect(rows, deletions);
  const decode = float64Codec().decode;
  return {
    upserts: rows.map((row) => `${row.partition}/${row.namespace}/${row.key}=${decode(row.value)}`),
    deletions: deletions.map((row) => `${row.partition}/${row.namespace}/${row.key ?? '*'}`),
    rows,
  };
}

describe('keyed state bound', () => {
  it('evicts the least recently updated key (reads do not count) and counts the eviction', () => {
    const { state, keyed } = table({ keysMax: 3 });
    keyed.set(0, 'a', 1);
    keyed.set(0, 'b', 2);
    keyed.set(1, 'c', 3);
    expect(keyed.get(0, 'a')).toBe(1);
    keyed.set(0, 'b', 20);
    keyed.set(0, 'd', 4);
    expect(keyed.get(0, 'a')).toBeUndefined();
    expect([keyed.get(0, 'b'), keyed.get(1, 'c'), keyed.get(0, 'd')]).toEqual([20, 3, 4]);
    expect(state.counters.evictions).toBe(1);
    expect(keyed.size()).toBe(3);
    expect(collect(state).deletions).toEqual(['0/0/a']);
  });

  it('fails loudly when declared whenFull: fail, naming the job, operator and partition', () => {
    const { keyed } = table({ keysMax: 2, whenFull: 'fail' });
    keyed.set(0, 'a', 1);
    keyed.set(0, 'b', 1);
    keyed.set(0, 'a', 2);
    const error = (() => {
      try {
        keyed.set(4, 'c', 1);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'state_full', job: 'job', operator: 'op', partition: 4 });
  });
});

describe('keyed state time-to-live', () => {
  it('removes keys once the watermark is ttl past their last update, counting from the first watermark', () => {
    const { time, state, keyed } = table({ ttlMs: 10_000 });
    keyed.set(0, 'early', 1);
    time.watermarkMs = 100_000;
    state.expire(100_000);
    expect(keyed.get(0, 'early')).toBe(1);
    time.watermarkMs = 105_000;
    keyed.set(0, 'later', 1);
    time.watermarkMs = 109_999;
    state.expire(109_999);
    expect(keyed.size()).toBe(2);
    time.watermarkMs = 110_000;
    state.expire(110_000);
    expect(keyed.get(0, 'early')).toBeUndefined();
    expect(keyed.get(0, 'later')).toBe(1);
    // An update renews the key's life.
    keyed.set(0, 'later', 2);
    time.watermarkMs = 119_999;
    state.expire(119_999);
    expect(keyed.get(0, 'later')).toBe(2);
    time.watermarkMs = 120_000;
    state.expire(120_000);
    expect(keyed.size()).toBe(0);
    expect(state.counters.expirations).toBe(2);
  });
});

describe('checkpoint collection', () => {
  it('collects only the keys changed since the last checkpoint, with deletions first in effect', () => {
    const { time, state, keyed } = table();
    time.watermarkMs = 1_000;
    keyed.set(0, 'a', 1);
    keyed.set(0, 'b', 1);
    keyed.set(1, 'a', 5);
    keyed.set(0, 'a', 2);
    expect(state.pendingRows()).toBe(3);
    expect(collect(state).upserts).toEqual(['0/0/a=2', '0/0/b=1', '1/0/a=5']);
    expect(state.pendingRows()).toBe(0);
    expect(collect(state)).toMatchObject({ upserts: [], deletions: [] });

    keyed.set(0, 'b', 7);
    keyed.delete(1, 'a');
    keyed.set(0, 'c', 1);
    keyed.delete(0, 'c');
    keyed.delete(0, 'a');
    keyed.set(0, 'a', 9);
    const updated: string[] = [];
    keyed.forEachUpdated((partition, key, value) => updated.push(`${partition}/${key}=${value}`));
    expect(updated).toEqual(['0/b=7', '0/a=9']);
    const second = collect(state);
    expect(second.upserts).toEqual(['0/0/b=7', '0/0/a=9']);
    expect(second.deletions).toEqual(['1/0/a', '0/0/c', '0/0/a']);
  });

  it('restores collected rows to the same values and update order (the next eviction picks the same key)', () => {
    const first = table({ keysMax: 3 });
    first.time.watermarkMs = 10;
    first.keyed.set(0, 'a', 1);
    first.time.watermarkMs = 20;
    first.keyed.set(0, 'b', 2);
    first.time.watermarkMs = 30;
    first.keyed.set(0, 'c', 3);
    first.time.watermarkMs = 40;
    first.keyed.set(0, 'a', 4);
    const { rows } = collect(first.state);

    const second = table({ keysMax: 3 });
    for (const row of [...rows].reverse()) second.state.restore(row);
    second.state.finishRestore();
    expect(second.state.pendingRows()).toBe(0);
    second.keyed.set(0, 'd', 5);
    expect(second.keyed.get(0, 'b')).toBeUndefined();
    expect([second.keyed.get(0, 'a'), second.keyed.get(0, 'c'), second.keyed.get(0, 'd')]).toEqual([4, 3, 5]);
  });

  it('removes a whole namespace as one deletion', () => {
    const { state } = table();
    state.put(0, 60_000, 'a', 1);
    state.put(0, 60_000, 'b', 1);
    state.put(0, 120_000, 'a', 1);
    collect(state);
    state.removeNamespace(0, 60_000);
    expect(state.size()).toBe(1);
    expect(collect(state).deletions).toEqual(['0/60000/*']);
    expect(state.namespace(0, 60_000)).toBeUndefined();
  });

  it('refuses a key over its byte bound', () => {
    const { keyed } = table();
    expect(() => keyed.set(0, 'k'.repeat(600), 1)).toThrow(/over 512/);
  });
});
