// Migration 6: the digest ledger and invoices (src/store/billing-types.ts).
import type { SqliteMigration } from './migrations.js';

export const billingMigration: SqliteMigration = {
  version: 6,
  name: 'digests sent, invoices and adjustments',
  apply(db) {
    db.exec(`
CREATE TABLE digest_sends (
  user_id TEXT NOT NULL,
  day TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (user_id, day, version)
) STRICT;
CREATE TABLE invoices (
  account_id TEXT NOT NULL,
  month TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (account_id, month, version)
) STRICT;
`);
  },
};
