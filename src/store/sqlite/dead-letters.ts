// Dead letters on SQLite: rejected input lines with their reason, kept for a bounded time (prune)
// and a bounded count (the oldest go first when an add goes beyond `deadLettersMax`).
import { invalidField } from '../errors.js';
import type { DeadLetter, DeadLetterRepository } from '../types.js';
import { validateDeadLetter, validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

interface DeadLetterRow {
  id: number;
  received_at_ms: number;
  account_id: string | null;
  source: string;
  line: number;
  reason: string;
  payload: string;
}

const columns = 'id, received_at_ms, account_id, source, line, reason, payload';

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    receivedAtMs: row.received_at_ms,
    accountId: row.account_id,
    source: row.source,
    line: row.line,
    reason: row.reason,
    payload: row.payload,
  };
}

const sql = {
  insert: 'INSERT INTO dead_letters (received_at_ms, account_id, source, line, reason, payload) VALUES (?, ?, ?, ?, ?, ?)',
  // The count is kept by triggers (migration 1), so checking the bound is one row read and a
  // trim touches only the rows it removes.
  count: 'SELECT row_count FROM dead_letter_count',
  trim: 'DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id LIMIT ?)',
  list: `SELECT ${columns} FROM dead_letters WHERE id < ? ORDER BY id DESC LIMIT ?`,
  listByAccount: `SELECT ${columns} FROM dead_letters WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  prune: 'DELETE FROM dead_letters WHERE received_at_ms < ?',
  countByAccount: 'SELECT count(*) FROM dead_letters WHERE account_id = ?',
};

export function createSqliteDeadLetters(context: SqliteContext, deadLettersMax: number): DeadLetterRepository {
  const { run, write } = context;
  const statements = prepareLazily(context.db, sql);

  return {
    add: (entries) =>
      run(() => {
        const valid = entries.map(validateDeadLetter);
        write(() => {
          for (const entry of valid) {
            statements.insert.run(entry.receivedAtMs, entry.accountId, entry.source, entry.line, entry.reason, entry.payload);
          }
          const excess = (statements.count.pluck().get() as number) - deadLettersMax;
          if (excess > 0) statements.trim.run(excess);
        });
      }),
    list: (options) =>
      run(() => {
        const limit = validateListLimit(options.limit);
        const beforeId = options.beforeId ?? Number.MAX_SAFE_INTEGER;
        if (!Number.isSafeInteger(beforeId)) throw invalidField('beforeId', 'must be the id of a dead letter');
        const rows = options.accountId === undefined
          ? statements.list.all(beforeId, limit)
          : statements.listByAccount.all(options.accountId, beforeId, limit);
        return (rows as DeadLetterRow[]).map(toDeadLetter);
      }),
    prune: (receivedBeforeMs) =>
      run(() => {
        if (!Number.isFinite(receivedBeforeMs)) throw invalidField('receivedBeforeMs', 'must be a time in epoch milliseconds');
        return write(() => statements.prune.run(receivedBeforeMs).changes);
      }),
    count: (accountId) =>
      run(() => (accountId === undefined ? statements.count.pluck().get() : statements.countByAccount.pluck().get(accountId)) as number),
  };
}
