// Migration 6: the digest ledger, invoices and invoice adjustments (src/store/billing-types.ts;
// docs/digest.md and docs/billing.md say how the jobs use them).
import type { SqliteMigration } from './migrations.js';

export const billingMigration: SqliteMigration = {
  version: 6,
  name: 'digests sent, invoices and adjustments',
  apply(db) {
    db.exec(`
-- One row per (user, day, version): written 'pending' before the message leaves, 'sent' after.
CREATE TABLE digest_sends (
  user_id TEXT NOT NULL,
  day TEXT NOT NULL CHECK (length(day) = 10),
  version INTEGER NOT NULL CHECK (version >= 1),
  account_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('digest', 'correction')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
  created_at_ms INTEGER NOT NULL,
  sent_at_ms INTEGER,
  content_hash TEXT NOT NULL,
  transport TEXT NOT NULL CHECK (transport IN ('smtp', 'outbox')),
  location TEXT NOT NULL DEFAULT '',
  message_id TEXT NOT NULL,
  clicks INTEGER NOT NULL CHECK (clicks >= 0),
  report_json TEXT NOT NULL,
  PRIMARY KEY (user_id, day, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX digest_sends_account ON digest_sends (account_id, day, version);

CREATE TABLE invoices (
  account_id TEXT NOT NULL,
  month TEXT NOT NULL CHECK (length(month) = 7),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
  currency TEXT NOT NULL,
  total_minor INTEGER NOT NULL,
  billable_clicks INTEGER NOT NULL CHECK (billable_clicks >= 0),
  clicks_json TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  csv_hash TEXT NOT NULL,
  html_hash TEXT NOT NULL,
  json_path TEXT NOT NULL,
  csv_path TEXT NOT NULL,
  html_path TEXT NOT NULL,
  PRIMARY KEY (account_id, month, version)
) STRICT, WITHOUT ROWID;

-- Differences found after a month was final; applied_* is set, once, by the invoice that carries it.
CREATE TABLE invoice_adjustments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  for_month TEXT NOT NULL CHECK (length(for_month) = 7),
  clicks_json TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  applied_month TEXT,
  applied_version INTEGER,
  CHECK ((applied_month IS NULL) = (applied_version IS NULL))
) STRICT;
CREATE INDEX invoice_adjustments_account ON invoice_adjustments (account_id, for_month, id);
`);
  },
};
