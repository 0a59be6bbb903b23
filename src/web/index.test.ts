// Proves the dashboard's routes in-process: the page and its assets (with uPlot) are served with
// their types, validators and security headers, unknown assets are 404, and the dashboard's data
// routes need a key, keep accounts apart and list failed batch runs per job.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../core/index.js';
import { createApp, createAuthenticator, type ServingServices } from '../serve/index.js';
import { createSqliteStore, type Store } from '../store/index.js';
import { pathToFileURL } from 'node:url';
import { assetsFolder, registerDashboard } from './index.js';

const operatorToken = 'cf_operator_web-test';

describe('dashboard routes', () => {
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;

  const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
    app.request(url, { headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'clickflow-web-'));
    const clock = createSystemClock();
    store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: path.join(dir, 'store.sqlite') });
    await store.migrate();
    const authenticator = createAuthenticator({ store, clock }, { operatorToken, cacheTtlMs: 0, cacheEntries: 10 });
    app = createApp({ store, authenticator, logger: createSilentLogger(), isReady: () => true }, { managementBodyBytesMax: 4096 });
    const services = { store, clock, logger: createSilentLogger(), dataDir: dir, streamJobs: () => [], orchestrator: undefined } as unknown as ServingServices;
    registerDashboard(app, services);
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page and its assets with types, validators and a content security policy', async () => {
    for (const url of ['/dashboard', '/dashboard/', '/dashboard/anything']) {
      const page = await get(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('/dashboard/assets/main.js');
    }
    const uplot = await get('/dashboard/assets/uplot.js');
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await uplot.text()).toContain('uPlot');
    expect((await get('/dashboard/assets/uplot.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const main = await get('/dashboard/assets/main.js');
    const etag = main.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect((await get('/dashboard/assets/main.js', undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/dashboard/assets/missing.js')).status).toBe(404);
    expect((await get('/dashboard/assets/..%2Findex.ts')).status).toBe(404);
  });

  it('finds its files in the source tree when compiled (the compiler copies only TypeScript output)', () => {
    const source = assetsFolder();
    const compiled = assetsFolder(pathToFileURL(source.replace(/[\\/]src[\\/]web[\\/]assets[\\/]?$/, '/dist/web/assets.js')).href);
    expect(compiled).toBe(source);
  });

  it('answers the data routes only with a key, each account its own', async () => {
    const a = await store.accounts.create({ name: 'Alpha', planId: 'pro' });
    const b = await store.accounts.create({ name: 'Beta', planId: 'free' });
    const readA = (await store.apiKeys.create(a.id, 'read', '')).secret;
    const writeA = (await store.apiKeys.create(a.id, 'write', '')).secret;
    expect((await get('/v1/dashboard/pipeline')).status).toBe(401);
    expect((await get('/v1/dashboard/account', 'cf_read_wrong')).status).toBe(401);
    expect((await get('/v1/dashboard/account', writeA)).status).toBe(403);
    expect((await get('/v1/dashboard/account', operatorToken)).status).toBe(403);
    const own = (await (await get(`/v1/dashboard/account?accountId=${b.id}`, readA)).json()) as { account: { id: string }; plan: { id: string } | null };
    expect(own.account.id).toBe(a.id);
    expect(own.plan?.id).toBe('pro');
    const named = (await (await get(`/v1/dashboard/account?accountId=${b.id}`, operatorToken)).json()) as { account: { id: string } };
    expect(named.account.id).toBe(b.id);
  });

  it('lists each job with its latest run and latest failure', async () => {
    const readKey = (await store.apiKeys.create((await store.accounts.create({ name: 'Ops', planId: 'free' })).id, 'read', '')).secret;
    const nowMs = Date.now();
    const failed = await store.batchRuns.create({ job: 'daily-rollup', partition: '2026-11-24', trigger: 'manual', queuedAtMs: nowMs });
    await store.batchRuns.start(failed.id, { attempt: 1, startedAtMs: nowMs, partitionVersion: 0 });
    await store.batchRuns.finish(failed.id, { status: 'failed', finishedAtMs: nowMs + 5, message: 'disk full', error: { message: 'disk full', domain: 'external', code: 'io' } });
    await store.batchRuns.create({ job: 'daily-rollup', partition: '2026-11-25', trigger: 'manual', queuedAtMs: nowMs + 10, status: 'skipped', message: 'inputs not ready' });
    const body = (await (await get('/v1/dashboard/pipeline', readKey)).json()) as {
      batch: { jobs: { name: string; latestRun: { status: string } | null; latestFailure: { message: string } | null }[]; runs: unknown[] };
    };
    expect(body.batch.jobs).toHaveLength(1);
    expect(body.batch.jobs[0]).toMatchObject({ name: 'daily-rollup', latestRun: { status: 'skipped' }, latestFailure: { message: 'disk full' } });
    expect(body.batch.runs).toHaveLength(2);
  });
});
