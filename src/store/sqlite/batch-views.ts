// Batch views on SQLite: the rollups' published per-link numbers (migration 5).
import type { BatchViewRepository } from '../batch-view-types.js';
import { StoreError } from '../errors.js';
import type { SqliteContext } from './database.js';

export function createSqliteBatchViews(context: SqliteContext): BatchViewRepository {
  const missing = () => context.run((): never => {
    throw new StoreError('internal', 'batch views are not implemented yet');
  });
  return {
    publishHour: missing,
    hours: missing,
    latestHour: missing,
    linkSlices: missing,
    linkHourVisitors: missing,
    linkBreakdown: missing,
    accountTopLinks: missing,
    accountTotals: missing,
  };
}
