// The management API: accounts (operator only), and each account's users, links and API keys.
// Every route resolves the account from the caller's key (see auth.ts), so one account's key
// cannot see or touch another account's rows.
import type { Hono } from 'hono';
import type { Store } from '../store/index.js';
import { accountFor, requireOperator } from './auth.js';
import type { ServeEnv } from './app-env.js';
import { badRequest, notFound } from './http-error.js';
import { optionalString, readJsonObject, requiredString } from './json-body.js';

export function registerManagementRoutes(app: Hono<ServeEnv>, store: Store, bodyBytesMax: number): void {
  const pageOf = (query: (name: string) => string | undefined) => ({
    limit: query('limit') === undefined ? undefined : Number(query('limit')),
    after: query('after'),
  });

  app.post('/v1/accounts', async (c) => {
    requireOperator(c.get('principal'));
    const body = await readJsonObject(c, { name: 'string', planId: 'string' }, bodyBytesMax);
    return c.json(await store.accounts.create({ name: requiredString(body, 'name'), planId: optionalString(body, 'planId') ?? 'free' }), 201);
  });
  app.get('/v1/accounts', async (c) => {
    requireOperator(c.get('principal'));
    return c.json(await store.accounts.list(pageOf((n) => c.req.query(n))));
  });
  app.get('/v1/account', async (c) => {
    const accountId = accountFor(c.get('principal'), 'read', c.req.query('accountId'));
    const account = await store.accounts.get(accountId);
    if (!account) throw notFound('account');
    return c.json(account);
  });

  app.post('/v1/users', async (c) => {
    const body = await readJsonObject(c, { accountId: 'string', email: 'string', name: 'string', timeZone: 'string' }, bodyBytesMax);
    const accountId = accountFor(c.get('principal'), 'manage', optionalString(body, 'accountId'));
    const user = await store.users.create({
      accountId,
      email: requiredString(body, 'email'),
      name: optionalString(body, 'name'),
      timeZone: optionalString(body, 'timeZone') ?? 'UTC',
    });
    return c.json(user, 201);
  });
  app.get('/v1/users', async (c) => {
    const accountId = accountFor(c.get('principal'), 'read', c.req.query('accountId'));
    return c.json(await store.users.list(accountId, pageOf((n) => c.req.query(n))));
  });
  app.patch('/v1/users/:id', async (c) => {
    const body = await readJsonObject(c, { accountId: 'string', email: 'string', name: 'string', timeZone: 'string', disabled: 'boolean' }, bodyBytesMax);
    const accountId = accountFor(c.get('principal'), 'manage', optionalString(body, 'accountId'));
    const { accountId: _ignored, ...patch } = body;
    return c.json(await store.users.update(accountId, c.req.param('id'), patch));
  });

  app.post('/v1/links', async (c) => {
    const body = await readJsonObject(c, { accountId: 'string', slug: 'string', targetUrl: 'string', userId: 'string' }, bodyBytesMax);
    const accountId = accountFor(c.get('principal'), 'manage', optionalString(body, 'accountId'));
    const link = await store.links.create(accountId, {
      slug: requiredString(body, 'slug'),
      targetUrl: requiredString(body, 'targetUrl'),
      userId: requiredString(body, 'userId'),
    });
    return c.json(link, 201);
  });
  app.get('/v1/links', async (c) => {
    const accountId = accountFor(c.get('principal'), 'read', c.req.query('accountId'));
    return c.json(await store.links.list(accountId, { ...pageOf((n) => c.req.query(n)), userId: c.req.query('userId') }));
  });
  app.get('/v1/links/:id', async (c) => {
    const accountId = accountFor(c.get('principal'), 'read', c.req.query('accountId'));
    const link = await store.links.get(accountId, c.req.param('id'));
    if (!link) throw notFound('link');
    return c.json(link);
  });
  app.patch('/v1/links/:id', async (c) => {
    const body = await readJsonObject(c, { accountId: 'string', slug: 'string', targetUrl: 'string', disabled: 'boolean' }, bodyBytesMax);
    const accountId = accountFor(c.get('principal'), 'manage', optionalString(body, 'accountId'));
    const { accountId: _ignored, ...patch } = body;
    return c.json(await store.links.update(accountId, c.req.param('id'), patch));
  });

  registerKeyRoutes(app, store, bodyBytesMax);
}

function registerKeyRoutes(app: Hono<ServeEnv>, store: Store, bodyBytesMax: number): void {
  app.post('/v1/keys', async (c) => {
    const body = await readJsonObject(c, { accountId: 'string', scope: 'string', label: 'string' }, bodyBytesMax);
    const accountId = accountFor(c.get('principal'), 'manage', optionalString(body, 'accountId'));
    const scope = requiredString(body, 'scope');
    if (scope !== 'read' && scope !== 'write' && scope !== 'manage') {
      throw badRequest('scope: must be read, write or manage');
    }
    const created = await store.apiKeys.create(accountId, scope, optionalString(body, 'label') ?? '');
    return c.json({ ...created.key, secret: created.secret, note: 'the secret is shown once; store it now' }, 201);
  });
  app.get('/v1/keys', async (c) => {
    const accountId = accountFor(c.get('principal'), 'manage', c.req.query('accountId'));
    return c.json({ items: await store.apiKeys.list(accountId) });
  });
  app.delete('/v1/keys/:id', async (c) => {
    const accountId = accountFor(c.get('principal'), 'manage', c.req.query('accountId'));
    return c.json(await store.apiKeys.revoke(accountId, c.req.param('id')));
  });
  app.get('/v1/dead-letters', async (c) => {
    const accountId = accountFor(c.get('principal'), 'read', c.req.query('accountId'));
    const limit = c.req.query('limit') === undefined ? 100 : Number(c.req.query('limit'));
    const beforeId = c.req.query('beforeId') === undefined ? undefined : Number(c.req.query('beforeId'));
    return c.json({ items: await store.deadLetters.list({ accountId, limit, beforeId }) });
  });
}
