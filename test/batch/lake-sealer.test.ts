// Proves sealing by watermark: an hour is sealed only once every partition's committed archiver
// watermark is past its end plus the allowed lateness (an idle partition advances on the clock and
// does not stall it; a partition never committed does), with its files and their hashes; empty
// hours between are sealed too; a late click of a sealed hour lands in a late file, re-opens the
// hour (version 2, the file recorded) and calls the hook; the change feed and the lake's reading
// helpers see it all.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, type TestClock } from '../../src/core/index.js';
import { createLakeSealer, openLake, type LakeSealer } from '../../src/batch/index.js';
import { archiverJobName, createArchiverJob } from '../../src/jobs/archiver/index.js';
import { createSqliteStore, type LakeFileInput, type LakeSeal, type Store } from '../../src/store/index.js';
import { createOperatorHarness, type OperatorHarness } from '../../src/stream/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { click } from '../jobs/archiver/lake-fixtures.js';

const hourMs = 3_600_000;
const minuteMs = 60_000;
const h05 = Date.UTC(2026, 0, 1, 5);
const latenessMs = minuteMs;

describe('lake sealer', () => {
  let temp: TempDir;
  let store: Store;
  let clock: TestClock;
  let harness: OperatorHarness;
  let sealer: LakeSealer;
  const sealedHooks: LakeSeal[] = [];
  const reopenHooks: { seal: LakeSeal; files: readonly LakeFileInput[] }[] = [];

  /** Takes a checkpoint and commits it to the SQLite store too, as a worker would. */
  const checkpoint = async (): Promise<void> => {
    await store.streamCheckpoints.commit(archiverJobName, harness.snapshot());
  };

  beforeEach(async () => {
    temp = await makeTempDir('clickflow-sealer-');
    clock = createTestClock(h05 + hourMs + 20 * minuteMs);
    store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: join(temp.path, 'store.sqlite') });
    const lakeDir = join(temp.path, 'lake');
    harness = createOperatorHarness(() => createArchiverJob({ lakeDir, allowedLatenessMs: latenessMs, duckdbThreads: 1 }), { partitions: [0, 1], clock, idleTimeoutMs: 2_000 });
    sealer = createLakeSealer(
      { store, clock, logger: createSilentLogger(), onSeal: (seal) => void sealedHooks.push(seal), onReopen: (seal, files) => void reopenHooks.push({ seal, files }) },
      { partitions: 2, allowedLatenessMs: latenessMs },
    );
  });
  afterEach(async () => {
    harness.engine.end();
    sealedHooks.length = 0;
    reopenHooks.length = 0;
    await store.close();
    await temp.remove();
  });

  it('seals an hour once every partition, the idle one too, is past its end plus the lateness; re-opens it for a late click', async () => {
    harness.process(0, [click(1, h05 + 10 * minuteMs), click(2, h05 + 20 * minuteMs), click(3, h05 + hourMs + 10 * minuteMs)]);
    await checkpoint();
    // Partition 1 has no watermark yet (nothing read, not idle long enough): it holds every hour open.
    expect(await sealer.runOnce()).toMatchObject({ globalWatermarkMs: Number.MIN_SAFE_INTEGER, filesRecorded: 2, sealed: [] });

    harness.readEmpty(1);
    harness.advanceClock(2_000);
    await checkpoint();
    const report = await sealer.runOnce();
    expect(report.globalWatermarkMs).toBe(h05 + hourMs + 10 * minuteMs - 3_000);
    expect(report.sealed.map((seal) => [seal.hourStartMs, seal.version, seal.files, seal.rows])).toEqual([[h05, 1, 1, 2]]);
    expect(sealedHooks.map((seal) => seal.hourStartMs)).toEqual([h05]);
    const lake = openLake({ dir: join(temp.path, 'lake'), store });
    const sealed = await lake.sealedHour(h05);
    expect(sealed?.files.map((file) => [file.path, file.kind, file.version])).toEqual([['raw/date=2026-01-01/hour=05/part-p0-o0-1.parquet', 'part', 1]]);
    expect(await lake.sealedHour(h05 + hourMs)).toBeUndefined();

    // A click of the sealed hour arrives: late file (the last checkpoint closed the hour), re-open, hook.
    harness.process(0, [click(4, h05 + 30 * minuteMs)]);
    await checkpoint();
    const late = await sealer.runOnce();
    expect(late.reopened.map((seal) => [seal.hourStartMs, seal.version, seal.files, seal.rows])).toEqual([[h05, 2, 2, 3]]);
    expect(reopenHooks.map(({ seal, files }) => [seal.version, files.map((file) => file.path)])).toEqual([[2, ['raw/date=2026-01-01/hour=05/late-p0-o3-3.parquet']]]);
    expect((await lake.hoursChangedSince(report.sealed[0]!.changeSequence)).map((seal) => [seal.hourStartMs, seal.version])).toEqual([[h05, 2]]);
    const reopened = (await lake.sealedHour(h05))!;
    expect(reopened.files.map((file) => [file.kind, file.version])).toEqual([['late', 2], ['part', 1]]);
    expect(await countRows(lake.rawSourceSql(reopened.files.map((file) => file.path)))).toBe(3);
    expect(await countRows(lake.rawSourceSql([]))).toBe(0);
    expect(await store.lateEvents.counts(archiverJobName)).toEqual([{ job: archiverJobName, reason: 'hour-closed', count: 1 }]);
  });

  it('seals the empty hours between, and no hour whose lateness has not passed', async () => {
    harness.process(0, [click(1, h05 + 10 * minuteMs)]);
    harness.process(1, [click(2, h05 + 40 * minuteMs)]);
    await checkpoint();
    clock.advanceTo(h05 + 3 * hourMs + 30 * minuteMs);
    harness.process(0, [click(3, h05 + 3 * hourMs + 20 * minuteMs)]);
    harness.readEmpty(1);
    harness.advanceClock(2_000);
    await checkpoint();
    const report = await sealer.runOnce();
    expect(report.sealed.map((seal) => [new Date(seal.hourStartMs).toISOString().slice(11, 13), seal.files])).toEqual([['05', 2], ['06', 0], ['07', 0]]);
    expect((await store.lakeSeals.state()).frontierMs).toBe(h05 + 3 * hourMs);
    // The watermark (08:19:57) is past 08:00 but not past 09:01: hour 08 stays open.
    expect((await sealer.runOnce()).sealed).toEqual([]);
  });
});

async function countRows(source: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(`SELECT count(*) FROM ${source}`);
    return Number(result.getRows()[0]![0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
