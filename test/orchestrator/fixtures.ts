// Shared fixtures for the orchestrator tests: a fake lake of sealed hours with click counts, and
// the hour → day → month (and digest) jobs over it. Outputs are hashes of counts, so a re-run on the
// same data gives the same hash, and a change that keeps a sum keeps the sum's hash.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createSilentLogger, ExternalError, type Logger, type TestClock } from '../../src/core/index.js';
import {
  combineHashes,
  dayPartitions,
  hourPartitions,
  monthPartitions,
  type JobDefinition,
  type JobRunContext,
  type JobRunResult,
  type Orchestrator,
} from '../../src/orchestrator/index.js';
import { createSqliteStore, type BatchRun, type Store } from '../../src/store/index.js';

export const hourMs = 60 * 60 * 1000;

/** Hours of click counts; an hour is sealed when the test says so. */
export interface FakeLake {
  counts: Map<string, number>;
  sealed: Set<string>;
  seal(hour: string, count: number): void;
  /** Seals every hour from `from` (inclusive) to `to` (exclusive), each with `count(hour)` clicks. */
  sealRange(fromMs: number, toMs: number, count?: (hour: string) => number): void;
}

export function createFakeLake(): FakeLake {
  const lake: FakeLake = {
    counts: new Map(),
    sealed: new Set(),
    seal(hour, count) {
      lake.counts.set(hour, count);
      lake.sealed.add(hour);
    },
    sealRange(fromMs, toMs, count = () => 1) {
      for (let ms = fromMs; ms < toMs; ms += hourMs) {
        const hour = hourPartitions.format(ms);
        lake.seal(hour, count(hour));
      }
    },
  };
  return lake;
}

/** What ran: `start <job> <partition>` and `end <job> <partition>` in the order they happened. */
export interface Journal {
  events: string[];
}

export function createJournal(): Journal {
  return { events: [] };
}

/** The partitions whose attempts started, as `<job> <partition>`, in order. */
export function started(journal: Journal, job?: string): string[] {
  return journal.events.filter((event) => event.startsWith('start ')).map((event) => event.slice(6)).filter((ref) => job === undefined || ref.startsWith(`${job} `));
}

export function countOf(context: JobRunContext): number {
  return context.upstream.reduce((sum, input) => sum + Number(input.outputs[0]?.rows ?? 0), 0);
}

function result(count: number, context: JobRunContext): JobRunResult {
  return { outputHash: combineHashes(['count', String(count)]), outputs: [{ location: `memory://${context.job}/${context.partition}`, rows: count }] };
}

/** What the hourly job makes of a sealed lake hour: its count, hashed. */
export function lakeOutput(lake: FakeLake, context: JobRunContext): JobRunResult {
  const count = lake.counts.get(context.partition);
  if (count === undefined) throw new ExternalError(`lake hour ${context.partition} is missing`);
  return { ...result(count, context), inputHashes: { [`lake/${context.partition}`]: combineHashes(['lake', String(count)]) } };
}

export interface FixtureJobs {
  hourly: JobDefinition;
  daily: JobDefinition;
  monthly: JobDefinition;
  digest: JobDefinition;
}

/** The four jobs; `overrides.hourly` may replace fields of the hourly job (its run, retry, timeout). */
export function fixtureJobs(lake: FakeLake, journal: Journal, overrides: { hourly?: Partial<JobDefinition> } = {}): FixtureJobs {
  const wrap = (body: (context: JobRunContext) => Promise<JobRunResult>) => async (context: JobRunContext) => {
    journal.events.push(`start ${context.job} ${context.partition}`);
    const output = await body(context);
    journal.events.push(`end ${context.job} ${context.partition}`);
    return output;
  };
  const hourly: JobDefinition = {
    name: 'hourly',
    partitions: hourPartitions,
    schedule: { cron: '15 * * * *' },
    ready: (hour) => (lake.sealed.has(hour) ? true : { ready: false, reason: `lake hour ${hour} is not sealed` }),
    retry: { retries: 0 },
    ...overrides.hourly,
    run: wrap(overrides.hourly?.run ?? (async (context) => lakeOutput(lake, context))),
  };
  const daily: JobDefinition = {
    name: 'daily',
    partitions: dayPartitions,
    schedule: { cron: '30 0 * * *' },
    upstream: [{ job: 'hourly' }],
    run: wrap(async (context) => result(countOf(context), context)),
  };
  const monthly: JobDefinition = {
    name: 'monthly',
    partitions: monthPartitions,
    schedule: { cron: '0 3 4 * *' },
    upstream: [{ job: 'daily' }],
    run: wrap(async (context) => result(countOf(context), context)),
  };
  const digest: JobDefinition = {
    name: 'digest',
    partitions: dayPartitions,
    schedule: { cron: '0 6 * * *', timeZone: 'Europe/Berlin' },
    upstream: [{ job: 'daily' }],
    run: wrap(async (context) => result(countOf(context), context)),
  };
  return { hourly, daily, monthly, digest };
}

export function openStore(clock: TestClock, path = ':memory:', logger: Logger = createSilentLogger()): Store {
  return createSqliteStore({ clock, logger }, { path });
}

/** A logger whose JSON lines are kept, to check what was logged. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Waits (in real time) until `condition` holds, doing `step` between looks; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, options: { step?: () => void; timeoutMs?: number; what?: string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    options.step?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs of one job, oldest first, as `partition status`. */
export async function history(orchestrator: Orchestrator, job: string): Promise<string[]> {
  const runs: BatchRun[] = await orchestrator.listRuns({ job, limit: 1000 });
  return runs.reverse().map((run) => `${run.partition} ${run.status}`);
}
