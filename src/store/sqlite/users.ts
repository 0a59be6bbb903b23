// Users on SQLite. Every query names the account (`WHERE account_id = ? AND id = ?`), so one
// tenant's id can never reach another tenant's users. E-mail is unique within an account.
import { conflict, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { User, UserRepository } from '../types.js';
import { validateListLimit, validateUserInput, validateUserPatch } from '../validate.js';
import { prepareLazily, toFlag, type SqliteContext } from './database.js';
import { isUniqueViolation } from './sqlite-errors.js';

interface UserRow {
  id: string;
  account_id: string;
  email: string;
  name: string;
  time_zone: string;
  created_at_ms: number;
  disabled: number;
}

const columns = 'id, account_id, email, name, time_zone, created_at_ms, disabled';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    timeZone: row.time_zone,
    createdAtMs: row.created_at_ms,
    disabled: row.disabled === 1,
  };
}

/** Turns SQLite's duplicate-email refusal into a conflict naming the field. */
function withEmailConflict<T>(email: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isUniqueViolation(error, 'users.account_id, users.email')) {
      throw conflict('user', 'email', `${email} already belongs to a user of this account`);
    }
    throw error;
  }
}

export function createSqliteUsers(context: SqliteContext): UserRepository {
  const { run, write, clock } = context;
  const statements = prepareLazily(context.db, {
    insert: `INSERT INTO users (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    get: `SELECT ${columns} FROM users WHERE account_id = ? AND id = ?`,
    list: `SELECT ${columns} FROM users WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?`,
    update: 'UPDATE users SET email = ?, name = ?, time_zone = ?, disabled = ? WHERE account_id = ? AND id = ?',
    accountExists: 'SELECT 1 FROM accounts WHERE id = ?',
  });

  const get = (accountId: string, id: string): User | undefined => {
    const row = statements.get.get(accountId, id) as UserRow | undefined;
    return row && toUser(row);
  };

  return {
    create: (input) =>
      run(() => {
        const valid = validateUserInput(input);
        const user: User = { id: newId('user'), ...valid, createdAtMs: clock.nowMs(), disabled: false };
        write(() => {
          if (!statements.accountExists.get(user.accountId)) throw notFound('account', user.accountId, 'accountId');
          withEmailConflict(user.email, () =>
            statements.insert.run(user.id, user.accountId, user.email, user.name, user.timeZone, user.createdAtMs, 0),
          );
        });
        return user;
      }),
    get: (accountId, id) => run(() => get(accountId, id)),
    list: (accountId, options = {}) =>
      run(() => {
        const limit = validateListLimit(options.limit);
        const after = decodeCursor(options.after, 'user') ?? '';
        return toPage((statements.list.all(accountId, after, limit + 1) as UserRow[]).map(toUser), limit);
      }),
    update: (accountId, id, patch) =>
      run(() => {
        const valid = validateUserPatch(patch);
        return write(() => {
          const current = get(accountId, id);
          if (!current) throw notFound('user', id);
          const next: User = { ...current, ...valid };
          withEmailConflict(next.email, () =>
            statements.update.run(next.email, next.name, next.timeZone, toFlag(next.disabled), accountId, id),
          );
          return next;
        });
      }),
  };
}
