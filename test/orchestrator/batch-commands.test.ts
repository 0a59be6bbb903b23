// Proves the `clickflow batch` commands in-process against a real SQLite file: run, backfill with
// progress (a redrawn bar on a terminal, a line per partition elsewhere), runs, show with lineage
// and the full error, status, jobs, alerts, help texts; and that user errors print one clear line
// and exit 1 without a stack trace.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerBatchCommands } from '../../src/cli/batch-commands.js';
import { formatProgressLine } from '../../src/cli/batch-progress.js';
import { createSilentLogger, createTestClock } from '../../src/core/index.js';
import { createOrchestrator } from '../../src/orchestrator/index.js';
import type { BatchAlert, BatchRun } from '../../src/store/index.js';
import { createFakeLake, createJournal, fixtureJobs, openStore, type FakeLake } from './fixtures.js';

let folder: string;
let lake: FakeLake;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'clickflow-batch-cli-'));
  lake = createFakeLake();
  lake.sealRange(Date.UTC(2026, 10, 25, 0), Date.UTC(2026, 10, 25, 5));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

interface RunResult {
  out: string;
  err: string;
  progress: string;
  exitCode: number;
}

/** Runs one command line in-process on a fresh program, as `clickflow <args>` would. */
async function clickflow(args: string[], options: { tty?: boolean } = {}): Promise<RunResult> {
  let out = '';
  let err = '';
  let progress = '';
  const program = new Command('clickflow')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  registerBatchCommands(
    program,
    async () => {
      const clock = createTestClock(Date.UTC(2026, 10, 26, 12));
      const store = openStore(clock, join(folder, 'store.sqlite'));
      const orchestrator = createOrchestrator({ store, clock, logger: createSilentLogger() }, { jobs: Object.values(fixtureJobs(lake, createJournal())), concurrency: 1 });
      return {
        orchestrator,
        close: async () => {
          await orchestrator.stop();
          await store.close();
        },
      };
    },
    { progress: { isTTY: options.tty ?? false, write: (text: string) => (progress += text) } },
  );
  try {
    await program.parseAsync(['batch', ...args], { from: 'user' });
    return { out, err, progress, exitCode: 0 };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out, err, progress, exitCode: error.exitCode };
  }
}

async function json<T>(...args: string[]): Promise<T> {
  const result = await clickflow([...args, '--json']);
  expect(result.err).toBe('');
  return JSON.parse(result.out) as T;
}

function expectUserError(result: RunResult, message: string): void {
  expect(result.exitCode).toBe(1);
  expect(result.err).toBe(`error: ${message}\n`);
  expect(result.err).not.toMatch(/\n\s+at /);
}

describe('batch run and show', () => {
  it('runs a partition and shows it with its lineage', async () => {
    const result = await clickflow(['run', 'hourly', '2026-11-25T03']);
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(/^run 1: hourly 2026-11-25T03 succeeded\n {2}trigger: {3}manual\n/);
    expect(result.out).toContain('  inputs:    0 upstream partitions, 1 external\n    lake/2026-11-25T03  sha256:');
    expect(result.out).toContain('    memory://hourly/2026-11-25T03  (1 row)');
    const run = await json<BatchRun>('show', '1');
    expect(run).toMatchObject({ id: 1, job: 'hourly', partition: '2026-11-25T03', status: 'succeeded', trigger: 'manual', attempts: 1 });
  });

  it('exits 1 with the reason when the run does not succeed, and shows the full error', async () => {
    const skipped = await clickflow(['run', 'daily', '2026-11-25']);
    expect(skipped.exitCode).toBe(1);
    expect(skipped.out).toContain('run 1: daily 2026-11-25 skipped');
    expect(skipped.err).toBe('error: run 1 (daily 2026-11-25) skipped: inputs not ready: hourly 2026-11-25T00 has not succeeded\n');
    lake.sealed.add('2026-11-25T07'); // sealed, but its file is missing: the run fails
    const failed = await clickflow(['run', 'hourly', '2026-11-25T07']);
    expect(failed.exitCode).toBe(1);
    expect(failed.err).toBe('error: run 2 (hourly 2026-11-25T07) failed: lake hour 2026-11-25T07 is missing\n');
    const shown = await clickflow(['show', '2']);
    expect(shown.out).toContain('  error:     external/external: lake hour 2026-11-25T07 is missing');
  });

  it('answers an unknown job, a malformed partition and a bad run id with one clear line', async () => {
    expectUserError(await clickflow(['run', 'weekly', '2026-11-25']), 'unknown job "weekly"; the jobs are: hourly, daily, monthly, digest');
    expectUserError(await clickflow(['run', 'hourly', '2026-11-25']), 'job hourly: "2026-11-25" is not a valid hour: write YYYY-MM-DDTHH (a UTC hour), e.g. 2026-11-25T08');
    expectUserError(await clickflow(['backfill', 'daily', '--from', '2026-11-26', '--to', '2026-11-25']), 'the range starts at 2026-11-26, after its end 2026-11-25; the start must not come after the end');
    expectUserError(await clickflow(['show', '999']), 'no run 999; list runs with `clickflow batch runs`');
    expectUserError(await clickflow(['runs', '--partition', '2026-11-25']), '--partition needs --job: a partition id means something only for a job');
    const badId = await clickflow(['show', 'abc']);
    expect(badId.exitCode).toBe(1);
    expect(badId.err).toContain('run id must be a whole number such as 42');
    const badStatus = await clickflow(['runs', '--status', 'lost']);
    expect(badStatus.exitCode).toBe(1);
    expect(badStatus.err).toContain("Allowed choices are queued, running, succeeded, failed, timed_out, skipped");
  });
});

