// Proves the management API: the operator creates accounts, each account manages only its own
// users, links and keys, key scopes are enforced, and a key of one account can never see or
// touch another account's data.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createApp, createAuthenticator } from '../../src/serve/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';

const operatorToken = 'cf_operator_test-token';

describe('management API', () => {
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;

  const call = async (method: string, url: string, token: string | undefined, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await app.request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** An account with a manage key, a user and a link, created as a customer would. */
  const tenant = async (name: string) => {
    const account = await call('POST', '/v1/accounts', operatorToken, { name, planId: 'pro' });
    expect(account.status).toBe(201);
    const accountId = account.body.id as string;
    const manage = await call('POST', '/v1/keys', operatorToken, { accountId, scope: 'manage', label: 'admin' });
    expect(manage.status).toBe(201);
    const key = manage.body.secret as string;
    const user = await call('POST', '/v1/users', key, { email: `owner@${name}.example`, timeZone: 'America/New_York' });
    expect(user.status).toBe(201);
    const link = await call('POST', '/v1/links', key, { slug: `${name}-promo`, targetUrl: `https://${name}.example/promo`, userId: user.body.id });
    expect(link.status).toBe(201);
    return { accountId, key, userId: user.body.id as string, linkId: link.body.id as string };
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'clickflow-api-'));
    const clock = createSystemClock();
    store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: path.join(dir, 'store.sqlite') });
    await store.migrate();
    const authenticator = createAuthenticator({ store, clock }, { operatorToken, cacheTtlMs: 0, cacheEntries: 100 });
    app = createApp({ store, authenticator, logger: createSilentLogger(), isReady: () => true }, { managementBodyBytesMax: 4096 });
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks for a key, and refuses unknown ones', async () => {
    expect((await call('GET', '/v1/links', undefined)).status).toBe(401);
    const wrong = await call('GET', '/v1/links', 'cf_read_nope_nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/unknown or revoked/) } });
    expect((await call('GET', '/healthz', undefined)).status).toBe(200);
  });

  it('lets only the operator create accounts', async () => {
    const a = await tenant('alpha');
    const attempt = await call('POST', '/v1/accounts', a.key, { name: 'sneaky' });
    expect(attempt.status).toBe(403);
  });

  it('keeps accounts apart: a key of one account never sees or touches another', async () => {
    const a = await tenant('alpha');
    const b = await tenant('beta');
    const bLinks = await call('GET', '/v1/links', b.key);
    expect((bLinks.body.items as { id: string }[]).map((link) => link.id)).toEqual([b.linkId]);
    expect((await call('GET', `/v1/links/${a.linkId}`, b.key)).status).toBe(404);
    expect((await call('PATCH', `/v1/links/${a.linkId}`, b.key, { disabled: true })).status).toBe(404);
    expect((await call('PATCH', `/v1/users/${a.userId}`, b.key, { name: 'taken' })).status).toBe(404);
    // Naming another account explicitly does not help a key.
    const named = await call('GET', `/v1/links?accountId=${a.accountId}`, b.key);
    expect((named.body.items as { id: string }[]).map((link) => link.id)).toEqual([b.linkId]);
    // A link for another account's user cannot be created.
    const foreignUser = await call('POST', '/v1/links', b.key, { slug: 'steal', targetUrl: 'https://x.example/', userId: a.userId });
    expect(foreignUser.status).toBeGreaterThanOrEqual(400);
    expect(foreignUser.status).toBeLessThan(500);
    const aKeys = await call('GET', '/v1/keys', a.key);
    const aKeyId = (aKeys.body.items as { id: string }[])[0]!.id;
    expect((await call('DELETE', `/v1/keys/${aKeyId}`, b.key)).status).toBe(404);
    // Account A is untouched.
    const aLink = await call('GET', `/v1/links/${a.linkId}`, a.key);
    expect(aLink.body.disabled).toBe(false);
  });

  it('enforces scopes: read keys read, write keys only ingest, manage keys manage', async () => {
    const a = await tenant('alpha');
    const read = (await call('POST', '/v1/keys', a.key, { scope: 'read' })).body.secret as string;
    const write = (await call('POST', '/v1/keys', a.key, { scope: 'write' })).body.secret as string;
    expect((await call('GET', '/v1/links', read)).status).toBe(200);
    expect((await call('POST', '/v1/links', read, { slug: 'x1', targetUrl: 'https://x.example/', userId: a.userId })).status).toBe(403);
    expect((await call('GET', '/v1/links', write)).status).toBe(403);
    const keys = (await call('GET', '/v1/keys', a.key)).body.items as { id: string; scope: string }[];
    expect(keys.map((key) => key.scope).sort()).toEqual(['manage', 'read', 'write']);
    expect(JSON.stringify(keys)).not.toContain(read);
  });

  it('disables a link and revokes a key', async () => {
    const a = await tenant('alpha');
    const disabled = await call('PATCH', `/v1/links/${a.linkId}`, a.key, { disabled: true });
    expect(disabled.body.disabled).toBe(true);
    const created = await call('POST', '/v1/keys', a.key, { scope: 'read' });
    await call('DELETE', `/v1/keys/${created.body.id as string}`, a.key);
    expect((await call('GET', '/v1/links', created.body.secret as string)).status).toBe(401);
  });

  it('answers bad bodies with a clear 4xx naming the problem', async () => {
    const a = await tenant('alpha');
    const badJson = await app.request('/v1/users', { method: 'POST', headers: { authorization: `Bearer ${a.key}` }, body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(JSON.stringify(await badJson.json())).toMatch(/not valid JSON/);
    const unknownField = await call('POST', '/v1/users', a.key, { email: 'x@y.example', timezone: 'UTC' });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body)).toMatch(/timezone: unknown field/);
    const badZone = await call('POST', '/v1/users', a.key, { email: 'x@y.example', timeZone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(JSON.stringify(badZone.body)).toMatch(/timeZone/);
    const taken = await call('POST', '/v1/links', a.key, { slug: 'alpha-promo', targetUrl: 'https://x.example/', userId: a.userId });
    expect(taken.status).toBe(409);
    const huge = await call('POST', '/v1/users', a.key, { email: 'x@y.example', name: 'n'.repeat(10_000), timeZone: 'UTC' });
    expect(huge.status).toBe(413);
  });
});
