// Accounts on SQLite. An account's plan must exist; it is checked in the same write transaction
// so that the error names the field rather than surfacing as a foreign-key failure.
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { Account, AccountRepository } from '../types.js';
import { validateAccountInput, validateAccountPatch, validateListLimit } from '../validate.js';
import { prepareLazily, toFlag, type SqliteContext } from './database.js';

interface AccountRow {
  id: string;
  name: string;
  plan_id: string;
  created_at_ms: number;
  disabled: number;
}

const columns = 'id, name, plan_id, created_at_ms, disabled';

function toAccount(row: AccountRow): Account {
  return { id: row.id, name: row.name, planId: row.plan_id, createdAtMs: row.created_at_ms, disabled: row.disabled === 1 };
}

export function createSqliteAccounts(context: SqliteContext): AccountRepository {
  const { run, write, clock } = context;
  const statements = prepareLazily(context.db, {
    insert: `INSERT INTO accounts (${columns}) VALUES (?, ?, ?, ?, ?)`,
    get: `SELECT ${columns} FROM accounts WHERE id = ?`,
    list: `SELECT ${columns} FROM accounts WHERE id > ? ORDER BY id LIMIT ?`,
    update: 'UPDATE accounts SET name = ?, plan_id = ?, disabled = ? WHERE id = ?',
    planExists: 'SELECT 1 FROM plans WHERE id = ?',
  });

  const requirePlan = (planId: string): void => {
    if (!statements.planExists.get(planId)) throw notFound('plan', planId, 'planId');
  };
  const get = (id: string): Account | undefined => {
    const row = statements.get.get(id) as AccountRow | undefined;
    return row && toAccount(row);
  };

  return {
    create: (input) =>
      run(() => {
        const valid = validateAccountInput(input);
        const account: Account = { id: newId('account'), ...valid, createdAtMs: clock.nowMs(), disabled: false };
        write(() => {
          requirePlan(account.planId);
          statements.insert.run(account.id, account.name, account.planId, account.createdAtMs, 0);
        });
        return account;
      }),
    get: (id) => run(() => get(id)),
    list: (options = {}) =>
      run(() => {
        const limit = validateListLimit(options.limit);
        const after = decodeCursor(options.after, 'account') ?? '';
        return toPage((statements.list.all(after, limit + 1) as AccountRow[]).map(toAccount), limit);
      }),
    update: (id, patch) =>
      run(() => {
        const valid = validateAccountPatch(patch);
        return write(() => {
          const current = get(id);
          if (!current) throw notFound('account', id);
          if (valid.planId !== undefined) requirePlan(valid.planId);
          const next: Account = { ...current, ...valid };
          statements.update.run(next.name, next.planId, toFlag(next.disabled), id);
          return next;
        });
      }),
  };
}
