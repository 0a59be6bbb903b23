// A serving world for the counters API tests, wired as the composition wires it: a real SQLite
// store and authentication, the API app with the counter routes, a stream worker running the
// counters job on an in-memory log and committing to the store, and each commit pushed to the
// serving side's counter views. Two tenants, each with a user, a link and a read key.
import { join } from 'node:path';
import { createSilentLogger, createSystemClock } from '../../../src/core/index.js';
import { encodeClick, partitionForIp, type ClickEvent } from '../../../src/events/index.js';
import { countersJob, countersJobName } from '../../../src/jobs/counters/index.js';
import { createApp, createAuthenticator, createCounterViews, registerCounterRoutes, type CounterViews } from '../../../src/serve/index.js';
import { createSqliteStore, type Store } from '../../../src/store/index.js';
import { runStreamWorker, type CommittedUpdate, type JobDefinition, type StreamWorker } from '../../../src/stream/index.js';
import { createMemoryLog, type MemoryLog } from '../../helpers/memory-log.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';
import { createTenant, type Tenant } from '../../helpers/api-tenant.js';

export type { Tenant };

export const operatorToken = 'cf_operator_counters-test';
const partitions = 4;

export interface CountingWorld {
  store: Store;
  app: ReturnType<typeof createApp>;
  counterViews: CounterViews;
  log: MemoryLog;
  worker: StreamWorker;
  alpha: Tenant;
  beta: Tenant;
  /** Every commit pushed, with when it arrived. */
  commits: { update: CommittedUpdate; atMs: number }[];
  /** Appends clicks to their partitions (by visitor network). */
  append(events: readonly ClickEvent[]): Promise<void>;
  /** Resolves once a commit covers every record appended so far. */
  committed(): Promise<void>;
  /** A fresh app over the same store with counter views that saw no commit (reads the store). */
  coldApp(): { app: ReturnType<typeof createApp>; counterViews: CounterViews };
  close(): Promise<void>;
}

type App = ReturnType<typeof createApp>;

export async function call(app: App, method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const response = await app.request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function buildApp(store: Store, counterViews: CounterViews): App {
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const authenticator = createAuthenticator({ store, clock }, { operatorToken, cacheTtlMs: 0, cacheEntries: 100 });
  const app = createApp({ store, authenticator, logger, isReady: () => true }, { managementBodyBytesMax: 4096 });
  registerCounterRoutes(app, { store, counterViews, clock, logger }, { coalesceMs: 20, clientsMax: 2 });
  return app;
}

export async function startCountingWorld(): Promise<CountingWorld & { dir: TempDir }> {
  const dir = await makeTempDir('clickflow-counters-api-');
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const store = createSqliteStore({ clock, logger }, { path: join(dir.path, 'store.sqlite') });
  await store.migrate();
  const counterViews = createCounterViews({ store, clock, logger }, { job: countersJobName });
  const app = buildApp(store, counterViews);
  const alpha = await createTenant(app, operatorToken, 'alpha', 'Asia/Kathmandu');
  const beta = await createTenant(app, operatorToken, 'beta', 'America/New_York');
  const log = createMemoryLog(partitions, clock);
  const commits: { update: CommittedUpdate; atMs: number }[] = [];
  const waiters: (() => void)[] = [];
  const worker = runStreamWorker(
    {
      log,
      checkpoints: store.streamCheckpoints,
      clock,
      logger,
      job: countersJob() as unknown as JobDefinition,
      onCommit(update) {
        commits.push({ update, atMs: performance.now() });
        counterViews.applyCommitted(update);
        for (const waiter of waiters.splice(0)) waiter();
      },
    },
    { partitions: [0, 1, 2, 3] },
  );
  await worker.started;
  const covered = (): boolean => {
    const last = commits.at(-1);
    if (last === undefined) return log.records(0).length + log.records(1).length + log.records(2).length + log.records(3).length === 0;
    return last.update.positions.every((position) => position.nextOffset >= log.records(position.partition).length);
  };
  return {
    dir,
    store,
    app,
    counterViews,
    log,
    worker,
    alpha,
    beta,
    commits,
    async append(events) {
      const byPartition: Uint8Array[][] = Array.from({ length: partitions }, () => []);
      for (const event of events) byPartition[partitionForIp(event.ip, partitions)]!.push(encodeClick(event));
      for (const [partition, records] of byPartition.entries()) if (records.length > 0) await log.append(partition, records);
    },
    async committed() {
      while (!covered()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    coldApp() {
      const cold = createCounterViews({ store, clock, logger }, { job: countersJobName });
      return { app: buildApp(store, cold), counterViews: cold };
    },
    async close() {
      await worker.stop();
      await log.close();
      await store.close();
      await dir.remove();
    },
  };
}
