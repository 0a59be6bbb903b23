// Proves the speed job as `clickflow start` runs it (fraud, then counters reading each click's
// verdict; commits on the worker's commit thread, beside processing) is exactly once under crashes:
// a worker process is SIGKILLed at random instants over and over and restarted from its checkpoint,
// and in the end every link's committed counters, split human / bot / suspicious, per minute and
// quarter hour, equal those of the same job run once without interruption over the same log. The
// suspicious split depends on the fraud state (windows, baselines) being restored exactly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { speedJob, speedJobName, type MergedCounters } from '../../src/jobs/counters/index.js';
import { createFraudOperator } from '../../src/jobs/fraud/index.js';
import { createLoadGenerator } from '../../src/loadgen/index.js';
import { createSegmentedLog } from '../../src/log/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { runStreamWorker, type JobDefinition, type StreamWorkerConfig } from '../../src/stream/index.js';
import { seededRandom, sleep, startWorker } from '../helpers/stream-worker-child.js';
import { appendGeneratedClicks, committedCounters } from './counters/counter-fixtures.js';

const registryModule = fileURLToPath(new URL('../../src/cli/speed-registry.ts', import.meta.url));
const clock = createSystemClock();
const logger = createSilentLogger();
const partitions = 4;
const clicks = 120_000;
const killRounds = 20;
const workerOptions = { checkpointIntervalMs: 20, readRecordsMax: 500, idleTimeoutMs: 300, readWaitMs: 50 };

describe('speed job crash safety', () => {
  let folder = '';
  let endOffsets: number[] = [];
  let reference = new Map<string, MergedCounters>();

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'clickflow-speed-crash-'));
    // 20 minutes of event time ending 20 minutes ago, with fraud bursts.
    const startMs = Math.floor((clock.nowMs() - 40 * 60_000) / 60_000) * 60_000;
    const generator = createLoadGenerator({ seed: 11, startMs, eventsPerSecond: clicks / (20 * 60), links: 200, visitors: 20_000, networks: 2_000, fraudShare: 0.05, fraudIps: 8, lateShare: 0, duplicateShare: 0 });
    const log = await createSegmentedLog({ clock, logger }, { dir: join(folder, 'log'), partitions });
    await appendGeneratedClicks(log, generator, clicks);
    endOffsets = await log.endOffsets();
    // The reference: the same job, run once in this process without interruption.
    const store = createSqliteStore({ clock, logger }, { path: join(folder, 'reference.sqlite') });
    const worker = runStreamWorker(
      { log, checkpoints: store.streamCheckpoints, clock, logger, job: speedJob({ fraud: createFraudOperator() }) as unknown as JobDefinition },
      { ...workerOptions, partitions: [0, 1, 2, 3] },
    );
    await worker.started;
    while ((worker.metrics()?.eventsProcessed ?? 0) < clicks) await sleep(20);
    await worker.stop();
    reference = await committedCounters(store);
    await store.close();
    await log.close();
  }, 120_000);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it(`commits exactly the uninterrupted run's counters, fraud split included, after ${killRounds} SIGKILLs`, async () => {
    const suspicious = [...reference.values()].reduce((sum, merged) => sum + merged.totals.suspicious, 0);
    // The fraud bursts are judged: a restore that lost the fraud state would split differently.
    expect(suspicious).toBeGreaterThan(clicks * 0.01);
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const storePath = join(folder, 'store.sqlite');
    const config: StreamWorkerConfig = { job: speedJobName, registryModule, partitions: [0, 1, 2, 3], log: { kind: 'segmented', dir: join(folder, 'log'), partitions }, storePath, options: workerOptions, logLevel: 'warn' };
    const store = createSqliteStore({ clock, logger }, { path: storePath });
    try {
      for (let round = 0; round < killRounds; round++) {
        const worker = startWorker(config);
        if (random() < 0.2) await sleep(random() * 400);
        else if (await worker.started) await sleep(random() * 200);
        worker.child.kill('SIGKILL');
        const exit = await worker.exited;
        expect(exit.code === null || exit.code === 0, `round ${round} (seed ${seed}): ${worker.stderr()}`).toBe(true);
      }
      const last = startWorker(config);
      const deadline = Date.now() + 90_000;
      const done = async () => (await store.streamCheckpoints.positions(speedJobName)).map((position) => position.nextOffset).join() === endOffsets.join();
      while (!(await done()) && Date.now() < deadline) await sleep(100);
      last.child.send({ type: 'stop' });
      expect((await last.exited).code, last.stderr()).toBe(0);
      const committed = await committedCounters(store);
      expect([...committed.keys()].sort(), `seed ${seed}`).toEqual([...reference.keys()].sort());
      for (const [linkId, merged] of reference) expect(committed.get(linkId), `${linkId} (seed ${seed})`).toEqual(merged);
    } finally {
      await store.close();
    }
  }, 240_000);
});
