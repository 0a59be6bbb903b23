// Proves how due work runs: in dependency order (hour → day → month), only once its inputs are
// ready (a partition waits for its lake hour to be sealed, a day for its hours), failing with an
// alert when they never are, and a schedule that goes on after a failed partition.
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, ExternalError, type TestClock } from '../../src/core/index.js';
import { createOrchestrator, type JobDefinition, type Orchestrator } from '../../src/orchestrator/index.js';
import { partitionsCovering, dayPartitions, hourPartitions } from '../../src/orchestrator/index.js';
import type { Store } from '../../src/store/index.js';
import { createFakeLake, createJournal, fixtureJobs, history, hourMs, lakeOutput, openStore, started, type FakeLake, type Journal } from './fixtures.js';

interface Setup {
  clock: TestClock;
  store: Store;
  lake: FakeLake;
  journal: Journal;
  orchestrator: Orchestrator;
}

const opened: Setup[] = [];
afterEach(async () => {
  for (const setup of opened.splice(0)) {
    await setup.orchestrator.stop();
    await setup.store.close();
  }
});

function setUp(startMs: number, options: { concurrency?: number; hourly?: Partial<JobDefinition>; readyWaitMs?: number } = {}): Setup {
  const clock = createTestClock(startMs);
  const store = openStore(clock);
  const lake = createFakeLake();
  const journal = createJournal();
  const jobs = fixtureJobs(lake, journal, { hourly: options.hourly });
  const orchestrator = createOrchestrator(
    { store, clock, logger: createSilentLogger() },
    { jobs: Object.values(jobs), concurrency: options.concurrency ?? 1, pollIntervalMs: 60_000, readyWaitMs: options.readyWaitMs },
  );
  const setup = { clock, store, lake, journal, orchestrator };
  opened.push(setup);
  return setup;
}

/** Index of an event in the journal; fails when it is missing. */
function at(journal: Journal, event: string): number {
  const index = journal.events.indexOf(event);
  expect(index, `${event} is in the journal`).toBeGreaterThanOrEqual(0);
  return index;
}

describe('dependency order', () => {
  it('builds every hour of a day before the day, and every day of a month before the month, with two runs at once', async () => {
    const { lake, journal, orchestrator } = setUp(Date.UTC(2026, 2, 10), { concurrency: 2 });
    lake.sealRange(Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1));
    const report = await orchestrator.backfill('monthly', '2026-02', '2026-02');
    expect(report).toMatchObject({ total: 1, succeeded: 1 });
    expect(started(journal, 'hourly')).toHaveLength(28 * 24);
    expect(started(journal, 'daily')).toHaveLength(28);
    for (const day of partitionsCovering(dayPartitions, { startMs: Date.UTC(2026, 1, 1), endMs: Date.UTC(2026, 2, 1) })) {
      const dayStart = at(journal, `start daily ${day}`);
      for (const hour of partitionsCovering(hourPartitions, dayPartitions.bounds(day))) expect(at(journal, `end hourly ${hour}`)).toBeLessThan(dayStart);
      expect(at(journal, `end daily ${day}`)).toBeLessThan(at(journal, 'start monthly 2026-02'));
    }
    // The month read every day, each with the hash its run recorded.
    const month = report.runs[0]!;
    expect(month.upstream).toHaveLength(28);
    expect(month.outputs[0]).toMatchObject({ rows: 28 * 24 });
  });

  it('runs an hour and the day that needs it when one tick makes both due', async () => {
    const { clock, lake, journal, orchestrator } = setUp(Date.UTC(2026, 2, 1, 0, 0));
    lake.sealRange(Date.UTC(2026, 1, 28), Date.UTC(2026, 2, 1));
    await orchestrator.backfill('hourly', '2026-02-28T00', '2026-02-28T22');
    clock.advanceTo(Date.UTC(2026, 2, 1, 0, 30));
    const { queued } = await orchestrator.tick();
    // The day is due at 00:30, its last hour at 00:15: the hour runs first, then the day.
    expect(queued).toEqual([
      { job: 'hourly', partition: '2026-02-28T23' },
      { job: 'daily', partition: '2026-02-28' },
    ]);
    expect(at(journal, 'end hourly 2026-02-28T23')).toBeLessThan(at(journal, 'start daily 2026-02-28'));
    expect((await orchestrator.listRuns({ job: 'daily' }))[0]).toMatchObject({ status: 'succeeded', trigger: 'schedule', attempts: 1 });
  });
});

