// A serving world for the query API tests, wired as the composition wires it: a real SQLite store
// and authentication, the API app with the query routes, the speed layer's counter rows made by
// the real counters operator (through the operator harness) and committed to the store as a
// stream worker commits them, and batch hours published through the store's batch views. Time is
// a test clock. Two tenants, each with a user, a link and a read key.
import { join } from 'node:path';
import { createSilentLogger, createTestClock, type TestClock } from '../../src/core/index.js';
import { encodeClick, partitionForIp, sampleClickEvent, type ClickEvent } from '../../src/events/index.js';
import { createCountersOperator, speedJobName } from '../../src/jobs/counters/index.js';
import { createApp, createAuthenticator, createCounterViews, createFraudAlertHub, createVerdictTable, registerQueryRoutes, type ServingServices } from '../../src/serve/index.js';
import type { BatchLinkSlice, Store } from '../../src/store/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { clickHeaderDecoder, createOperatorHarness, type JobDefinition, type OperatorHarness } from '../../src/stream/index.js';
import { createMemoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { createTenant, type Tenant } from '../helpers/api-tenant.js';

export type { Tenant };

export const operatorToken = 'cf_operator_query-test';
export const partitions = 4;
export const hourMs = 3_600_000;
export const quarterMs = 900_000;

type App = ReturnType<typeof createApp>;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

export async function call(app: App, method: string, url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  const response = await app.request(url, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // CSV and metrics are not JSON.
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A click of `linkId` at `eventTimeMs` from the nth visitor. */
export function click(linkId: string, eventTimeMs: number, visitor: number, bot = false): ClickEvent {
  const value = 0x0b000001 + visitor;
  const ip = `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
  return sampleClickEvent(visitor, { linkId, eventTimeMs, ingestTimeMs: eventTimeMs + 2, ip, bot, device: bot ? 'bot' : 'desktop' });
}

export interface QueryWorld {
  dir: TempDir;
  clock: TestClock;
  store: Store;
  log: MemoryLog;
  app: App;
  services: ServingServices;
  alpha: Tenant;
  beta: Tenant;
  /**
   * Counts clicks in the speed layer and commits its rows to the store (as a stream worker does);
   * with `report`, also hands the commit to the counters views, as a worker's message does.
   */
  stream(events: readonly ClickEvent[], lateCounts?: { partition: number; reason: string; count: number }[], options?: { report?: boolean }): Promise<void>;
  /** Publishes one batch hour with the given per-link slices (15-minute slices of that hour). */
  publish(hourStartMs: number, runId: number, slices: readonly Omit<BatchLinkSlice, 'userId' | 'accountId' | 'duplicates'>[], options?: { version?: number; visitors?: Record<string, number>; duplicates?: number }): Promise<void>;
  close(): Promise<void>;
}

function countersJob(): JobDefinition {
  return { name: speedJobName, decoder: clickHeaderDecoder(), operators: [createCountersOperator()] } as unknown as JobDefinition;
}

export async function startQueryWorld(nowMs: number, zones: { alpha: string; beta: string } = { alpha: 'Asia/Kolkata', beta: 'America/New_York' }): Promise<QueryWorld> {
  const dir = await makeTempDir('clickflow-query-');
  const clock = createTestClock(nowMs);
  const logger = createSilentLogger();
  const store = createSqliteStore({ clock, logger }, { path: join(dir.path, 'store.sqlite') });
  await store.migrate();
  const log = createMemoryLog(partitions, clock);
  const counterViews = createCounterViews({ store, clock, logger }, { job: speedJobName });
  const services: ServingServices = {
    store,
    log,
    clock,
    logger,
    dataDir: dir.path,
    counterViews,
    fraudTable: createVerdictTable({ entriesMax: 1_000 }),
    fraudAlerts: createFraudAlertHub({ clock, logger }),
    streamJobs: () => [],
    orchestrator: undefined,
    redirectStats: () => ({ redirects: 7, notFound: 1, clicksLost: 0 }),
  };
  const authenticator = createAuthenticator({ store, clock }, { operatorToken, cacheTtlMs: 0, cacheEntries: 100 });
  const app = createApp({ store, authenticator, logger, isReady: () => true }, { managementBodyBytesMax: 4096 });
  registerQueryRoutes(app, services);
  const alpha = await createTenant(app, operatorToken, 'alpha', zones.alpha);
  const beta = await createTenant(app, operatorToken, 'beta', zones.beta);
  const owners = new Map([alpha, beta].map((t) => [t.linkId, t]));
  let harness: OperatorHarness | undefined;
  let checkpointId = 0;
  const expected = new Map<number, number | null>();
  return {
    dir,
    clock,
    store,
    log,
    app,
    services,
    alpha,
    beta,
    async stream(events, lateCounts = [], options = {}) {
      harness ??= createOperatorHarness(countersJob, { partitions: [0, 1, 2, 3], batchCapacity: 4_096 });
      const byPartition: Uint8Array[][] = Array.from({ length: partitions }, () => []);
      for (const event of events) byPartition[partitionForIp(event.ip, partitions)]!.push(encodeClick(event));
      byPartition.forEach((records, partition) => {
        if (records.length > 0) harness!.process(partition, records);
      });
      const snapshot = harness.snapshot();
      const offsets = byPartition.map((records) => records.length);
      const positions = offsets.map((count, partition) => {
        const previous = expected.get(partition) ?? null;
        const next = (previous ?? 0) + count;
        expected.set(partition, next);
        return { partition, nextOffset: next, watermarkMs: clock.nowMs() - 5_000, expectedNextOffset: previous };
      });
      await store.streamCheckpoints.commit(speedJobName, {
        checkpointId: ++checkpointId,
        positions,
        stateDeletions: [],
        stateUpserts: [],
        views: snapshot.views,
        lateEvents: [],
        lateCounts,
      });
      if (options.report) counterViews.applyCommitted({ job: speedJobName, checkpointId, committedAtMs: clock.nowMs(), views: snapshot.views, positions });
    },
    async publish(hourStartMs, runId, slices, options = {}) {
      const hour = new Date(hourStartMs).toISOString().slice(0, 13);
      const full = slices.map((slice) => {
        const owner = owners.get(slice.linkId)!;
        return { ...slice, userId: owner.userId, accountId: owner.accountId, duplicates: options.duplicates ?? 0 };
      });
      const links = [...new Set(full.map((slice) => slice.linkId))];
      await store.batchViews.publishHour({
        view: { hour, hourStartMs, runId, version: options.version ?? 1, outputHash: `sha256:${hour}-${runId}` },
        slices: full,
        visitors: links.map((linkId) => ({ linkId, visitors: options.visitors?.[linkId] ?? 1 })),
        breakdowns: links.flatMap((linkId) => {
          const sum = { human: 0, bot: 0, suspicious: 0 };
          for (const slice of full) {
            if (slice.linkId !== linkId) continue;
            sum.human += slice.human;
            sum.bot += slice.bot;
            sum.suspicious += slice.suspicious;
          }
          return [
            { linkId, dimension: 'country' as const, value: 'DE', ...sum },
            { linkId, dimension: 'device' as const, value: 'desktop', ...sum },
          ];
        }),
      });
    },
    async close() {
      harness?.close();
      services.fraudAlerts.close();
      await log.close();
      await store.close();
      await dir.remove();
    },
  };
}
