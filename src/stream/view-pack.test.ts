// Proves packed view rows come back exactly (names, partitions, non-ASCII keys, empty and deleted
// values, order), that one list is packed once, and that a damaged pack is refused, not misread.
import { describe, expect, it } from 'vitest';
import type { StreamViewChange } from '../store/index.js';
import { packViewChanges, unpackViewChanges } from './view-pack.js';

const rows: StreamViewChange[] = [
  { view: 'link_counters', partition: 0, key: 'lnk_A', value: Uint8Array.of(1, 2, 3) },
  { view: 'link_visitors', partition: 3, key: 'lnk_A@492000', value: new Uint8Array(0) },
  { view: 'link_counters', partition: 70_000, key: 'ключ-é', value: null },
  { view: 'link_counters', partition: 1, key: '', value: new Uint8Array(5_000).fill(7) },
];

describe('packed view rows', () => {
  it('unpack to the rows packed, in order', () => {
    const unpacked = unpackViewChanges(packViewChanges(rows));
    expect(unpacked.map((row) => ({ ...row, value: row.value === null ? null : [...row.value] }))).toEqual(rows.map((row) => ({ ...row, value: row.value === null ? null : [...row.value] })));
    expect(unpackViewChanges(packViewChanges([]))).toEqual([]);
  });

  it('packs one list once', () => {
    const list = rows.slice(0, 2);
    expect(packViewChanges(list)).toBe(packViewChanges(list));
  });

  it('refuses a cut or padded pack', () => {
    const packed = packViewChanges(rows);
    expect(() => unpackViewChanges(packed.subarray(0, packed.length - 1))).toThrow(/cut short/);
    const padded = new Uint8Array(packed.length + 1);
    padded.set(packed);
    expect(() => unpackViewChanges(padded)).toThrow(/follow the last row/);
  });
});
