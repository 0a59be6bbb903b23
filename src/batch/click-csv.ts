// The archiver's spool lines, in the dialect raw-from-csv.sql reads. A line keeps a click's nine
// texts as ONE quoted field, in the record's order (link, user, account, slug, id, browser, os,
// user agent, referrer; a quote inside doubled, so commas, quotes, line breaks and NUL bytes
// survive), then each text's length in characters, then the address and the record's small codes
// (country, device index, flag bits), the partition and the offset. The archiver writes lines
// straight from records (click-record-csv.ts): the texts are then one copy of the record's bytes.
// `writeClickCsvLine` here is the reference form, from a decoded click; the two agree byte for byte.
import { limits } from '../core/index.js';
import { clickFlagBits, deviceClasses, type ClickEvent } from '../events/index.js';

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

/** The nine texts of a click in record order, as a spool line keeps them. */
export const spoolTextFields = ['linkId', 'userId', 'accountId', 'slug', 'id', 'browser', 'os', 'userAgent', 'referrer'] as const;

/** Node's native string writer (see src/events/codec.ts): no argument checks, one copy. */
type NativeBuffer = Buffer & { utf8Write(text: string, offset: number): number };

const textBytesMax =
  limits.eventIdBytesMax + 3 * limits.entityIdBytesMax + limits.slugBytesMax + limits.userAgentBytesMax + limits.referrerBytesMax + 2 * limits.classBytesMax;

/** The most bytes one line can take: every text at its bound, each byte a doubled quote, plus the numbers and separators. */
export const clickCsvLineBytesMax = 2 * textBytesMax + 512;

/** One line of a spool: the row's offset and event time, and how to write it. */
export interface CsvLine {
  readonly offset: number;
  readonly eventTimeMs: number;
  /** Writes the line at `out[at..]` (at least `clickCsvLineBytesMax` free) and returns where it ends. */
  write(out: Buffer, at: number): number;
}

/** Characters (code points) of a string, as DuckDB counts them. */
function characters(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) if ((text.charCodeAt(index) & 0xfc00) !== 0xdc00) count++;
  return count;
}

function countryCode(country: string): number {
  return country.length === 0 ? 0 : 1 + (country.charCodeAt(0) - 0x41) * 26 + (country.charCodeAt(1) - 0x41);
}

function flagBits(event: ClickEvent): number {
  return (event.bot ? clickFlagBits.bot : 0) | (event.head ? clickFlagBits.head : 0) | (event.ip.includes(':') ? clickFlagBits.ipv6 : 0) | (event.source === 'import' ? clickFlagBits.import : 0);
}

/**
 * Writes `event` (from `partition` at `offset`) as one line at `out[at..]` and returns where it
 * ends. The caller keeps at least `clickCsvLineBytesMax` bytes free at `at`.
 */
export function writeClickCsvLine(out: Buffer, at: number, event: ClickEvent, partition: number, offset: number): number {
  const texts = spoolTextFields.map((field) => event[field]);
  const joined = texts.join('');
  const line =
    `${event.eventTimeMs},${event.ingestTimeMs},"${joined.replaceAll('"', '""')}",${texts.map(characters).join(',')},` +
    `${event.ip},${countryCode(event.country)},${deviceClasses.indexOf(event.device)},${flagBits(event)},${partition},${offset}\n`;
  return at + (out as NativeBuffer).utf8Write(line, at);
}

/** A decoded click as a spool line (the archiver writes records directly: `ClickRecordLine`). */
export function clickEventLine(event: ClickEvent, partition: number, offset: number): CsvLine {
  return { offset, eventTimeMs: event.eventTimeMs, write: (out, at) => writeClickCsvLine(out, at, event, partition, offset) };
}
