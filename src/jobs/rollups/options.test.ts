// Proves the rollup options name the field that is missing or bad, and the checks file parses into
// named checks.
import { describe, expect, it } from 'vitest';
import { parseChecks } from './data-checks.js';
import { parseRollupOptions } from './options.js';

describe('rollup options', () => {
  it('needs a data folder and the partition count, and refuses bad thresholds by name', () => {
    expect(() => parseRollupOptions({ partitions: 4 })).toThrow(/rollups option dataDir: must not be empty/);
    expect(() => parseRollupOptions({ dataDir: '/data' })).toThrow(/rollups option partitions: must be at least 1 \(got 0\)/);
    expect(() => parseRollupOptions({ dataDir: '/data', partitions: 4, duckdbThreads: 0 })).toThrow(/duckdbThreads: must be at least 1/);
    expect(() => parseRollupOptions({ dataDir: '/data', partitions: 4, fraud: { ip10sSuspicious: 60, ip10sBlocked: 50 } })).toThrow(/ip10sBlocked/);
    const options = parseRollupOptions({ dataDir: '/data', partitions: 4 });
    expect(options).toMatchObject({ dataDir: '/data', partitions: 4, breakdownValuesPerLink: 50, hourlyCron: '15 * * * *' });
    expect(options.fraud.ip10sSuspicious).toBe(15);
  });

  it('splits a checks file into named queries', () => {
    expect(parseChecks('-- intro\n\n-- check: one\nSELECT 1\nWHERE false\n\n-- check: two\n-- why\nSELECT 2\n')).toEqual([
      { name: 'one', sql: 'SELECT 1\nWHERE false' },
      { name: 'two', sql: 'SELECT 2' },
    ]);
  });
});
