// The serving side of the fraud tests: the real API app (authentication against a real SQLite
// store in a temporary folder) with the fraud routes, a verdict table and alert feed fed by
// `createFraudLive`, and a write key and a read key of an account made through the management API.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSilentLogger, type Clock } from '../../../src/core/index.js';
import { createApp, createAuthenticator } from '../../../src/serve/index.js';
import { createFraudAlertHub, type FraudAlertHub, type FraudAlertsOptionsInput } from '../../../src/serve/fraud-alerts.js';
import { createFraudLive, type FraudLive } from '../../../src/serve/fraud-live.js';
import { registerFraudRoutes } from '../../../src/serve/fraud-routes.js';
import { createVerdictTable, type VerdictTable } from '../../../src/serve/fraud-verdict-table.js';
import { createSqliteStore, type Store } from '../../../src/store/index.js';

export const operatorToken = 'cf_operator_fraud-test-token';

export interface ServingFixture {
  app: ReturnType<typeof createApp>;
  table: VerdictTable;
  alerts: FraudAlertHub;
  live: FraudLive;
  readKey: string;
  writeKey: string;
  close(): Promise<void>;
}

export async function createServingFixture(clock: Clock, alertOptions: FraudAlertsOptionsInput = {}): Promise<ServingFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'clickflow-fraud-'));
  const logger = createSilentLogger();
  const store: Store = createSqliteStore({ clock, logger }, { path: path.join(dir, 'store.sqlite') });
  await store.migrate();
  const authenticator = createAuthenticator({ store, clock }, { operatorToken, cacheTtlMs: 1_000, cacheEntries: 100 });
  const app = createApp({ store, authenticator, logger, isReady: () => true }, { managementBodyBytesMax: 4_096 });
  const table = createVerdictTable({ entriesMax: 10_000 });
  const alerts = createFraudAlertHub({ clock, logger }, alertOptions);
  registerFraudRoutes(app, { table, alerts });
  const call = async (url: string, token: string, body: unknown) => {
    const response = await app.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as Record<string, string>;
  };
  const account = await call('/v1/accounts', operatorToken, { name: 'fraud test', planId: 'pro' });
  const readKey = (await call('/v1/keys', operatorToken, { accountId: account.id, scope: 'read', label: 'reader' })).secret!;
  const writeKey = (await call('/v1/keys', operatorToken, { accountId: account.id, scope: 'write', label: 'writer' })).secret!;
  return {
    app,
    table,
    alerts,
    live: createFraudLive({ table, alerts, clock, logger }),
    readKey,
    writeKey,
    async close() {
      alerts.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
