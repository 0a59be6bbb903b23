// Proves what survives a restart on a SQLite file: run history is kept; after downtime, start()
// catches up on exactly the partitions whose schedule fired while the orchestrator was down
// (within the horizon); and a run a crash interrupted is recorded as failed and run again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, type TestClock } from '../../src/core/index.js';
import { createOrchestrator, type JobDefinition, type Orchestrator } from '../../src/orchestrator/index.js';
import type { BatchRun, Store } from '../../src/store/index.js';
import { createFakeLake, createJournal, fixtureJobs, hourMs, openStore, started, type FakeLake, type Journal } from './fixtures.js';

let folder: string;
const stops: (() => Promise<void>)[] = [];
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'clickflow-catch-up-'));
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  await rm(folder, { recursive: true, force: true });
});

interface Process {
  clock: TestClock;
  store: Store;
  orchestrator: Orchestrator;
}

/** One orchestrator "process": its own clock and store connection on the shared file, the hourly job only. */
function boot(startMs: number, lake: FakeLake, journal: Journal, options: { catchUpHorizonMs?: number; hourly?: Partial<JobDefinition> } = {}): Process {
  const clock = createTestClock(startMs);
  const store = openStore(clock, join(folder, 'store.sqlite'));
  const { hourly } = fixtureJobs(lake, journal, { hourly: options.hourly });
  const orchestrator = createOrchestrator({ store, clock, logger: createSilentLogger() }, { jobs: [hourly], concurrency: 1, catchUpHorizonMs: options.catchUpHorizonMs });
  stops.push(async () => {
    await orchestrator.stop();
    await store.close();
  });
  return { clock, store, orchestrator };
}

/** Moves the clock forward in steps, letting the started orchestrator do what falls due at each. */
async function live(process: Process, untilMs: number, stepMs = 5 * 60_000): Promise<void> {
  while (process.clock.nowMs() < untilMs) {
    process.clock.advanceTo(Math.min(untilMs, process.clock.nowMs() + stepMs));
    await process.orchestrator.idle();
  }
}

const byId = (runs: BatchRun[]) => [...runs].sort((a, b) => a.id - b.id);

describe('restart', () => {
  it('keeps run history, and catches up on exactly the partitions whose schedule fired while down', async () => {
    const lake = createFakeLake();
    lake.sealRange(Date.UTC(2026, 10, 24, 20), Date.UTC(2026, 10, 25, 12));
    const journal = createJournal();
    const first = boot(Date.UTC(2026, 10, 25, 0, 0), lake, journal);
    await first.orchestrator.start();
    await live(first, Date.UTC(2026, 10, 25, 4, 20));
    const before = await first.orchestrator.listRuns({ job: 'hourly' });
    expect(before.map((run) => `${run.partition} ${run.status} ${run.trigger}`).reverse()).toEqual([
      '2026-11-24T23 succeeded schedule',
      '2026-11-25T00 succeeded schedule',
      '2026-11-25T01 succeeded schedule',
      '2026-11-25T02 succeeded schedule',
      '2026-11-25T03 succeeded schedule',
    ]);
    await first.orchestrator.stop();
    await first.store.close();

    // Down from 04:20 to 09:40: the fires at 05:15 ... 09:15 were missed.
    const second = boot(Date.UTC(2026, 10, 25, 9, 40), lake, journal);
    const runsAfterRestart = await second.orchestrator.listRuns({ job: 'hourly' });
    expect(runsAfterRestart).toEqual(before);
    await second.orchestrator.start();
    await second.orchestrator.idle();
    const caughtUp = (await second.orchestrator.listRuns({ job: 'hourly' })).filter((run) => run.id > before[0]!.id);
    expect(byId(caughtUp).map((run) => `${run.partition} ${run.status} ${run.trigger}`)).toEqual([
      '2026-11-25T04 succeeded catch_up',
      '2026-11-25T05 succeeded catch_up',
      '2026-11-25T06 succeeded catch_up',
      '2026-11-25T07 succeeded catch_up',
      '2026-11-25T08 succeeded catch_up',
    ]);
    expect(started(journal)).toHaveLength(10);
    expect(new Set(started(journal)).size).toBe(10);

    // And it follows the schedule from there.
    await live(second, Date.UTC(2026, 10, 25, 10, 20));
    expect((await second.orchestrator.listRuns({ job: 'hourly', limit: 1 }))[0]).toMatchObject({ partition: '2026-11-25T09', trigger: 'schedule' });
  });

  it('catches up only within the horizon, and not at all for a job that never ran', async () => {
    const lake = createFakeLake();
    lake.sealRange(Date.UTC(2026, 10, 24), Date.UTC(2026, 10, 26));
    const journal = createJournal();
    const fresh = boot(Date.UTC(2026, 10, 25, 6, 0), lake, journal);
    await fresh.orchestrator.start();
    await fresh.orchestrator.idle();
    expect(started(journal)).toEqual([]);
    await fresh.orchestrator.runPartition('hourly', '2026-11-25T05');
    await fresh.orchestrator.stop();
    await fresh.store.close();

    const later = boot(Date.UTC(2026, 10, 25, 12, 40), lake, journal, { catchUpHorizonMs: 2 * hourMs });
    expect((await later.orchestrator.catchUp()).queued.map((ref) => ref.partition)).toEqual(['2026-11-25T10', '2026-11-25T11']);
    await later.orchestrator.idle();
    expect(started(journal)).toEqual(['hourly 2026-11-25T05', 'hourly 2026-11-25T10', 'hourly 2026-11-25T11']);
  });

  it('records a run a crash interrupted as failed, and runs the partition again on the next start', async () => {
    const lake = createFakeLake();
    lake.seal('2026-11-25T08', 9);
    const journal = createJournal();
    const crashing = boot(Date.UTC(2026, 10, 25, 9, 20), lake, journal, { hourly: { run: () => new Promise(() => undefined) } });
    stops.pop(); // it will not be stopped: it crashes
    void crashing.orchestrator.runPartition('hourly', '2026-11-25T08').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await crashing.orchestrator.listRuns())[0]).toMatchObject({ status: 'running', attempts: 1 });
    // The process dies: its connection goes away with nothing recorded.
    await crashing.store.close();

    const next = boot(Date.UTC(2026, 10, 25, 9, 30), lake, journal);
    await next.orchestrator.start();
    await next.orchestrator.idle();
    const runs = byId(await next.orchestrator.listRuns({ job: 'hourly' }));
    expect(runs.map((run) => `${run.partition} ${run.status} ${run.trigger}`)).toEqual(['2026-11-25T08 failed manual', '2026-11-25T08 succeeded recovery']);
    expect(runs[0]).toMatchObject({ errorCode: 'interrupted', errorDomain: 'external' });
    expect(runs[0]!.message).toContain('stopped during this run');
  });
});