describe('batch backfill', () => {
  it('prints one progress line per partition when stderr is not a terminal, then a summary', async () => {
    const result = await clickflow(['backfill', 'hourly', '--from', '2026-11-25T03', '--to', '2026-11-25T06']);
    expect(result.exitCode).toBe(0);
    expect(result.progress.split('\n')).toEqual([
      '1/4 hourly 2026-11-25T03 succeeded in 0ms',
      '2/4 hourly 2026-11-25T04 succeeded in 0ms',
      '3/4 hourly 2026-11-25T05 skipped: inputs not ready: lake hour 2026-11-25T05 is not sealed',
      '4/4 hourly 2026-11-25T06 skipped: inputs not ready: lake hour 2026-11-25T06 is not sealed',
      '',
    ]);
    expect(result.out).toBe('hourly: 4 partitions in 0ms: 2 succeeded, 2 skipped, 0 failed, 0 timed out\n');
    expect(result.err).toBe('');
  });

  it('redraws a bar with count, rate and time left on a terminal, giving failures their own line', async () => {
    lake.sealed.add('2026-11-25T07'); // sealed, but its file is missing: the run fails
    const result = await clickflow(['backfill', 'hourly', '--from', '2026-11-25T03', '--to', '2026-11-25T07'], { tty: true });
    expect(result.exitCode).toBe(1);
    expect(result.err).toBe('error: 1 of 5 partitions did not succeed; see `clickflow batch runs --job hourly`\n');
    const frames = result.progress.split('\r\x1b[K').filter((frame) => frame !== '');
    expect(frames[0]).toBe('[#####...................]  1/5   20%  -  ETA ?  hourly 2026-11-25T03 succeeded');
    expect(frames).toContain('hourly 2026-11-25T07 failed in 0ms: lake hour 2026-11-25T07 is missing\n');
    expect(frames.at(-1)).toBe('[########################]  5/5  100%  -  done  hourly 2026-11-25T07 failed\n');
    expect(formatProgressLine({ done: 12, total: 24, job: 'daily', partition: '2026-11-12', elapsedMs: 6_000, run: { status: 'succeeded' } as BatchRun })).toBe(
      '[############............]  12/24   50%  2.0/s  ETA 6.0s  daily 2026-11-12 succeeded',
    );
    expect(formatProgressLine({ done: 1, total: 3, job: 'monthly', partition: '2026-10', elapsedMs: 120_000, run: { status: 'succeeded' } as BatchRun })).toContain('0.5/min  ETA 4m 00s');
  });
});

describe('batch runs, status, jobs, alerts', () => {
  it('lists runs newest first with filters, as a table or JSON', async () => {
    await clickflow(['backfill', 'hourly', '--from', '2026-11-25T00', '--to', '2026-11-25T04']);
    lake.sealed.add('2026-11-25T09');
    await clickflow(['run', 'hourly', '2026-11-25T09']);
    const table = await clickflow(['runs', '--job', 'hourly', '--status', 'succeeded', '--limit', '2']);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+JOB\s+PARTITION\s+STATUS\s+TRIGGER\s+ATTEMPTS\s+STARTED\s+DURATION\s+OUTPUT\s+MESSAGE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 5).join(' '))).toEqual(['5 hourly 2026-11-25T04 succeeded backfill', '4 hourly 2026-11-25T03 succeeded backfill']);
    const failed = await json<BatchRun[]>('runs', '--status', 'failed');
    expect(failed.map((run) => run.partition)).toEqual(['2026-11-25T09']);
    expect((await json<BatchRun[]>('runs', '--job', 'hourly', '--partition', '2026-11-25T02')).map((run) => run.id)).toEqual([3]);
    expect((await json<BatchRun[]>('runs', '--before', '3')).map((run) => run.id)).toEqual([2, 1]);
    expect((await clickflow(['runs', '--job', 'monthly'])).out).toBe('(none)\n');
  });

  it('says whether a partition is up to date and its inputs ready; lists jobs and alerts', async () => {
    const status = await clickflow(['status', 'daily', '2026-11-25']);
    expect(status.out).toContain('daily 2026-11-25: stale (never succeeded)\n  inputs:       not ready (hourly 2026-11-25T00 has not succeeded)');
    const jobs = await clickflow(['jobs']);
    expect(jobs.out).toMatch(/hourly\s+hour\s+15 \* \* \* \* \(UTC\)\s+-\s+2026-11-26T12:15:00Z/);
    expect(jobs.out).toMatch(/digest\s+day\s+0 6 \* \* \* \(Europe\/Berlin\)\s+daily\s+2026-11-27T05:00:00Z/);
    lake.sealed.add('2026-11-25T09');
    await clickflow(['run', 'hourly', '2026-11-25T09']);
    const alerts = await json<BatchAlert[]>('alerts', '--job', 'hourly');
    expect(alerts).toMatchObject([{ kind: 'run_failed', job: 'hourly', partition: '2026-11-25T09', runId: 1 }]);
  });

  it('explains every command in its help', async () => {
    const help = await clickflow(['--help']);
    for (const command of ['run', 'backfill', 'reopen', 'runs', 'show', 'status', 'jobs', 'alerts']) expect(help.out).toMatch(new RegExp(`\\n  ${command} `));
    const backfill = await clickflow(['backfill', '--help']);
    expect(backfill.out).toContain('--from <partition>');
    expect(backfill.out).toContain('first partition of the range, e.g. 2026-11-01');
    expect(backfill.out).toContain('--no-upstream');
  });
});
