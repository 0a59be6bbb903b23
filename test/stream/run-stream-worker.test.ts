// Proves the worker runner end to end in one process, on an in-memory log and a real SQLite
// store: it commits exactly the ground truth, pushes each commit's view rows, stops with a last
// checkpoint and resumes from it without reprocessing, and a second worker on the same partitions
// is fenced off by the stored offsets.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import { runStreamWorker, StreamError, type CommittedUpdate, type RunStreamWorkerOptions } from '../../src/stream/index.js';
import { createMemoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { committedCounts, groundTruth, makeClicks, sortedEntries } from './click-fixtures.js';
import { linkMinuteCountsJob } from './example-job.js';

const clock = createSystemClock();
const logger = createSilentLogger();
const workerOptions: Omit<RunStreamWorkerOptions, 'partitions'> = { checkpointIntervalMs: 50, idleTimeoutMs: 100, readWaitMs: 20, readRecordsMax: 500 };

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the stream worker');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stream worker runner', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(partitions: number): Promise<{ log: MemoryLog; store: Store }> {
    const folder = await mkdtemp(join(tmpdir(), 'clickflow-stream-'));
    const store = createSqliteStore({ clock, logger }, { path: join(folder, 'store.sqlite') });
    const log = createMemoryLog(partitions);
    cleanups.push(() => rm(folder, { recursive: true, force: true }), () => store.close(), () => log.close());
    return { log, store };
  }

  async function append(log: MemoryLog, byPartition: Uint8Array[][]): Promise<void> {
    for (const [partition, records] of byPartition.entries()) if (records.length > 0) await log.append(partition, records);
  }

  it('commits exactly the ground truth and pushes every commit’s view rows', async () => {
    const { log, store } = await setup(4);
    const clicks = makeClicks({ count: 20_000, partitions: 4, startMs: clock.nowMs() - 3_600_000 });
    await append(log, clicks);
    const updates: CommittedUpdate[] = [];
    const worker = runStreamWorker({ log, checkpoints: store.streamCheckpoints, clock, logger, job: linkMinuteCountsJob(), onCommit: (update) => updates.push(update) }, { ...workerOptions, partitions: [0, 1, 2, 3] });
    await worker.started;
    const truth = groundTruth(clicks);
    await waitFor(async () => (await committedCounts(store)).size === truth.size && worker.metrics()!.stateKeys === 0);
    await worker.stop();
    expect(sortedEntries(await committedCounts(store))).toEqual(sortedEntries(truth));
    expect(await store.lateEvents.counts()).toEqual([]);
    const pushed = new Set(updates.flatMap((update) => update.views.map((change) => `${change.partition}/${change.key}`)));
    expect(pushed).toEqual(new Set(truth.keys()));
    const metrics = worker.metrics()!;
    expect(metrics.eventsProcessed).toBe(20_000);
    expect(metrics.lastCheckpoint).toMatchObject({ checkpointId: expect.any(Number) as number });
    expect(metrics.partitions.map((partition) => partition.nextOffset)).toEqual(clicks.map((records) => records.length));
  });

  it('stops with a last checkpoint and resumes from it, processing each record once', async () => {
    const { log, store } = await setup(2);
    const clicks = makeClicks({ count: 6_000, partitions: 2, startMs: clock.nowMs() - 3_600_000 });
    const half = clicks.map((records) => records.slice(0, records.length / 2));
    const rest = clicks.map((records, partition) => records.slice(half[partition]!.length));
    await append(log, half);
    const start = () => runStreamWorker({ log, checkpoints: store.streamCheckpoints, clock, logger, job: linkMinuteCountsJob() }, { ...workerOptions, partitions: [0, 1] });
    const first = start();
    await waitFor(async () => (await store.streamCheckpoints.positions('link-minute-counts')).reduce((sum, position) => sum + position.nextOffset, 0) === 3_000);
    await first.stop();
    await append(log, rest);
    const second = start();
    await second.started;
    const truth = groundTruth(clicks);
    await waitFor(async () => (await committedCounts(store)).size === truth.size && second.metrics()!.stateKeys === 0);
    await second.stop();
    expect(second.metrics()!.eventsProcessed).toBe(3_000);
    expect(sortedEntries(await committedCounts(store))).toEqual(sortedEntries(truth));
  });

  it('with commits in the background, goes on processing while a commit is held, and commits in order after it', async () => {
    const { log, store } = await setup(2);
    const clicks = makeClicks({ count: 6_000, partitions: 2, startMs: clock.nowMs() - 3_600_000 });
    await append(log, clicks.map((records) => records.slice(0, 1_000)));
    // A repository that commits off the caller's thread, and holds the second commit until released.
    const held: { release?: () => void; seen: number[] } = { seen: [] };
    const checkpoints = {
      ...store.streamCheckpoints,
      commitsInBackground: true,
      async commit(job: string, checkpoint: Parameters<Store['streamCheckpoints']['commit']>[1]) {
        held.seen.push(checkpoint.checkpointId);
        if (checkpoint.checkpointId === 2) await new Promise<void>((resolve) => (held.release = resolve));
        return store.streamCheckpoints.commit(job, checkpoint);
      },
    };
    const job = { ...linkMinuteCountsJob(), commitsOverlap: true };
    const worker = runStreamWorker({ log, checkpoints, clock, logger, job }, { ...workerOptions, partitions: [0, 1] });
    await worker.started;
    await waitFor(async () => held.release !== undefined);
    const processedWhenHeld = worker.metrics()!.eventsProcessed;
    // Past the next checkpoint's due time: a runner that waited for the held commit would now
    // read nothing more until it is released.
    await new Promise((resolve) => setTimeout(resolve, 4 * workerOptions.checkpointIntervalMs!));
    await append(log, clicks.map((records) => records.slice(1_000)));
    await waitFor(async () => worker.metrics()!.eventsProcessed === 6_000);
    // Everything was read and processed while checkpoint 2 was still being committed, and no
    // later checkpoint was handed over before it finished.
    expect(processedWhenHeld).toBeLessThan(6_000);
    expect(held.seen).toEqual([1, 2]);
    held.release!();
    const endOffsets = await log.endOffsets();
    await waitFor(async () => (await store.streamCheckpoints.positions(job.name)).map((position) => position.nextOffset).join() === endOffsets.join());
    await worker.stop();
    expect(held.seen.slice(0, 3)).toEqual([1, 2, 3]);
    expect(worker.metrics()!.checkpoints).toBe(held.seen.length);
  });

  it('fences off a second worker on the same partitions: one of them fails with commit_conflict', async () => {
    const { log, store } = await setup(1);
    const clicks = makeClicks({ count: 2_000, partitions: 1, startMs: clock.nowMs() - 600_000 });
    await append(log, clicks);
    const start = () => runStreamWorker({ log, checkpoints: store.streamCheckpoints, clock, logger, job: linkMinuteCountsJob() }, { ...workerOptions, partitions: [0] });
    const first = start();
    await first.started;
    const second = start();
    await log.append(0, makeClicks({ count: 100, partitions: 1, startMs: clock.nowMs() - 1_000 })[0]!);
    const outcomes = await Promise.all(
      [first, second].map((worker) =>
        Promise.race([worker.done.then(() => 'stopped'), new Promise((resolve) => setTimeout(resolve, 1_500, 'running'))]).catch((error: unknown) => error),
      ),
    );
    const conflicts = outcomes.filter((outcome) => outcome instanceof StreamError && outcome.code === 'commit_conflict');
    expect(conflicts.length).toBeGreaterThanOrEqual(1);
    for (const worker of [first, second]) await worker.stop().catch(() => undefined);
  });
});
