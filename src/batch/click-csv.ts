// One click as one CSV line of the archiver's spool, in the raw schema's column order and the
// dialect raw-from-csv.sql reads: every text quoted (a quote doubled), so commas, quotes, line
// breaks and NUL bytes in a user agent or referrer survive, and an empty text stays '' (the reader
// is told quoted values are never NULL). Measured faster than DuckDB's appender and than data
// chunks filled string by string (docs/lake.md, bench/archiver.bench.ts): one native write per row.
import { limits } from '../core/index.js';
import type { ClickEvent } from '../events/index.js';

/** The raw lake schema: columns in file order, with their DuckDB types (docs/lake.md). */
export const rawColumns = [
  ['event_time_ms', 'BIGINT'],
  ['ingest_time_ms', 'BIGINT'],
  ['id', 'VARCHAR'],
  ['link_id', 'VARCHAR'],
  ['slug', 'VARCHAR'],
  ['user_id', 'VARCHAR'],
  ['account_id', 'VARCHAR'],
  ['ip', 'VARCHAR'],
  ['user_agent', 'VARCHAR'],
  ['referrer', 'VARCHAR'],
  ['country', 'VARCHAR'],
  ['device', 'VARCHAR'],
  ['browser', 'VARCHAR'],
  ['os', 'VARCHAR'],
  ['bot', 'BOOLEAN'],
  ['head', 'BOOLEAN'],
  ['source', 'VARCHAR'],
  ['log_partition', 'INTEGER'],
  ['log_offset', 'BIGINT'],
] as const;

/** Node's native string writer (see src/events/codec.ts): no argument checks, one copy. */
type NativeBuffer = Buffer & { utf8Write(text: string, offset: number): number };

const textBytesMax =
  limits.eventIdBytesMax + 3 * limits.entityIdBytesMax + limits.slugBytesMax + limits.userAgentBytesMax + limits.referrerBytesMax + 2 * limits.classBytesMax;

/**
 * The most bytes one line can take: every text at its bound with each byte a doubled quote, plus
 * the address, the small fields, the numbers, quotes and separators.
 */
export const clickCsvLineBytesMax = 2 * textBytesMax + 512;

function quoted(text: string): string {
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

/**
 * Writes `event` (from `partition` at `offset`) as one line at `out[at..]` and returns where it
 * ends. The caller keeps at least `clickCsvLineBytesMax` bytes free at `at`.
 */
export function writeClickCsvLine(out: Buffer, at: number, event: ClickEvent, partition: number, offset: number): number {
  const line =
    `${event.eventTimeMs},${event.ingestTimeMs},${quoted(event.id)},${quoted(event.linkId)},${quoted(event.slug)},` +
    `${quoted(event.userId)},${quoted(event.accountId)},"${event.ip}",${quoted(event.userAgent)},${quoted(event.referrer)},` +
    `"${event.country}","${event.device}",${quoted(event.browser)},${quoted(event.os)},${event.bot},${event.head},"${event.source}",` +
    `${partition},${offset}\n`;
  return at + (out as NativeBuffer).utf8Write(line, at);
}
