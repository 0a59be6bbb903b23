// Migration 5: the batch views the rollups publish for the query API (src/store/batch-view-types.ts).
import type { SqliteMigration } from './migrations.js';

export const batchViewsMigration: SqliteMigration = {
  version: 5,
  name: 'batch views published by the rollups',
  apply(db) {
    db.exec(`
CREATE TABLE batch_view_partitions (
  job TEXT NOT NULL,
  partition TEXT NOT NULL,
  run_id INTEGER NOT NULL,
  PRIMARY KEY (job, partition)
) STRICT;
`);
  },
};
