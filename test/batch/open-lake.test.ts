// Proves the lake's disk helpers list an hour's lake files (part and late, not temp or foreign
// files), build DuckDB sources with quoted paths, and refuse store questions without a store.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLake, type LakeError } from '../../src/batch/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const hour = Date.UTC(2026, 10, 25, 8);

describe('openLake', () => {
  let temp: TempDir;
  beforeEach(async () => {
    temp = await makeTempDir("clickflow-lake-o'dir-");
  });
  afterEach(async () => temp.remove());

  it("lists an hour's lake files and nothing else, and quotes paths for DuckDB", async () => {
    const folder = join(temp.path, 'raw', 'date=2026-11-25', 'hour=08');
    mkdirSync(folder, { recursive: true });
    for (const name of ['part-p1-o0-9.parquet', 'late-p0-o5-5.parquet', '.part-p2-o0-1.parquet.tmp', 'notes.txt', 'part-p1-o9-0.parquet']) writeFileSync(join(folder, name), '');
    const lake = openLake(temp.path);
    expect(lake.listHourFiles(hour)).toEqual([
      { kind: 'late', partition: 0, firstOffset: 5, lastOffset: 5, path: 'raw/date=2026-11-25/hour=08/late-p0-o5-5.parquet' },
      { kind: 'part', partition: 1, firstOffset: 0, lastOffset: 9, path: 'raw/date=2026-11-25/hour=08/part-p1-o0-9.parquet' },
    ]);
    expect(lake.listHourFiles(hour + 3_600_000)).toEqual([]);
    expect(lake.hourPath(hour)).toBe(folder);
    const quotedDir = temp.path.replaceAll("'", "''");
    expect(lake.rawSourceSql(['raw/a.parquet'], { hivePartitioning: true })).toBe(`read_parquet(['${quotedDir}/raw/a.parquet'], hive_partitioning = true, union_by_name = false)`);
    expect(lake.rawSourceSql([])).toMatch(/^\(SELECT CAST\(NULL AS BIGINT\) AS event_time_ms, .* CAST\(NULL AS BIGINT\) AS log_offset WHERE false\)$/);
    expect(lake.rawGlobSql()).toBe(`read_parquet('${quotedDir}/raw/*/*/*.parquet', hive_partitioning = true)`);
    const failure = await lake.sealedHour(hour).catch((error: unknown) => error as LakeError);
    expect(failure).toMatchObject({ name: 'LakeError', code: 'invalid' });
    expect(() => lake.listHourFiles(hour + 1)).toThrow(/not the start of a UTC hour/);
  });
});
