// Proves re-opens and staleness: late data re-opens an hour, which re-runs, and everything
// downstream whose input hash changed re-runs after it in dependency order; downstream partitions
// whose inputs hashed the same do not (a deterministic re-run stops the cascade); a re-open made by
// another process through the store is picked up on the next poll.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, type TestClock } from '../../src/core/index.js';
import { createOrchestrator, type Orchestrator } from '../../src/orchestrator/index.js';
import type { BatchRun, Store } from '../../src/store/index.js';
import { createFakeLake, createJournal, fixtureJobs, openStore, started, type FakeLake, type Journal } from './fixtures.js';

let clock: TestClock;
let store: Store;
let lake: FakeLake;
let journal: Journal;
let orchestrator: Orchestrator;

beforeEach(async () => {
  clock = createTestClock(Date.UTC(2026, 2, 10, 12));
  store = openStore(clock);
  lake = createFakeLake();
  lake.sealRange(Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1), () => 10);
  journal = createJournal();
  orchestrator = createOrchestrator({ store, clock, logger: createSilentLogger() }, { jobs: Object.values(fixtureJobs(lake, journal)), concurrency: 1, pollIntervalMs: 60_000 });
  await orchestrator.backfill('monthly', '2026-02', '2026-02');
  await orchestrator.backfill('digest', '2026-02-09', '2026-02-11');
  journal.events.length = 0;
});

afterEach(async () => {
  await orchestrator.stop();
  await store.close();
});

/** The newest run of a partition. */
async function latest(job: string, partition: string): Promise<BatchRun> {
  return (await orchestrator.listRuns({ job, partition, limit: 1 }))[0]!;
}

describe('re-open', () => {
  it('re-runs the hour and, in dependency order, the day, the month and the digest whose inputs changed', async () => {
    lake.seal('2026-02-10T05', 13);
    await orchestrator.reopen('hourly', '2026-02-10T05');
    await orchestrator.idle();
    expect(started(journal)).toEqual(['hourly 2026-02-10T05', 'daily 2026-02-10', 'monthly 2026-02', 'digest 2026-02-10']);
    const hour = await latest('hourly', '2026-02-10T05');
    expect(hour).toMatchObject({ status: 'succeeded', trigger: 'reopen', outputChanged: true, partitionVersion: 1 });
    const day = await latest('daily', '2026-02-10');
    expect(day).toMatchObject({ status: 'succeeded', outputChanged: true, outputs: [{ rows: 243 }] });
    expect(day.upstream.find((input) => input.partition === '2026-02-10T05')).toEqual({ job: 'hourly', partition: '2026-02-10T05', runId: hour.id, outputHash: hour.outputHash });
    expect(await latest('monthly', '2026-02')).toMatchObject({ status: 'succeeded', outputs: [{ rows: 28 * 240 + 3 }] });
    // Neighbouring days read other hours: untouched.
    expect((await orchestrator.listRuns({ job: 'daily', partition: '2026-02-09' })).map((run) => run.status)).toEqual(['succeeded']);
    for (const ref of [['hourly', '2026-02-10T05'], ['daily', '2026-02-10'], ['monthly', '2026-02']] as const) {
      expect((await orchestrator.status(ref[0], ref[1])).stale).toBeUndefined();
    }
  });

  it('stops at the hour when its re-run gives the same hash: the day, month and digest are recorded as up to date', async () => {
    // Late duplicates only: deduplicated, the hour's content is what it was.
    await orchestrator.reopen('hourly', '2026-02-10T06');
    await orchestrator.idle();
    expect(started(journal)).toEqual(['hourly 2026-02-10T06']);
    expect(await latest('hourly', '2026-02-10T06')).toMatchObject({ status: 'succeeded', outputChanged: false });
    for (const [job, partition] of [['daily', '2026-02-10'], ['monthly', '2026-02'], ['digest', '2026-02-10']] as const) {
      const run = await latest(job, partition);
      expect(run, `${job} ${partition}`).toMatchObject({ status: 'skipped', trigger: 'reopen' });
      expect(run.message).toMatch(/^up to date: run \d+ read the current inputs$/);
    }
  });

  it('re-runs the day when its hours changed, but not the month and digest when the day hashes the same', async () => {
    // A late event moved from one hour to the next: both hours change, their day's total does not.
    lake.seal('2026-02-10T07', 9);
    lake.seal('2026-02-10T08', 11);
    await orchestrator.reopen('hourly', '2026-02-10T07');
    await orchestrator.reopen('hourly', '2026-02-10T08');
    await orchestrator.idle();
    expect(started(journal)).toEqual(['hourly 2026-02-10T07', 'hourly 2026-02-10T08', 'daily 2026-02-10']);
    expect(await latest('daily', '2026-02-10')).toMatchObject({ status: 'succeeded', outputChanged: false });
    expect(await latest('monthly', '2026-02')).toMatchObject({ status: 'skipped' });
    expect(await latest('digest', '2026-02-10')).toMatchObject({ status: 'skipped' });
  });

  it('picks up a partition re-opened by another process through the store on the next poll', async () => {
    await orchestrator.start();
    await orchestrator.idle();
    lake.seal('2026-02-11T00', 20);
    // What the lake's late-file writer does from its own process: bump the partition's version.
    await store.batchRuns.reopen('hourly', '2026-02-11T00', clock.nowMs());
    expect(started(journal)).toEqual([]);
    clock.advance(60_000);
    await orchestrator.idle();
    expect(started(journal)).toEqual(['hourly 2026-02-11T00', 'daily 2026-02-11', 'monthly 2026-02', 'digest 2026-02-11']);
    // Looked at again on later polls, it is not queued a second time.
    clock.advance(60_000);
    await orchestrator.idle();
    expect(started(journal)).toHaveLength(4);
  });

  it('ends with the partition built from its newest version when it is re-opened twice in a row', async () => {
    lake.seal('2026-02-10T09', 30);
    const first = orchestrator.reopen('hourly', '2026-02-10T09');
    await orchestrator.reopen('hourly', '2026-02-10T09');
    await first;
    await orchestrator.idle();
    const runs = await orchestrator.listRuns({ job: 'hourly', partition: '2026-02-10T09' });
    expect(runs[0]).toMatchObject({ status: 'succeeded', partitionVersion: 2 });
    expect((await orchestrator.status('hourly', '2026-02-10T09')).stale).toBeUndefined();
  });
});
