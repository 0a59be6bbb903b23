// The SQLite schema as an ordered list of versioned migrations, recorded in `schema_migrations`.
// `migrate` runs them in one BEGIN IMMEDIATE transaction: the first process to arrive takes the
// write lock and migrates, a second one waits (busy timeout), then finds the versions recorded
// and applies nothing. A migration is never edited once released; changes are new versions.
import { assert, type Clock, type Logger } from '../../core/index.js';
import { defaultPlans } from '../default-plans.js';
import type { MigrationReport } from '../types.js';
import type { SqliteDatabase } from './database.js';
import { batchViewsMigration } from './migration-5-batch-views.js';
import { billingMigration } from './migration-6-billing.js';

export interface SqliteMigration {
  version: number;
  name: string;
  apply(db: SqliteDatabase): void;
}

// STRICT tables make SQLite refuse a value of the wrong type instead of storing it.
const schemaV1 = `
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,
  monthly_fee_minor INTEGER NOT NULL CHECK (monthly_fee_minor >= 0),
  tiers_json TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  plan_id TEXT NOT NULL REFERENCES plans (id),
  created_at_ms INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  UNIQUE (account_id, email),
  -- Target of the links foreign key below: a link's user must be in the link's account.
  UNIQUE (account_id, id)
) STRICT;

CREATE TABLE links (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  target_url TEXT NOT NULL,
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id)
) STRICT;
CREATE INDEX links_updated_at ON links (updated_at_ms, id);
CREATE INDEX links_account ON links (account_id, id);
CREATE INDEX links_account_user ON links (account_id, user_id, id);

-- Only sha256(secret) is stored; the secret itself is shown once, when the key is made.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  scope TEXT NOT NULL CHECK (scope IN ('write', 'read', 'manage')),
  label TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
) STRICT;
CREATE INDEX api_keys_account ON api_keys (account_id, id);

-- No foreign key on account_id: a rejected line may name an account that does not exist.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at_ms INTEGER NOT NULL,
  account_id TEXT,
  source TEXT NOT NULL,
  line INTEGER NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL
) STRICT;
CREATE INDEX dead_letters_received_at ON dead_letters (received_at_ms);
CREATE INDEX dead_letters_account ON dead_letters (account_id, id);

-- The dead-letter row count, kept by triggers, so that enforcing the bound on every add costs
-- one row read instead of a count over up to limits.deadLettersMax rows.
CREATE TABLE dead_letter_count (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  row_count INTEGER NOT NULL CHECK (row_count >= 0)
) STRICT;
INSERT INTO dead_letter_count (singleton, row_count) VALUES (1, 0);
CREATE TRIGGER dead_letters_count_insert AFTER INSERT ON dead_letters
BEGIN
  UPDATE dead_letter_count SET row_count = row_count + 1;
END;
CREATE TRIGGER dead_letters_count_delete AFTER DELETE ON dead_letters
BEGIN
  UPDATE dead_letter_count SET row_count = row_count - 1;
END;
`;

// Stream checkpoints (src/stream): per-partition positions, operator state, view rows and the
// late ledger, all written by one transaction per checkpoint. WITHOUT ROWID: every lookup and
// upsert goes by the primary key, and the rows live in that key's b-tree.
const schemaV2 = `
CREATE TABLE stream_positions (
  job TEXT NOT NULL,
  partition INTEGER NOT NULL CHECK (partition >= 0),
  next_offset INTEGER NOT NULL CHECK (next_offset >= 0),
  watermark_ms INTEGER NOT NULL,
  checkpoint_id INTEGER NOT NULL CHECK (checkpoint_id >= 1),
  committed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (job, partition)
) STRICT, WITHOUT ROWID;

CREATE TABLE stream_state (
  job TEXT NOT NULL,
  partition INTEGER NOT NULL,
  state TEXT NOT NULL,
  namespace INTEGER NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  touched_ms INTEGER NOT NULL,
  PRIMARY KEY (job, partition, state, namespace, key)
) STRICT, WITHOUT ROWID;

-- One row per (view, key, partition): partition-local partials that the serving layer merges.
CREATE TABLE stream_views (
  view TEXT NOT NULL,
  key TEXT NOT NULL,
  partition INTEGER NOT NULL,
  job TEXT NOT NULL,
  value BLOB NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (view, key, partition)
) STRICT, WITHOUT ROWID;

CREATE TABLE stream_late_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  operator TEXT NOT NULL,
  partition INTEGER NOT NULL,
  "offset" INTEGER NOT NULL,
  event_time_ms INTEGER NOT NULL,
  watermark_ms INTEGER NOT NULL,
  reason TEXT NOT NULL,
  key TEXT NOT NULL,
  recorded_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX stream_late_events_job ON stream_late_events (job, id);

-- Counts are never trimmed: the ledger's rows are bounded, its counts stay exact.
CREATE TABLE stream_late_counts (
  job TEXT NOT NULL,
  partition INTEGER NOT NULL,
  reason TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (job, reason, partition)
) STRICT, WITHOUT ROWID;
`;

