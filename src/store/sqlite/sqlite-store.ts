// The SQLite serving store, the embedded default: one file in WAL mode, readers never blocked by
// the writer, several processes may share it (writes serialise on SQLite's lock, waiting up to
// `busyTimeoutMs`). better-sqlite3 is synchronous; each method runs to completion and resolves.
import { limits, namespaced, parseOptions, type Clock, type Logger, type OptionsInput, type OptionsOf } from '../../core/index.js';
import type { Store } from '../types.js';
import { createSqliteAccounts } from './accounts.js';
import { createSqliteApiKeys } from './api-keys.js';
import { createSqliteBatchAlerts } from './batch-alerts.js';
import { createSqliteBatchRuns } from './batch-runs.js';
import { createSqliteBatchViews } from './batch-views.js';
import { createSqliteDigests, createSqliteInvoices } from './billing.js';
import { createContext, openDatabase, retryWhileBusy } from './database.js';
import { createSqliteDeadLetters } from './dead-letters.js';
import { createSqliteLakeSeals } from './lake-seals.js';
import { createSqliteLateEvents } from './late-events.js';
import { createSqliteLinks } from './links.js';
import { migrate } from './migrations.js';
import { createSqlitePlans } from './plans.js';
import { toStoreError } from './sqlite-errors.js';
import { createSqliteStreamCheckpoints } from './stream-checkpoints.js';
import { createSqliteUsers } from './users.js';
import { createSqliteViews } from './views.js';

export const sqliteStoreOptionsSpec = {
  path: { kind: 'string', nonEmpty: true, default: '', doc: "database file (its folder is created), or ':memory:' for a private in-memory database" },
  busyTimeoutMs: {
    kind: 'integer',
    default: 5_000,
    min: 0,
    max: 600_000,
    doc: 'how long a write waits for another connection’s lock before failing with a retryable busy error, in ms',
  },
  autoMigrate: { kind: 'boolean', default: true, doc: 'apply pending schema migrations when the store opens' },
  deadLettersMax: {
    kind: 'integer',
    default: limits.deadLettersMax,
    min: 1,
    max: limits.deadLettersMax,
    doc: 'dead-letter rows kept; adding beyond removes the oldest',
  },
  lateEventsMax: {
    kind: 'integer',
    default: limits.streamLateEventsMax,
    min: 1,
    max: limits.streamLateEventsMax,
    doc: 'late-ledger rows kept; a checkpoint adding beyond removes the oldest (counts by reason are kept whole)',
  },
  batchAlertsMax: {
    kind: 'integer',
    default: limits.batchAlertsMax,
    min: 1,
    max: limits.batchAlertsMax,
    doc: 'batch alert rows kept for the dashboard; adding beyond removes the oldest',
  },
} as const;

export type SqliteStoreOptions = OptionsOf<typeof sqliteStoreOptionsSpec>;
export type SqliteStoreOptionsInput = OptionsInput<typeof sqliteStoreOptionsSpec>;

export interface SqliteStoreDeps {
  clock: Clock;
  logger: Logger;
}

/** Opens (and by default migrates) the SQLite store at `options.path`. */
export function createSqliteStore(deps: SqliteStoreDeps, input: SqliteStoreOptionsInput): Store {
  const options = parseOptions('sqlite store', sqliteStoreOptionsSpec, input);
  const logger = namespaced(deps.logger, 'store.sqlite');
  const db = openDatabase(options.path, options.busyTimeoutMs);
  const context = createContext(db, deps.clock);
  const runMigrations = () => retryWhileBusy(options.busyTimeoutMs, () => migrate(db, deps.clock, logger));
  if (options.autoMigrate) {
    try {
      runMigrations();
    } catch (error) {
      db.close();
      throw toStoreError(error);
    }
  }
  return {
    kind: 'sqlite',
    accounts: createSqliteAccounts(context),
    users: createSqliteUsers(context),
    links: createSqliteLinks(context),
    apiKeys: createSqliteApiKeys(context),
    plans: createSqlitePlans(context),
    deadLetters: createSqliteDeadLetters(context, options.deadLettersMax),
    streamCheckpoints: createSqliteStreamCheckpoints(context, options.lateEventsMax),
    views: createSqliteViews(context),
    lateEvents: createSqliteLateEvents(context),
    batchRuns: createSqliteBatchRuns(context),
    batchAlerts: createSqliteBatchAlerts(context, options.batchAlertsMax),
    lakeSeals: createSqliteLakeSeals(context),
    batchViews: createSqliteBatchViews(context),
    digests: createSqliteDigests(context),
    invoices: createSqliteInvoices(context),
    migrate: () => context.run(runMigrations),
    async close() {
      if (!db.open) return;
      // SQLite's advice for short-lived connections: refresh the planner's statistics on close.
      db.pragma('optimize');
      db.close();
    },
  };
}
