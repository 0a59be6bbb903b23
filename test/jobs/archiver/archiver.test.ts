// Proves the archiver writes each click once into its event hour's folder, names files by their
// offsets, commits a manifest row per file with the offsets, sends clicks of a closed hour to late
// files (ledgered by reason), and after a crash removes files no checkpoint committed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../src/core/index.js';
import { lakeManifestCodec } from '../../../src/batch/index.js';
import { archiverLateReason, createArchiverJob } from '../../../src/jobs/archiver/index.js';
import { createOperatorHarness, type OperatorHarness } from '../../../src/stream/index.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';
import { click, listTree, readLake } from './lake-fixtures.js';

const hour = Date.UTC(2026, 0, 1, 5);
const hourMs = 3_600_000;

describe('archiver', () => {
  let temp: TempDir;
  let lakeDir: string;
  const harnesses: OperatorHarness[] = [];
  const open = (partitions: number[], clockMs = hour + 30 * 60_000, allowedLatenessMs = 60_000): OperatorHarness => {
    const harness = createOperatorHarness(() => createArchiverJob({ lakeDir, allowedLatenessMs, duckdbThreads: 1 }), { partitions, clock: createTestClock(clockMs) });
    harnesses.push(harness);
    return harness;
  };

  beforeEach(async () => {
    temp = await makeTempDir('clickflow-archiver-');
    lakeDir = join(temp.path, 'lake');
  });
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) harness.engine.end();
    await temp.remove();
  });

  it('writes each click once, into its event hour, in files named by their offsets, with one manifest row each', async () => {
    const harness = open([0, 1]);
    harness.process(0, [click(1, hour + 1_000), click(2, hour - 10_000), click(3, hour + 2_000)]);
    harness.process(1, [click(4, hour + 5_000)]);
    harness.snapshot();
    expect(listTree(join(lakeDir, 'raw'))).toEqual([
      'date=2026-01-01/hour=04/part-p0-o1-1.parquet',
      'date=2026-01-01/hour=05/part-p0-o0-2.parquet',
      'date=2026-01-01/hour=05/part-p1-o0-0.parquet',
    ]);
    const rows = await readLake(lakeDir);
    expect(rows.map((row) => [row.file, row.id, row.partition, row.offset])).toEqual([
      ['raw/date=2026-01-01/hour=04/part-p0-o1-1.parquet', 'c2', 0, 1],
      ['raw/date=2026-01-01/hour=05/part-p0-o0-2.parquet', 'c1', 0, 0],
      ['raw/date=2026-01-01/hour=05/part-p0-o0-2.parquet', 'c3', 0, 2],
      ['raw/date=2026-01-01/hour=05/part-p1-o0-0.parquet', 'c4', 1, 0],
    ]);
    const manifest = harness.store.viewRows('lake_files').map((row) => ({ key: row.key, ...lakeManifestCodec.decode(row.value) }));
    expect(manifest.map((entry) => [entry.key, entry.path, entry.rows, entry.firstOffset, entry.lastOffset])).toEqual([
      // Numbered in the order the partition's spools opened.
      ['p0000-000000000001', 'raw/date=2026-01-01/hour=05/part-p0-o0-2.parquet', 2, 0, 2],
      ['p0000-000000000002', 'raw/date=2026-01-01/hour=04/part-p0-o1-1.parquet', 1, 1, 1],
      ['p0001-000000000001', 'raw/date=2026-01-01/hour=05/part-p1-o0-0.parquet', 1, 0, 0],
    ]);
    for (const entry of manifest) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(lakeDir, '_spool'))).toBe(true);
    expect(listTree(join(lakeDir, '_spool')).filter((name) => name.endsWith('.csv'))).toEqual([]);
  });

  it('sends a click of an hour closed by the last checkpoint to a late file and ledgers it by reason', async () => {
    const harness = open([0], hour + 2 * hourMs);
    // In one read: 05:00:10 is not late although the read moves the watermark past 06:01.
    harness.process(0, [click(1, hour + hourMs + 30 * 60_000), click(2, hour + 10_000)]);
    harness.snapshot();
    // The checkpoint committed the watermark 06:29:57: hour 05 (closing at 06:01) is closed now.
    harness.process(0, [click(3, hour + 20_000), click(4, hour + hourMs + 31 * 60_000)]);
    harness.snapshot();
    expect(listTree(join(lakeDir, 'raw'))).toEqual([
      'date=2026-01-01/hour=05/late-p0-o2-2.parquet',
      'date=2026-01-01/hour=05/part-p0-o1-1.parquet',
      'date=2026-01-01/hour=06/part-p0-o0-0.parquet',
      'date=2026-01-01/hour=06/part-p0-o3-3.parquet',
    ]);
    expect(harness.store.lateCounts('archiver')).toEqual({ [archiverLateReason]: 1 });
    expect(harness.store.lateEvents()).toMatchObject([{ partition: 0, offset: 2, reason: archiverLateReason, key: '2026-01-01T05', operator: 'archiver' }]);
  });

  it('after a crash removes files and spools no checkpoint committed, then writes those clicks again once', async () => {
    const first = open([0]);
    first.process(0, [click(1, hour + 1_000), click(2, hour + 2_000)]);
    first.snapshot();
    first.process(0, [click(3, hour + 3_000), click(4, hour + 4_000)]);
    // Written and renamed (a barrier that never committed): the crash comes before the commit.
    first.engine.barrier();
    expect(listTree(join(lakeDir, 'raw'))).toEqual(['date=2026-01-01/hour=05/part-p0-o0-1.parquet', 'date=2026-01-01/hour=05/part-p0-o2-3.parquet']);
    expect(readFileSync(join(lakeDir, '_archiver', 'p0.hours'), 'utf8')).toBe(`${hour}\n`);
    first.engine.end();

    const second = first.restore();
    harnesses.push(second);
    second.process(0, [click(5, hour + 5_000)]);
    second.snapshot();
    expect(listTree(join(lakeDir, 'raw'))).toEqual(['date=2026-01-01/hour=05/part-p0-o0-1.parquet', 'date=2026-01-01/hour=05/part-p0-o2-4.parquet']);
    const ids = (await readLake(lakeDir)).map((row) => row.id).sort();
    expect(ids).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(readFileSync(join(lakeDir, '_archiver', 'p0.hours'), 'utf8')).toBe('');
  });

  it('makes the same files with the same hashes from the same log and checkpoints, whatever the read sizes', async () => {
    // Mostly in order, one click in 250 from half an hour back: late once a checkpoint closed hour 04.
    const log = Array.from({ length: 3_000 }, (_, index) => click(index, index % 250 === 0 ? hour - 30 * 60_000 + index : hour - 5 * 60_000 + index * 1_000 - (index % 7) * 400));
    const manifests: string[][] = [];
    for (const [run, batchCapacity] of [64, 1_000].entries()) {
      lakeDir = join(temp.path, `lake-${run}`);
      const harness = createOperatorHarness(() => createArchiverJob({ lakeDir, allowedLatenessMs: 60_000, duckdbThreads: 2 }), {
        partitions: [0],
        batchCapacity,
        clock: createTestClock(hour + 2 * hourMs),
      });
      harnesses.push(harness);
      for (let start = 0; start < log.length; start += 1_000) {
        harness.process(0, log.slice(start, start + 1_000));
        harness.snapshot();
      }
      manifests.push(harness.store.viewRows('lake_files').map((row) => { const entry = lakeManifestCodec.decode(row.value); return `${row.key} ${entry.path} ${entry.rows} ${entry.sha256}`; }));
    }
    expect(manifests[0]!.length).toBeGreaterThanOrEqual(4);
    expect(manifests[0]!.some((line) => line.includes('/late-'))).toBe(true);
    expect(manifests[1]).toEqual(manifests[0]);
  });

  it('refuses to start without a lake folder', () => {
    expect(() => createArchiverJob({})).toThrow(/archiver option lakeDir: must not be empty/);
  });
});
