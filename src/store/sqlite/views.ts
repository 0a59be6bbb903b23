// Stream views on SQLite: one row per (view, key, partition), written by stream checkpoints as
// full values. `get` returns every partition's partial of a key so the serving layer can merge.
import { invalidField } from '../errors.js';
import { validateStreamName } from '../stream-validate.js';
import type { Page, ViewRepository, ViewRow } from '../types.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

interface Row {
  view: string;
  key: string;
  partition: number;
  job: string;
  value: Buffer;
  updated_at_ms: number;
}

const columns = 'view, key, partition, job, value, updated_at_ms';

const sql = {
  get: `SELECT ${columns} FROM stream_views WHERE view = ? AND key = ? ORDER BY partition`,
  // Row values page on (key, partition); `key >= ?` gives the index its starting point.
  list: `SELECT ${columns} FROM stream_views
    WHERE view = ? AND key >= ? AND key < ? AND (key, partition) > (?, ?) AND substr(key, 1, ?) = ?
    ORDER BY key, partition LIMIT ?`,
};

function toViewRow(row: Row): ViewRow {
  return { view: row.view, key: row.key, partition: row.partition, job: row.job, value: row.value, updatedAtMs: row.updated_at_ms };
}

interface Cursor {
  key: string;
  partition: number;
}

function encodeCursor(row: ViewRow): string {
  return Buffer.from(JSON.stringify([row.key, row.partition]), 'utf8').toString('base64url');
}

function decodeCursor(after: string | undefined): Cursor | undefined {
  if (after === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && Number.isSafeInteger(parsed[1])) return { key: parsed[0], partition: parsed[1] as number };
  } catch {
    // Falls through to the refusal below.
  }
  throw invalidField('after', 'is not a cursor from a previous page; pass the `next` value of the page before');
}

/**
 * The first string after every key that starts with `prefix`, in SQLite's binary (UTF-8) order,
 * so the scan stops at the prefix's end. Only exact for ASCII; otherwise no upper bound, and the
 * substr filter alone decides.
 */
function upperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (prefix.length > 0 && /^[\x20-\x7e]*$/.test(prefix) && last < 0x7e) return prefix.slice(0, -1) + String.fromCharCode(last + 1);
  return '\u{10FFFF}\u{10FFFF}';
}

export function createSqliteViews(context: SqliteContext): ViewRepository {
  const { run } = context;
  const statements = prepareLazily(context.db, sql);
  return {
    get: (view, key) =>
      run(() => {
        validateStreamName(view, 'view');
        if (typeof key !== 'string') throw invalidField('key', 'must be a string');
        return (statements.get.all(view, key) as Row[]).map(toViewRow);
      }),
    list: (view, options = {}) =>
      run((): Page<ViewRow> => {
        validateStreamName(view, 'view');
        const limit = validateListLimit(options.limit);
        const prefix = options.prefix ?? '';
        if (typeof prefix !== 'string') throw invalidField('prefix', 'must be a string');
        const cursor = decodeCursor(options.after) ?? { key: prefix, partition: -1 };
        const rows = statements.list.all(view, prefix, upperBound(prefix), cursor.key, cursor.partition, prefix.length, prefix, limit + 1) as Row[];
        const items = rows.slice(0, limit).map(toViewRow);
        return rows.length > limit ? { items, next: encodeCursor(items[items.length - 1]!) } : { items };
      }),
  };
}
