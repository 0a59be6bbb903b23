// Proves the archiver is exactly-once under crashes: a worker process archiving a pre-filled log
// is SIGKILLed at random instants (while starting, reading, writing files, committing), over and
// over, and restarted; in the end the lake holds every click of the log exactly once (same count,
// same ids, each (partition, offset) once), no temp file or spool is left, the committed manifest
// names exactly the files on disk with their hashes, and the sealer records them all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../../src/core/index.js';
import { createLakeSealer, lakeManifestCodec, lakeManifestView } from '../../../src/batch/index.js';
import { archiverEnvironment, archiverJobName } from '../../../src/jobs/archiver/index.js';
import { createSegmentedLog } from '../../../src/log/index.js';
import { createSqliteStore, type LakeFileInput, type Store } from '../../../src/store/index.js';
import type { StreamWorkerConfig } from '../../../src/stream/index.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';
import { click, listTree, readLake } from './lake-fixtures.js';
import { seededRandom, sleep, startWorker } from '../../helpers/stream-worker-child.js';

const registryModule = fileURLToPath(new URL('../../../src/jobs/archiver/registry.ts', import.meta.url));
const clock = createSystemClock();
const logger = createSilentLogger();
const partitions = 4;
const clicks = 150_000;
const killRounds = 12;


async function manifest(store: Store): Promise<LakeFileInput[]> {
  const entries: LakeFileInput[] = [];
  let after: string | undefined;
  do {
    const page = await store.views.list(lakeManifestView, { limit: 1_000, after });
    entries.push(...page.items.map((row) => lakeManifestCodec.decode(row.value)));
    after = page.next;
  } while (after !== undefined);
  return entries;
}

describe('archiver crash safety', () => {
  let temp: TempDir;
  let endOffsets: number[] = [];
  const ids = new Set<string>();

  beforeAll(async () => {
    temp = await makeTempDir('clickflow-archiver-crash-');
    const log = await createSegmentedLog({ clock, logger }, { dir: join(temp.path, 'log'), partitions });
    // Three hours of clicks ending an hour ago; one in 400 from 90 minutes before its neighbours.
    const startMs = clock.nowMs() - 4 * 3_600_000;
    const byPartition: Uint8Array[][] = Array.from({ length: partitions }, () => []);
    for (let index = 0; index < clicks; index++) {
      const eventTimeMs = startMs + Math.floor((index * 3 * 3_600_000) / clicks) - (index % 400 === 0 ? 90 * 60_000 : 0);
      byPartition[index % partitions]!.push(click(index, eventTimeMs));
      ids.add(`c${index}`);
    }
    for (const [partition, records] of byPartition.entries()) {
      for (let start = 0; start < records.length; start += 5_000) await log.append(partition, records.slice(start, start + 5_000));
    }
    endOffsets = await log.endOffsets();
    await log.close();
  });

  afterAll(async () => {
    await temp.remove();
  });

  it(`holds every click exactly once after ${killRounds} SIGKILLs at random instants`, { timeout: 300_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const lakeDir = join(temp.path, 'lake');
    const storePath = join(temp.path, 'store.sqlite');
    const environment = archiverEnvironment({ lakeDir, allowedLatenessMs: 60_000, fileRowsMax: 3_000, openSpoolsMax: 4, writesInFlightMax: 2, duckdbThreads: 1, duckdbMemoryMib: 128 });
    const config: StreamWorkerConfig = {
      job: archiverJobName,
      registryModule,
      partitions: [0, 1, 2, 3],
      log: { kind: 'segmented', dir: join(temp.path, 'log'), partitions },
      storePath,
      options: { checkpointIntervalMs: 150, readRecordsMax: 500, idleTimeoutMs: 300, readWaitMs: 50 },
      logLevel: 'warn',
    };
    const store = createSqliteStore({ clock, logger }, { path: storePath });
    const progress: number[] = [];
    try {
      for (let round = 0; round < killRounds; round++) {
        const worker = startWorker(config, environment);
        // Some kills land while it starts and restores; most after a few commits, at any instant
        // of reading, writing files or committing (the machine's speed does not matter).
        if (random() < 0.2) await sleep(random() * 1_000);
        else {
          await worker.commits(1 + Math.floor(random() * 2));
          await sleep(random() * 300);
        }
        worker.child.kill('SIGKILL');
        const exit = await worker.exited;
        expect(exit.code === null || exit.code === 0, `round ${round} (seed ${seed}): ${worker.stderr()}`).toBe(true);
        progress.push((await store.streamCheckpoints.positions(archiverJobName)).reduce((sum, position) => sum + position.nextOffset, 0));
      }
      if (process.env.CRASH_DEBUG) console.log(`seed ${seed} progress ${progress.join(',')}`);
      const last = startWorker(config, environment);
      const deadline = Date.now() + 120_000;
      const done = async () => (await store.streamCheckpoints.positions(archiverJobName)).map((position) => position.nextOffset).join() === endOffsets.join();
      while (!(await done()) && Date.now() < deadline) await sleep(100);
      last.child.send({ type: 'stop' });
      expect((await last.exited).code, `seed ${seed}: ${last.stderr()}`).toBe(0);

      const rows = await readLake(lakeDir);
      expect(rows.length, `seed ${seed}`).toBe(clicks);
      expect(new Set(rows.map((row) => `${row.partition}/${row.offset}`)).size).toBe(clicks);
      expect(new Set(rows.map((row) => row.id))).toEqual(ids);
      expect(listTree(join(lakeDir, 'raw')).filter((name) => !/\/(part|late)-p\d+-o\d+-\d+\.parquet$/.test(name)), 'temp files left').toEqual([]);
      expect(listTree(join(lakeDir, '_spool')).filter((name) => name.endsWith('.csv')), 'spools left').toEqual([]);

      const entries = await manifest(store);
      expect(entries.map((entry) => entry.path).sort()).toEqual([...new Set(rows.map((row) => row.file))].sort());
      for (const entry of entries) expect(createHash('sha256').update(readFileSync(join(lakeDir, entry.path))).digest('hex'), entry.path).toBe(entry.sha256);
      expect(entries.reduce((sum, entry) => sum + entry.rows, 0)).toBe(clicks);

      const sealer = createLakeSealer({ store, clock, logger }, { partitions });
      const report = await sealer.runOnce();
      expect(report.filesRecorded).toBe(entries.length);
      // The kills really interrupted work in progress.
      expect(new Set(progress.filter((offset) => offset > 0 && offset < clicks)).size, `progress per round ${progress.join(', ')}`).toBeGreaterThanOrEqual(5);
    } finally {
      await store.close();
    }
  });
});
