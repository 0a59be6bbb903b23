// Batch views on SQLite: the rollups' published per-link numbers (migration 5).
import type { BatchViewRepository } from '../batch-view-types.js';
import type { SqliteContext } from './database.js';

export function createSqliteBatchViews(context: SqliteContext): BatchViewRepository {
  return {
    latestPublished: (job) =>
      context.run(() => {
        void job;
        return undefined;
      }),
  };
}
