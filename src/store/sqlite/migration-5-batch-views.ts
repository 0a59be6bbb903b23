// Migration 5: the batch views the rollups publish for the query API (src/store/batch-view-types.ts):
// one row per published hour (which run, which seal version), and per link its 15-minute slices,
// its exact distinct visitors per hour and its breakdowns per hour (one row per dimension, its values
// as JSON). An hour is replaced whole.
import type { SqliteMigration } from './migrations.js';

export const batchViewsMigration: SqliteMigration = {
  version: 5,
  name: 'batch views published by the rollups',
  apply(db) {
    db.exec(`
CREATE TABLE batch_hours (
  hour_start_ms INTEGER PRIMARY KEY,
  hour TEXT NOT NULL,
  run_id INTEGER NOT NULL CHECK (run_id >= 1),
  version INTEGER NOT NULL CHECK (version >= 1),
  published_at_ms INTEGER NOT NULL,
  output_hash TEXT NOT NULL
) STRICT;

CREATE TABLE batch_link_slices (
  link_id TEXT NOT NULL,
  slice_start_ms INTEGER NOT NULL,
  hour_start_ms INTEGER NOT NULL REFERENCES batch_hours (hour_start_ms),
  user_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  human INTEGER NOT NULL CHECK (human >= 0),
  bot INTEGER NOT NULL CHECK (bot >= 0),
  suspicious INTEGER NOT NULL CHECK (suspicious >= 0),
  duplicates INTEGER NOT NULL CHECK (duplicates >= 0),
  PRIMARY KEY (link_id, slice_start_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_link_slices_hour ON batch_link_slices (hour_start_ms);
CREATE INDEX batch_link_slices_account ON batch_link_slices (account_id, slice_start_ms);

CREATE TABLE batch_link_visitors (
  link_id TEXT NOT NULL,
  hour_start_ms INTEGER NOT NULL REFERENCES batch_hours (hour_start_ms),
  visitors INTEGER NOT NULL CHECK (visitors >= 0),
  PRIMARY KEY (link_id, hour_start_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_link_visitors_hour ON batch_link_visitors (hour_start_ms);

CREATE TABLE batch_link_breakdowns (
  link_id TEXT NOT NULL,
  dimension TEXT NOT NULL CHECK (dimension IN ('country', 'referrer', 'device')),
  hour_start_ms INTEGER NOT NULL REFERENCES batch_hours (hour_start_ms),
  -- JSON [[value, human, bot, suspicious], ...]: one row per link, dimension and hour instead of
  -- one per value, so an hour publishes a few rows per link; readers sum the hours they ask for.
  values_json TEXT NOT NULL,
  PRIMARY KEY (link_id, dimension, hour_start_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_link_breakdowns_hour ON batch_link_breakdowns (hour_start_ms);
`);
  },
};
