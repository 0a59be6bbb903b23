// A month's clicks per account from the daily rollup's utc-links files (SQL in billing-clicks.sql),
// checked before anything is billed from them: no negative count, each account once.
import { DuckDBInstance } from '@duckdb/node-api';
import { loadSql, renderSql, sqlString } from '../../batch/index.js';
import { InternalError } from '../../core/index.js';
import type { InvoiceClicks } from '../../store/index.js';

const template = loadSql(import.meta.url, 'billing-clicks.sql');

/** A relation over the files, or an empty one of the utc-links schema when the month has no days yet. */
function daysSource(files: readonly string[]): string {
  if (files.length === 0) {
    return "(SELECT ''::VARCHAR AS link_id, ''::VARCHAR AS user_id, ''::VARCHAR AS account_id, 0::BIGINT AS human, 0::BIGINT AS bot, 0::BIGINT AS suspicious, 0::BIGINT AS duplicates WHERE false)";
  }
  return `read_parquet([${files.map(sqlString).join(', ')}])`;
}

export function billingClicksSql(files: readonly string[]): string {
  return renderSql(template, { days: daysSource(files) });
}

export async function readMonthClicks(files: readonly string[], options: { threads: number; memoryMib: number }): Promise<Map<string, InvoiceClicks>> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads), memory_limit: `${options.memoryMib}MiB` });
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(billingClicksSql(files));
    const byAccount = new Map<string, InvoiceClicks>();
    for (const row of result.getRows()) {
      const [accountId, total, duplicate, bot, suspicious, billable, clicksMin, duplicatesMin] = row as [string, ...number[]];
      if (clicksMin! < 0 || duplicatesMin! < 0) throw new InternalError(`the daily rollup holds a negative count for account ${accountId}`, { code: 'data_check_failed' });
      if (byAccount.has(accountId)) throw new InternalError(`account ${accountId} appears twice in the month's totals`, { code: 'data_check_failed' });
      byAccount.set(accountId, { total: total!, duplicate: duplicate!, bot: bot!, suspicious: suspicious!, billable: billable! });
    }
    return byAccount;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