// Batch run history (src/orchestrator): one row per run of one partition of one job, its lineage
// as JSON (read whole, never queried inside), re-open versions per partition, and the alert feed.
const schemaV3 = `
CREATE TABLE batch_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  partition TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped')),
  trigger TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  queued_at_ms INTEGER NOT NULL,
  started_at_ms INTEGER,
  finished_at_ms INTEGER,
  next_attempt_at_ms INTEGER,
  partition_version INTEGER NOT NULL DEFAULT 0 CHECK (partition_version >= 0),
  upstream_json TEXT NOT NULL DEFAULT '[]',
  input_hashes_json TEXT NOT NULL DEFAULT '{}',
  output_hash TEXT,
  output_changed INTEGER CHECK (output_changed IN (0, 1)),
  outputs_json TEXT NOT NULL DEFAULT '[]',
  message TEXT,
  error_domain TEXT CHECK (error_domain IN ('user', 'external', 'internal')),
  error_code TEXT,
  error_detail TEXT,
  CHECK (status <> 'succeeded' OR output_hash IS NOT NULL)
) STRICT;
CREATE INDEX batch_runs_job ON batch_runs (job, id);
CREATE INDEX batch_runs_partition ON batch_runs (job, partition, id);
CREATE INDEX batch_runs_status ON batch_runs (status, id);
-- Staleness asks for each partition's latest success; this partial index answers it directly.
CREATE INDEX batch_runs_success ON batch_runs (job, partition, id) WHERE status = 'succeeded';

CREATE TABLE batch_partitions (
  job TEXT NOT NULL,
  partition TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  reopened_at_ms INTEGER NOT NULL,
  PRIMARY KEY (job, partition)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_partitions_reopened_at ON batch_partitions (reopened_at_ms);

CREATE TABLE batch_alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  job TEXT NOT NULL,
  partition TEXT NOT NULL,
  run_id INTEGER,
  kind TEXT NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX batch_alerts_job ON batch_alerts (job, id);
`;

// The lake (src/batch): committed raw files per hour, the hours' seals with their versions, and
// where the sealer stands. A file's path names its hour, so it is unique on its own too.
const schemaV4 = `
CREATE TABLE lake_files (
  hour_start_ms INTEGER NOT NULL CHECK (hour_start_ms >= 0),
  path TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('part', 'late')),
  partition INTEGER NOT NULL CHECK (partition >= 0),
  first_offset INTEGER NOT NULL CHECK (first_offset >= 0),
  last_offset INTEGER NOT NULL CHECK (last_offset >= first_offset),
  rows INTEGER NOT NULL CHECK (rows >= 1),
  bytes INTEGER NOT NULL CHECK (bytes >= 1),
  sha256 TEXT NOT NULL,
  min_event_time_ms INTEGER NOT NULL,
  max_event_time_ms INTEGER NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 0),
  recorded_at_ms INTEGER NOT NULL,
  PRIMARY KEY (hour_start_ms, path)
) STRICT, WITHOUT ROWID;

CREATE TABLE lake_seals (
  hour_start_ms INTEGER PRIMARY KEY,
  version INTEGER NOT NULL CHECK (version >= 1),
  sealed_at_ms INTEGER NOT NULL,
  changed_at_ms INTEGER NOT NULL,
  watermark_ms INTEGER NOT NULL,
  files INTEGER NOT NULL CHECK (files >= 0),
  rows INTEGER NOT NULL CHECK (rows >= 0),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  manifest_sha256 TEXT NOT NULL,
  change_sequence INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE lake_manifest_cursors (
  partition INTEGER PRIMARY KEY CHECK (partition >= 0),
  sequence INTEGER NOT NULL CHECK (sequence >= 0)
) STRICT;

CREATE TABLE lake_frontier (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  hour_start_ms INTEGER NOT NULL
) STRICT;
`;

export const migrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'plans, accounts, users, links, api keys, dead letters; default plans',
    apply(db) {
      db.exec(schemaV1);
      const insert = db.prepare('INSERT INTO plans (id, name, currency, monthly_fee_minor, tiers_json) VALUES (?, ?, ?, ?, ?)');
      for (const plan of defaultPlans) insert.run(plan.id, plan.name, plan.currency, plan.monthlyFeeMinor, JSON.stringify(plan.tiers));
    },
  },
  {
    version: 2,
    name: 'stream positions, state, views, late ledger',
    apply(db) {
      db.exec(schemaV2);
    },
  },
  {
    version: 3,
    name: 'batch runs, partition re-open versions, batch alerts',
    apply(db) {
      db.exec(schemaV3);
    },
  },
  {
    version: 4,
    name: 'lake files, seals, sealer frontier and manifest cursors',
    apply(db) {
      db.exec(schemaV4);
    },
  },
  batchViewsMigration,
  billingMigration,
];

for (let i = 1; i < migrations.length; i++) {
  assert(migrations[i]!.version > migrations[i - 1]!.version, 'sqlite migrations must be listed in ascending version order');
}

/** The newest version this code knows. */
export const latestVersion = migrations[migrations.length - 1]!.version;

/** Applies every migration not yet recorded, all in one transaction; safe to call concurrently. */
export function migrate(db: SqliteDatabase, clock: Clock, logger: Logger): MigrationReport {
  const run = db.transaction((): MigrationReport => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL) STRICT');
    const recorded = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (recorded.has(migration.version)) continue;
      migration.apply(db);
      record.run(migration.version, migration.name, clock.nowMs());
      applied.push(migration.version);
    }
    const current = Math.max(0, ...recorded, ...applied);
    if (current > latestVersion) {
      logger.warn({ current, latestVersion }, 'the store schema is newer than this version of clickflow knows; upgrade clickflow');
    }
    return { applied, current };
  });
  const report = run.immediate();
  if (report.applied.length > 0) logger.info({ applied: report.applied, current: report.current }, 'store schema migrated');
  return report;
}
