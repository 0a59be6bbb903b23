// Proves backfill: every partition of the range is reported once as it finishes (run, skipped as
// up to date, skipped as not ready, or failed), forced partitions re-run, stale upstream partitions
// are built first, and bad job names, partitions and ranges are user errors naming the problem.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, ExternalError, type TestClock } from '../../src/core/index.js';
import { createOrchestrator, OrchestratorError, type BackfillProgress, type Orchestrator } from '../../src/orchestrator/index.js';
import type { Store } from '../../src/store/index.js';
import { createFakeLake, createJournal, fixtureJobs, lakeOutput, openStore, started, type FakeLake, type Journal } from './fixtures.js';

let clock: TestClock;
let store: Store;
let lake: FakeLake;
let journal: Journal;
let orchestrator: Orchestrator;

beforeEach(() => {
  clock = createTestClock(Date.UTC(2026, 10, 27));
  store = openStore(clock);
  lake = createFakeLake();
  journal = createJournal();
  const jobs = fixtureJobs(lake, journal, {
    hourly: {
      run: async (context) => {
        if (context.partition === '2026-11-25T05') throw new ExternalError('the lake file is damaged', { retryable: false });
        return lakeOutput(lake, context);
      },
    },
  });
  orchestrator = createOrchestrator({ store, clock, logger: createSilentLogger() }, { jobs: Object.values(jobs), concurrency: 1 });
});

afterEach(async () => {
  await orchestrator.stop();
  await store.close();
});

async function expectUserError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(OrchestratorError);
  expect(error).toMatchObject({ code, domain: 'user' });
  expect((error as Error).message).toMatch(message);
}

describe('backfill', () => {
  it('reports progress once for every partition of the range, whatever became of it', async () => {
    lake.sealRange(Date.UTC(2026, 10, 25, 0), Date.UTC(2026, 10, 25, 6));
    lake.sealed.delete('2026-11-25T04');
    await orchestrator.runPartition('hourly', '2026-11-25T02');
    const progress: BackfillProgress[] = [];
    const report = await orchestrator.backfill('hourly', '2026-11-25T00', '2026-11-25T05', (event) => progress.push(event));
    expect(progress.map((event) => event.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((event) => event.total === 6 && event.job === 'hourly')).toBe(true);
    const outcome = Object.fromEntries(progress.map((event) => [event.partition, event.run.status]));
    expect(outcome).toEqual({
      '2026-11-25T00': 'succeeded',
      '2026-11-25T01': 'succeeded',
      '2026-11-25T02': 'skipped',
      '2026-11-25T03': 'succeeded',
      '2026-11-25T04': 'skipped',
      '2026-11-25T05': 'failed',
    });
    expect(progress.find((event) => event.partition === '2026-11-25T04')!.run.message).toBe('inputs not ready: lake hour 2026-11-25T04 is not sealed');
    expect(report).toMatchObject({ job: 'hourly', total: 6, succeeded: 3, skipped: 2, failed: 1, timedOut: 0 });
    expect(report.runs.map((run) => run.partition)).toEqual(['2026-11-25T00', '2026-11-25T01', '2026-11-25T02', '2026-11-25T03', '2026-11-25T04', '2026-11-25T05']);
    expect(report.runs.every((run) => run.trigger === 'backfill')).toBe(true);
  });

  it('re-runs up-to-date partitions when forced, recording that the output did not change', async () => {
    lake.sealRange(Date.UTC(2026, 10, 25, 0), Date.UTC(2026, 10, 25, 2));
    await orchestrator.backfill('hourly', '2026-11-25T00', '2026-11-25T01');
    const forced = await orchestrator.backfill('hourly', '2026-11-25T00', '2026-11-25T01', undefined, { force: true });
    expect(forced.runs.map((run) => [run.status, run.outputChanged])).toEqual([
      ['succeeded', false],
      ['succeeded', false],
    ]);
    expect(started(journal)).toHaveLength(4);
  });

  it('builds the stale upstream partitions a range needs first, unless told not to', async () => {
    lake.sealRange(Date.UTC(2026, 10, 24), Date.UTC(2026, 10, 25));
    const without = await orchestrator.backfill('daily', '2026-11-24', '2026-11-24', undefined, { includeUpstream: false });
    expect(without.runs[0]).toMatchObject({ status: 'skipped', message: 'inputs not ready: hourly 2026-11-24T00 has not succeeded' });
    const report = await orchestrator.backfill('daily', '2026-11-24', '2026-11-24');
    expect(report).toMatchObject({ total: 1, succeeded: 1 });
    expect(started(journal, 'hourly')).toHaveLength(24);
    expect(started(journal).at(-1)).toBe('daily 2026-11-24');
  });

  it('refuses an unknown job, a malformed partition and a backwards range, naming the problem', async () => {
    await expectUserError(orchestrator.backfill('weekly', '2026-11-24', '2026-11-25'), 'unknown_job', /unknown job "weekly"; the jobs are: hourly, daily, monthly, digest/);
    await expectUserError(orchestrator.backfill('daily', '2026-11-24', '2026/11/25'), 'invalid_partition', /^job daily: "2026\/11\/25" is not a valid day: write YYYY-MM-DD/);
    await expectUserError(orchestrator.backfill('daily', '2026-11-25', '2026-11-24'), 'invalid_range', /starts at 2026-11-25, after its end 2026-11-24/);
    await expectUserError(orchestrator.runPartition('hourly', '2026-11-25'), 'invalid_partition', /write YYYY-MM-DDTHH/);
  });
});
