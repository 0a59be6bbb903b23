// Proves failure handling: retryable errors are retried with exponential backoff and then fail
// with an alert that is logged, stored and POSTed to a real local webhook (which is itself retried);
// other errors, and those a job's policy excludes, are not retried; an attempt past its timeout is
// aborted, recorded as timed out, and its output discarded.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, ExternalError, UserError, type Logger, type TestClock } from '../../src/core/index.js';
import {
  createOrchestrator,
  createWebhookAlertSender,
  writeOutputAtomically,
  type JobDefinition,
  type Orchestrator,
  type WebhookAlertBody,
} from '../../src/orchestrator/index.js';
import type { BatchRun, Store } from '../../src/store/index.js';
import { capturingLogger, createFakeLake, createJournal, fixtureJobs, lakeOutput, openStore, until } from './fixtures.js';

const partition = '2026-11-25T08';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Receiver {
  url: string;
  bodies: WebhookAlertBody[];
  answers: number[];
}

/** A real HTTP server on a free port that answers POSTs with the given statuses, then 200. */
async function startReceiver(statuses: number[]): Promise<Receiver> {
  const receiver: Receiver = { url: '', bodies: [], answers: [] };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      receiver.bodies.push(JSON.parse(body) as WebhookAlertBody);
      const status = statuses.shift() ?? 200;
      receiver.answers.push(status);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${address.port}/hooks/clickflow`;
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return receiver;
}

interface Setup {
  clock: TestClock;
  store: Store;
  orchestrator: Orchestrator;
  attempts: number[];
}

function setUp(hourly: Partial<JobDefinition>, deps: { logger?: Logger; webhookUrl?: string } = {}): Setup {
  const clock = createTestClock(Date.UTC(2026, 10, 25, 9, 0));
  const store = openStore(clock);
  const lake = createFakeLake();
  lake.seal(partition, 3);
  const attempts: number[] = [];
  const run = hourly.run ?? (async (context) => lakeOutput(lake, context));
  const jobs = fixtureJobs(lake, createJournal(), {
    hourly: {
      ...hourly,
      run: async (context) => {
        attempts.push(clock.nowMs());
        return run(context);
      },
    },
  });
  const logger = deps.logger ?? createSilentLogger();
  const alerts = deps.webhookUrl ? createWebhookAlertSender({ clock, logger }, { url: deps.webhookUrl, attempts: 3, retryDelayMs: 500 }) : undefined;
  const orchestrator = createOrchestrator({ store, clock, logger, alerts }, { jobs: Object.values(jobs), concurrency: 1 });
  cleanups.push(async () => {
    await orchestrator.stop();
    await store.close();
  });
  return { clock, store, orchestrator, attempts };
}

describe('retries and alerts', () => {
  it('retries a retryable failure with exponential backoff, then fails and alerts in the log, the store and a webhook', async () => {
    const receiver = await startReceiver([503]);
    const log = capturingLogger();
    const { clock, store, orchestrator, attempts } = setUp(
      {
        retry: { retries: 2, initialDelayMs: 1_000, maxDelayMs: 60_000 },
        run: async () => {
          throw new ExternalError('the lake is unreachable', { cause: new Error('ECONNREFUSED') });
        },
      },
      { logger: log.logger, webhookUrl: receiver.url },
    );
    const t0 = clock.nowMs();
    let finished: BatchRun | undefined;
    void orchestrator.runPartition('hourly', partition).then((run) => (finished = run));
    await until(() => attempts.length === 1, { what: 'the first attempt' });
    await orchestrator.idle();
    const waiting = (await orchestrator.listRuns({ job: 'hourly' }))[0]!;
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAtMs: t0 + 1_000, message: 'the lake is unreachable', errorDomain: 'external' });

    clock.advance(999);
    await orchestrator.idle();
    expect(attempts).toHaveLength(1);
    clock.advance(1);
    await until(() => attempts.length === 2, { what: 'the second attempt' });
    await orchestrator.idle();
    clock.advance(1_999);
    await orchestrator.idle();
    expect(attempts).toHaveLength(2);
    clock.advance(1);
    await until(() => finished !== undefined, { what: 'the run to finish' });
    expect(attempts).toEqual([t0, t0 + 1_000, t0 + 3_000]);
    expect(finished).toMatchObject({ status: 'failed', attempts: 3, errorDomain: 'external', errorCode: 'external', message: 'the lake is unreachable' });
    expect(finished!.errorDetail).toContain('caused by: Error: ECONNREFUSED');
    expect(await store.batchRuns.get(finished!.id)).toEqual(finished);

    const [alert] = await orchestrator.listAlerts();
    expect(alert).toMatchObject({ job: 'hourly', partition, runId: finished!.id, kind: 'run_failed', atMs: t0 + 3_000 });
    expect(alert!.message).toBe(`hourly ${partition} failed after 3 attempts (run ${finished!.id}): the lake is unreachable`);

    const lines = log.lines();
    expect(lines.filter((line) => line.msg === 'attempt failed; retrying after the backoff').map((line) => line.delayMs)).toEqual([1_000, 2_000]);
    expect(lines.find((line) => line.level === 50 && line.msg === alert!.message)).toMatchObject({ job: 'hourly', partition, kind: 'run_failed' });

    // The receiver refused the first delivery (503); the sender retries after its backoff.
    await until(() => receiver.bodies.length === 2, { step: () => clock.advance(100), what: 'the webhook delivery to be retried' });
    expect(receiver.answers).toEqual([503, 200]);
    expect(receiver.bodies[1]).toEqual({ source: 'clickflow', type: 'batch_alert', alert });
  });

  it('does not retry an error that is not retryable, and records a bug with its stack', async () => {
    const { orchestrator, attempts } = setUp({
      retry: { retries: 3, initialDelayMs: 10 },
      run: async () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    });
    const run = await orchestrator.runPartition('hourly', partition);
    expect(attempts).toHaveLength(1);
    expect(run).toMatchObject({ status: 'failed', attempts: 1, errorDomain: 'internal', errorCode: 'job_failed' });
    expect(run.errorDetail).toContain('TypeError: Cannot read properties of undefined');
    const userError = setUp({ retry: { retries: 3 }, run: async () => Promise.reject(new UserError('the plan "gold" does not exist')) });
    expect(await userError.orchestrator.runPartition('hourly', partition)).toMatchObject({ status: 'failed', attempts: 1, errorDomain: 'user' });
  });

  it('retries only what the job’s own policy accepts', async () => {
    const { orchestrator, attempts } = setUp({
      retry: { retries: 3, initialDelayMs: 10, retryOn: (error) => !(error instanceof ExternalError && error.code === 'quota') },
      run: async () => {
        throw new ExternalError('the warehouse quota is used up', { code: 'quota' });
      },
    });
    expect(await orchestrator.runPartition('hourly', partition)).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'quota' });
    expect(attempts).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('aborts an attempt at its timeout, records it timed out with an alert, and discards what it writes afterwards', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'clickflow-timeout-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    let release: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (release = resolve));
    let abortReason: unknown;
    const { clock, orchestrator, attempts } = setUp({
      timeoutMs: 5_000,
      run: async (context) => {
        context.signal.addEventListener('abort', () => (abortReason = context.signal.reason));
        // A slow job that ignores its signal until its write: the write refuses to land.
        await late;
        const output = await writeOutputAtomically(folder, 'hour.json', (path) => writeFile(path, '{"late":true}'), { signal: context.signal });
        return { outputHash: output.hash };
      },
    });
    let finished: BatchRun | undefined;
    void orchestrator.runPartition('hourly', partition).then((run) => (finished = run));
    await until(() => attempts.length === 1);
    clock.advance(4_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toBeUndefined();
    clock.advance(1);
    release();
    await until(() => finished !== undefined, { what: 'the timed-out run to be recorded' });
    expect(finished).toMatchObject({ status: 'timed_out', attempts: 1, errorCode: 'timed_out', errorDomain: 'external', outputHash: null });
    expect(finished!.message).toContain('longer than its timeout of 5000 ms');
    expect((abortReason as Error).message).toContain('timeout of 5000 ms');
    expect(await readdir(folder)).toEqual([]);
    expect((await orchestrator.listAlerts())[0]).toMatchObject({ kind: 'run_timed_out', runId: finished!.id });
  });

  it('retries a timed-out attempt like any retryable failure', async () => {
    const lake = createFakeLake();
    lake.seal(partition, 4);
    const { clock, orchestrator, attempts } = setUp({
      timeoutMs: 1_000,
      retry: { retries: 1, initialDelayMs: 100 },
      run: async (context) => {
        if (attempts.length === 1) {
          await new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason)));
        }
        return lakeOutput(lake, context);
      },
    });
    let finished: BatchRun | undefined;
    void orchestrator.runPartition('hourly', partition).then((run) => (finished = run));
    await until(() => finished !== undefined, { step: () => clock.advance(50), what: 'the retried run to finish' });
    expect(finished).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(attempts).toHaveLength(2);
  });
});
