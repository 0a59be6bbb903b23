// Proves exactly-once under crashes: a worker process running the example job over a pre-filled
// segmented log is SIGKILLed at random instants (during restore, processing and commits), over and
// over, and restarted from its checkpoint; in the end the committed view rows equal the ground
// truth computed from the log itself, exactly, with nothing in the late ledger.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createSegmentedLog } from '../../src/log/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import type { StreamWorkerConfig } from '../../src/stream/index.js';
import { committedCounts, groundTruth, makeClicks, sortedEntries } from './click-fixtures.js';
import { exampleJobName } from './example-job.js';
import { seededRandom, sleep, startWorker } from '../helpers/stream-worker-child.js';

const registryModule = fileURLToPath(new URL('./example-job.ts', import.meta.url));
const clock = createSystemClock();
const logger = createSilentLogger();
const partitions = 4;
const clicks = 240_000;
const killRounds = 24;


describe('stream worker crash safety', () => {
  let folder = '';
  let truth = new Map<string, number>();
  let endOffsets: number[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'clickflow-crash-'));
    const log = await createSegmentedLog({ clock, logger }, { dir: join(folder, 'log'), partitions });
    const byPartition = makeClicks({ count: clicks, partitions, startMs: clock.nowMs() - 3 * 3_600_000, stepMs: 20 });
    for (const [partition, records] of byPartition.entries()) {
      for (let start = 0; start < records.length; start += 10_000) await log.append(partition, records.slice(start, start + 10_000));
    }
    endOffsets = await log.endOffsets();
    // The ground truth comes from the log itself, read back record by record.
    const stored: Uint8Array[][] = [];
    for (let partition = 0; partition < partitions; partition++) {
      stored.push([]);
      for (let offset = 0; offset < endOffsets[partition]!; ) {
        const batch = await log.read(partition, offset, { maxRecords: 10_000 });
        stored[partition]!.push(...batch.records.map((record) => record.value));
        offset = batch.nextOffset;
      }
    }
    truth = groundTruth(stored);
    await log.close();
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it(`commits exactly the ground truth after ${killRounds} SIGKILLs at random instants`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const storePath = join(folder, 'store.sqlite');
    const config: StreamWorkerConfig = {
      job: exampleJobName,
      registryModule,
      partitions: [0, 1, 2, 3],
      log: { kind: 'segmented', dir: join(folder, 'log'), partitions },
      storePath,
      options: { checkpointIntervalMs: 20, readRecordsMax: 400, idleTimeoutMs: 300, readWaitMs: 50 },
      logLevel: 'warn',
    };
    const store: Store = createSqliteStore({ clock, logger }, { path: storePath });
    const progress: number[] = [];
    try {
      for (let round = 0; round < killRounds; round++) {
        const worker = startWorker(config);
        // Most kills land while it works; some while it is still starting and restoring.
        if (random() < 0.2) await sleep(random() * 400);
        else if (await worker.started) await sleep(random() * 120);
        worker.child.kill('SIGKILL');
        const exit = await worker.exited;
        expect(exit.code === null || exit.code === 0, `round ${round} (seed ${seed}): ${worker.stderr()}`).toBe(true);
        progress.push((await store.streamCheckpoints.positions(exampleJobName)).reduce((sum, position) => sum + position.nextOffset, 0));
      }
      if (process.env.CRASH_DEBUG) console.log(`seed ${seed} progress ${progress.join(",")}`);
      const last = startWorker(config);
      const deadline = Date.now() + 30_000;
      let committed = await committedCounts(store);
      while (sortedEntries(committed).join() !== sortedEntries(truth).join() && Date.now() < deadline) {
        await sleep(100);
        committed = await committedCounts(store);
      }
      last.child.send({ type: 'stop' });
      expect((await last.exited).code, last.stderr()).toBe(0);

      expect(sortedEntries(await committedCounts(store)), `seed ${seed}`).toEqual(sortedEntries(truth));
      expect(await store.lateEvents.counts(exampleJobName)).toEqual([]);
      const positions = await store.streamCheckpoints.positions(exampleJobName);
      expect(positions.map((position) => position.nextOffset)).toEqual(endOffsets);
      // The kills really interrupted work in progress: progress was made across several rounds.
      const distinct = new Set(progress.filter((offset) => offset > 0 && offset < clicks));
      expect(distinct.size, `progress per round ${progress.join(', ')}`).toBeGreaterThanOrEqual(5);
    } finally {
      await store.close();
    }
  });
});