describe('readiness', () => {
  it('keeps a due partition queued until its lake hour is sealed, then runs it', async () => {
    const { clock, lake, journal, orchestrator } = setUp(Date.UTC(2026, 10, 25, 9, 0));
    clock.advanceTo(Date.UTC(2026, 10, 25, 9, 15));
    expect((await orchestrator.tick()).queued).toEqual([{ job: 'hourly', partition: '2026-11-25T08' }]);
    expect(started(journal)).toEqual([]);
    const waiting = await orchestrator.status('hourly', '2026-11-25T08');
    expect(waiting).toMatchObject({ pending: 'waiting', stale: 'never succeeded', unready: 'lake hour 2026-11-25T08 is not sealed' });
    expect((await orchestrator.listRuns({ job: 'hourly' }))[0]).toMatchObject({ status: 'queued', attempts: 0 });

    clock.advance(60_000);
    await orchestrator.tick();
    expect(started(journal)).toEqual([]);
    lake.seal('2026-11-25T08', 7);
    clock.advance(60_000);
    await orchestrator.tick();
    expect(started(journal)).toEqual(['hourly 2026-11-25T08']);
    expect(await history(orchestrator, 'hourly')).toEqual(['2026-11-25T08 succeeded']);
    expect(await orchestrator.status('hourly', '2026-11-25T08')).toMatchObject({ pending: undefined, stale: undefined });
  });

  it('keeps a day queued while one of its hours has not succeeded', async () => {
    const { clock, lake, journal, orchestrator } = setUp(Date.UTC(2026, 10, 26, 0, 0));
    lake.sealRange(Date.UTC(2026, 10, 25), Date.UTC(2026, 10, 25, 23));
    await orchestrator.backfill('hourly', '2026-11-25T00', '2026-11-25T22');
    clock.advanceTo(Date.UTC(2026, 10, 26, 0, 30));
    await orchestrator.tick();
    expect(started(journal, 'daily')).toEqual([]);
    expect((await orchestrator.status('daily', '2026-11-25')).unready).toBe('hourly 2026-11-25T23 has not succeeded');
    lake.seal('2026-11-25T23', 1);
    clock.advance(60_000);
    await orchestrator.tick();
    expect(started(journal).slice(-2)).toEqual(['hourly 2026-11-25T23', 'daily 2026-11-25']);
  });

  it('fails a partition whose inputs are not ready within the ready wait, with an alert', async () => {
    const { clock, orchestrator } = setUp(Date.UTC(2026, 10, 25, 9, 0), { readyWaitMs: 30 * 60_000 });
    clock.advanceTo(Date.UTC(2026, 10, 25, 9, 15));
    await orchestrator.tick();
    for (let minute = 0; minute < 31; minute++) {
      clock.advance(60_000);
      await orchestrator.idle();
    }
    const [run] = await orchestrator.listRuns({ job: 'hourly', partition: '2026-11-25T08' });
    expect(run).toMatchObject({ status: 'failed', errorCode: 'inputs_not_ready', errorDomain: 'external' });
    expect(run!.message).toContain('lake hour 2026-11-25T08 is not sealed');
    const [alert] = await orchestrator.listAlerts();
    expect(alert).toMatchObject({ kind: 'inputs_not_ready', job: 'hourly', partition: '2026-11-25T08', runId: run!.id });
  });
});

describe('after a failure', () => {
  it('runs the next scheduled partition, and leaves the failed one failed until asked again', async () => {
    const broken = '2026-11-25T08';
    const setup = setUp(Date.UTC(2026, 10, 25, 9, 0), {
      hourly: {
        run: async (context) => {
          if (context.partition === broken) throw new ExternalError('the lake file of 08 is unreadable', { retryable: false });
          return lakeOutput(setup.lake, context);
        },
      },
    });
    const { clock, lake, orchestrator } = setup;
    lake.sealRange(Date.UTC(2026, 10, 25, 8), Date.UTC(2026, 10, 25, 10));
    clock.advanceTo(Date.UTC(2026, 10, 25, 9, 15));
    await orchestrator.tick();
    clock.advanceTo(Date.UTC(2026, 10, 25, 10, 15));
    await orchestrator.tick();
    expect(await history(orchestrator, 'hourly')).toEqual(['2026-11-25T08 failed', '2026-11-25T09 succeeded']);
    const [alert] = await orchestrator.listAlerts({ job: 'hourly' });
    expect(alert).toMatchObject({ kind: 'run_failed', partition: broken });
    expect(alert!.message).toContain('the lake file of 08 is unreadable');
    clock.advanceTo(Date.UTC(2026, 10, 25, 11, 15) - hourMs / 2);
    await orchestrator.tick();
    expect(await history(orchestrator, 'hourly')).toEqual(['2026-11-25T08 failed', '2026-11-25T09 succeeded']);
  });
});
