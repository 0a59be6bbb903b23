// A tenant made through the management API as a customer would: an account (by the operator), a
// manage key, a read key, a user in `timeZone` and one link, `<name>-promo`.
import type { createApp } from '../../src/serve/index.js';

type App = ReturnType<typeof createApp>;

export interface Tenant {
  accountId: string;
  manageKey: string;
  readKey: string;
  linkId: string;
  userId: string;
}

async function call(app: App, method: string, url: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const response = await app.request(url, { method, headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function createTenant(app: App, operatorToken: string, name: string, timeZone: string): Promise<Tenant> {
  const account = await call(app, 'POST', '/v1/accounts', operatorToken, { name, planId: 'pro' });
  const accountId = account.body.id as string;
  const manageKey = (await call(app, 'POST', '/v1/keys', operatorToken, { accountId, scope: 'manage', label: 'admin' })).body.secret as string;
  const readKey = (await call(app, 'POST', '/v1/keys', manageKey, { scope: 'read', label: 'stats page' })).body.secret as string;
  const user = await call(app, 'POST', '/v1/users', manageKey, { email: `owner@${name}.example`, timeZone });
  const link = await call(app, 'POST', '/v1/links', manageKey, { slug: `${name}-promo`, targetUrl: `https://${name}.example/`, userId: user.body.id });
  if (link.status !== 201) throw new Error(`could not create a link: ${JSON.stringify(link.body)}`);
  return { accountId, manageKey, readKey, linkId: link.body.id as string, userId: user.body.id as string };
}
