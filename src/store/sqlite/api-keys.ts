// API keys on SQLite. Only sha256(secret) is stored; `verify` parses the key id out of the secret,
// fetches that one row by primary key and compares hashes in constant time, so it is as cheap as
// a point lookup and reveals nothing through timing about how much of a secret was right.
import { limits } from '../../core/index.js';
import { hashSecret, newSecret, parseSecret, secretMatchesHash } from '../api-key-secret.js';
import { conflict, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { ApiKey, ApiKeyRepository, Scope } from '../types.js';
import { validateName, validateScope } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

interface ApiKeyRow {
  id: string;
  account_id: string;
  scope: Scope;
  label: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
}

const columns = 'id, account_id, scope, label, created_at_ms, revoked_at_ms';

function toApiKey(row: ApiKeyRow): ApiKey {
  return { id: row.id, accountId: row.account_id, scope: row.scope, label: row.label, createdAtMs: row.created_at_ms, revokedAtMs: row.revoked_at_ms };
}

const sql = {
  insert: `INSERT INTO api_keys (${columns}, secret_sha256) VALUES (?, ?, ?, ?, ?, NULL, ?)`,
  get: `SELECT ${columns} FROM api_keys WHERE account_id = ? AND id = ?`,
  // Unrevoked first: they are bounded per account, so all of them always fit in the list.
  list: `SELECT ${columns} FROM api_keys WHERE account_id = ?
         ORDER BY revoked_at_ms IS NOT NULL, created_at_ms DESC, id LIMIT ${limits.storeListMax}`,
  countActive: 'SELECT count(*) FROM api_keys WHERE account_id = ? AND revoked_at_ms IS NULL',
  revoke: 'UPDATE api_keys SET revoked_at_ms = ? WHERE account_id = ? AND id = ? AND revoked_at_ms IS NULL',
  forVerify: `SELECT k.id, k.account_id, k.scope, k.label, k.created_at_ms, k.revoked_at_ms, k.secret_sha256,
                     a.disabled AS account_disabled
              FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = ?`,
  accountExists: 'SELECT 1 FROM accounts WHERE id = ?',
};

export function createSqliteApiKeys(context: SqliteContext): ApiKeyRepository {
  const { run, write, clock } = context;
  const statements = prepareLazily(context.db, sql);
  const get = (accountId: string, id: string): ApiKey | undefined => {
    const row = statements.get.get(accountId, id) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  };

  return {
    create: (accountId, scope, label) =>
      run(() => {
        const key: ApiKey = {
          id: newId('apiKey'),
          accountId,
          scope: validateScope(scope),
          label: validateName(label ?? '', 'label', false),
          createdAtMs: clock.nowMs(),
          revokedAtMs: null,
        };
        const secret = newSecret(key.scope, key.id);
        write(() => {
          if (!statements.accountExists.get(accountId)) throw notFound('account', accountId, 'accountId');
          const active = statements.countActive.pluck().get(accountId) as number;
          if (active >= limits.apiKeysActivePerAccountMax) {
            throw conflict('apiKey', 'accountId', `the account has ${active} unrevoked keys, the most allowed; revoke one first`);
          }
          statements.insert.run(key.id, accountId, key.scope, key.label, key.createdAtMs, hashSecret(secret));
        });
        return { key, secret };
      }),
    verify: (secret) =>
      run(() => {
        const parsed = parseSecret(secret);
        if (!parsed) return undefined;
        const row = statements.forVerify.get(parsed.keyId) as (ApiKeyRow & { secret_sha256: string; account_disabled: number }) | undefined;
        if (!row || row.revoked_at_ms !== null || row.account_disabled === 1) return undefined;
        return secretMatchesHash(secret as string, row.secret_sha256) ? toApiKey(row) : undefined;
      }),
    list: (accountId) => run(() => (statements.list.all(accountId) as ApiKeyRow[]).map(toApiKey)),
    revoke: (accountId, id) =>
      run(() =>
        write(() => {
          // Revoking twice keeps the first revocation time.
          statements.revoke.run(clock.nowMs(), accountId, id);
          const key = get(accountId, id);
          if (!key) throw notFound('apiKey', id);
          return key;
        }),
      ),
  };
}
