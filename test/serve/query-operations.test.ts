// Proves the operations side of the query API: the OpenAPI document describes every route the app
// registers (management, counters, fraud, query, dashboard) plus the raw redirect and ingest
// paths; the pipeline health answers any key with the four computations' freshness and the batch
// failures; batch runs are filtered and validated; the account summary keeps tenants apart and
// prices this month's usage with the plan.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/core/index.js';
import { createApp, createAuthenticator, registerCounterRoutes, registerFraudRoutes, registerQueryRoutes } from '../../src/serve/index.js';
import { openApiPath } from '../../src/serve/query/openapi.js';
import { registerDashboard } from '../../src/web/index.js';
import { call, click, operatorToken, startQueryWorld, type QueryWorld } from './query-fixtures.js';

const now = Date.parse('2026-11-25T12:10:00Z');
const at = (text: string): number => Date.parse(text);

describe('query API operations', () => {
  let world: QueryWorld;

  beforeEach(async () => {
    world = await startQueryWorld(now);
  });
  afterEach(async () => {
    await world.close();
  });

  it('describes every registered route in OpenAPI 3.1, errors in one shape', async () => {
    const { store, clock, services } = world;
    const logger = createSilentLogger();
    const app = createApp({ store, authenticator: createAuthenticator({ store, clock }, { operatorToken, cacheTtlMs: 0, cacheEntries: 10 }), logger, isReady: () => true }, { managementBodyBytesMax: 4096 });
    registerCounterRoutes(app, { store, counterViews: services.counterViews, clock, logger });
    registerFraudRoutes(app, { table: services.fraudTable, alerts: services.fraudAlerts });
    registerQueryRoutes(app, services);
    registerDashboard(app, services);
    const reply = await call(app, 'GET', '/openapi.json', undefined);
    expect(reply.status).toBe(200);
    const document = reply.body as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> }>> };
    expect(document.openapi).toBe('3.1.0');
    const registered = app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);
    expect(registered.length).toBeGreaterThan(30);
    const described = new Set(Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`)));
    expect(registered.filter((route) => !described.has(route))).toEqual([]);
    // Served straight from node:http, outside the app: described too.
    expect(described.has('post /v1/events')).toBe(true);
    expect(described.has('get /{slug}')).toBe(true);
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400) expect({ at: `${method} ${path} ${status}`, ref: response.content['application/json']?.schema.$ref }).toEqual({ at: `${method} ${path} ${status}`, ref: '#/components/schemas/Error' });
        }
      }
    }
    // The error shape described is the one answered.
    const refused = await call(app, 'GET', '/v1/links/nope/stats?from=1&to=2', world.alpha.readKey);
    expect(Object.keys(refused.body)).toEqual(['error']);
    expect(Object.keys(refused.body.error as object)).toEqual(expect.arrayContaining(['code', 'message']));
  });

  it('reports pipeline health to any key: freshness of the four computations, batch jobs and failures', async () => {
    const failed = await world.store.batchRuns.create({ job: 'hourly', partition: '2026-11-25T10', trigger: 'schedule', queuedAtMs: now });
    await world.store.batchRuns.start(failed.id, { attempt: 1, startedAtMs: now, partitionVersion: 0 });
    await world.store.batchRuns.finish(failed.id, { status: 'failed', finishedAtMs: now + 1, error: { message: 'disk full', domain: 'external', code: 'io' } });
    const billing = await world.store.batchRuns.create({ job: 'billing', partition: '2026-09', trigger: 'schedule', queuedAtMs: now });
    await world.store.batchRuns.start(billing.id, { attempt: 1, startedAtMs: now, partitionVersion: 0 });
    await world.store.batchRuns.finish(billing.id, { status: 'succeeded', finishedAtMs: now + 1, outputHash: 'sha256:invoice' });
    expect((await call(world.app, 'GET', '/v1/pipeline/health', undefined)).status).toBe(401);
    const reply = await call(world.app, 'GET', '/v1/pipeline/health', world.beta.readKey);
    expect(reply.status).toBe(200);
    const freshness = reply.body.freshness as { computation: string; status: string; targetMs: number; partition?: string }[];
    expect(freshness.map((entry) => [entry.computation, entry.targetMs])).toEqual([
      ['fraud', 500],
      ['counters', 1_000],
      ['digest', 86_400_000],
      ['billing', 31 * 86_400_000],
    ]);
    // September's invoice ended 2026-10-01: on 2026-11-25 October's is overdue.
    expect(freshness.find((entry) => entry.computation === 'billing')).toMatchObject({ status: 'late', partition: '2026-09' });
    expect(freshness.find((entry) => entry.computation === 'digest')!.status).toBe('unknown');
    expect(reply.body).toMatchObject({ status: 'degraded', lateComputations: ['billing'] });
    const batch = reply.body.batch as { failures: { id: number; message: string }[]; jobs: { name: string }[] };
    expect(batch.failures.map((run) => [run.id, run.message])).toEqual([[failed.id, 'disk full']]);
    expect(batch.jobs.map((job) => job.name)).toEqual(['billing', 'hourly']);

    const runs = await call(world.app, 'GET', '/v1/batch/runs?status=failed', world.beta.readKey);
    expect((runs.body.items as { id: number }[]).map((run) => run.id)).toEqual([failed.id]);
    const badStatus = await call(world.app, 'GET', '/v1/batch/runs?status=broken', world.beta.readKey);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error).toMatchObject({ field: 'status' });
    expect((await call(world.app, 'GET', '/v1/batch/runs?limit=5000', world.beta.readKey)).body.error).toMatchObject({ field: 'limit' });
  });

  it("summarises an account: batch totals and top links, this month's usage priced by the plan; other accounts 404", async () => {
    const { alpha, beta } = world;
    await world.publish(at('2026-11-25T08:00:00Z'), 11, [
      { linkId: alpha.linkId, sliceStartMs: at('2026-11-25T08:00:00Z'), human: 30, bot: 5, suspicious: 2 },
      { linkId: beta.linkId, sliceStartMs: at('2026-11-25T08:15:00Z'), human: 100, bot: 0, suspicious: 0 },
    ]);
    // The stream counted 08 too (the batch wins there) and 11, which is open.
    await world.stream([click(alpha.linkId, at('2026-11-25T08:05:00Z'), 1), click(alpha.linkId, at('2026-11-25T11:05:00Z'), 2), click(alpha.linkId, at('2026-11-25T11:06:00Z'), 3, true)]);
    const reply = await call(world.app, 'GET', `/v1/accounts/${alpha.accountId}/summary?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z`, alpha.readKey);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      finality: 'incomplete',
      coverage: { hoursInRange: 24, publishedHours: 1 },
      totals: { total: 37, human: 30, bot: 5, suspicious: 2 },
      topLinks: [{ linkId: alpha.linkId, total: 37 }],
    });
    const usage = reply.body.usage as { month: string; total: number; billable: number; estimatedChargeMinor: number; plan: { id: string } };
    expect(usage).toMatchObject({ month: '2026-11', total: 39, billable: 37, plan: { id: 'pro' } });
    const plan = (await world.store.plans.get('pro'))!;
    expect(usage.estimatedChargeMinor).toBeGreaterThanOrEqual(plan.monthlyFeeMinor);

    expect((await call(world.app, 'GET', `/v1/accounts/${alpha.accountId}/summary?from=2026-11-25&to=2026-11-26`, beta.readKey)).status).toBe(404);
    expect((await call(world.app, 'GET', `/v1/accounts/${alpha.accountId}/summary?from=2026-11-25&to=2026-11-26`, operatorToken)).status).toBe(200);
    const bad = await call(world.app, 'GET', `/v1/accounts/${alpha.accountId}/summary?from=2026-11-25&to=2026-11-26&limit=500`, alpha.readKey);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', field: 'limit' });
  });
});
