// Links on SQLite. Slugs are unique across accounts (they are the short URL's path); every other
// lookup names the account. `getBySlug` is the redirect path's lookup: one prepared statement on
// the slug's unique index.
import { conflict, invalidField, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { Link, LinkRepository } from '../types.js';
import { validateLinkInput, validateLinkPatch, validateListLimit } from '../validate.js';
import { prepareLazily, toFlag, type SqliteContext } from './database.js';
import { isUniqueViolation } from './sqlite-errors.js';

interface LinkRow {
  id: string;
  slug: string;
  target_url: string;
  user_id: string;
  account_id: string;
  created_at_ms: number;
  updated_at_ms: number;
  disabled: number;
}

const columns = 'id, slug, target_url, user_id, account_id, created_at_ms, updated_at_ms, disabled';

function toLink(row: LinkRow): Link {
  return {
    id: row.id,
    slug: row.slug,
    targetUrl: row.target_url,
    userId: row.user_id,
    accountId: row.account_id,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    disabled: row.disabled === 1,
  };
}

function withSlugConflict<T>(slug: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isUniqueViolation(error, 'links.slug')) throw conflict('link', 'slug', `${JSON.stringify(slug)} is taken; choose another`);
    throw error;
  }
}

const sql = {
  insert: `INSERT INTO links (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  get: `SELECT ${columns} FROM links WHERE account_id = ? AND id = ?`,
  getBySlug: `SELECT ${columns} FROM links WHERE slug = ?`,
  list: `SELECT ${columns} FROM links WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?`,
  listByUser: `SELECT ${columns} FROM links WHERE account_id = ? AND user_id = ? AND id > ? ORDER BY id LIMIT ?`,
  update: 'UPDATE links SET slug = ?, target_url = ?, disabled = ?, updated_at_ms = ? WHERE account_id = ? AND id = ?',
  changedSince: `SELECT ${columns} FROM links WHERE updated_at_ms >= ? ORDER BY updated_at_ms, id LIMIT ?`,
  changedSinceAfter: `SELECT ${columns} FROM links WHERE (updated_at_ms = ? AND id > ?) OR updated_at_ms > ?
                      ORDER BY updated_at_ms, id LIMIT ?`,
  userInAccount: 'SELECT 1 FROM users WHERE account_id = ? AND id = ?',
};

export function createSqliteLinks(context: SqliteContext): LinkRepository {
  const { run, write, clock } = context;
  const statements = prepareLazily(context.db, sql);
  const get = (accountId: string, id: string): Link | undefined => {
    const row = statements.get.get(accountId, id) as LinkRow | undefined;
    return row && toLink(row);
  };
  const rows = (statementRows: unknown[]): Link[] => (statementRows as LinkRow[]).map(toLink);

  return {
    create: (accountId, input) =>
      run(() => {
        const valid = validateLinkInput(input);
        const nowMs = clock.nowMs();
        const link: Link = { id: newId('link'), ...valid, accountId, createdAtMs: nowMs, updatedAtMs: nowMs, disabled: false };
        write(() => {
          if (!statements.userInAccount.get(accountId, link.userId)) throw notFound('user', link.userId, 'userId');
          withSlugConflict(link.slug, () =>
            statements.insert.run(link.id, link.slug, link.targetUrl, link.userId, accountId, nowMs, nowMs, 0),
          );
        });
        return link;
      }),
    get: (accountId, id) => run(() => get(accountId, id)),
    getBySlug: (slug) =>
      run(() => {
        const row = statements.getBySlug.get(slug) as LinkRow | undefined;
        return row && toLink(row);
      }),
    list: (accountId, options = {}) =>
      run(() => {
        const limit = validateListLimit(options.limit);
        const after = decodeCursor(options.after, 'link') ?? '';
        const found = options.userId === undefined
          ? statements.list.all(accountId, after, limit + 1)
          : statements.listByUser.all(accountId, options.userId, after, limit + 1);
        return toPage(rows(found), limit);
      }),
    update: (accountId, id, patch) =>
      run(() => {
        const valid = validateLinkPatch(patch);
        return write(() => {
          const current = get(accountId, id);
          if (!current) throw notFound('link', id);
          const next: Link = { ...current, ...valid, updatedAtMs: clock.nowMs() };
          withSlugConflict(next.slug, () =>
            statements.update.run(next.slug, next.targetUrl, toFlag(next.disabled), next.updatedAtMs, accountId, id),
          );
          return next;
        });
      }),
    changedSince: (sinceMs, limit, afterId) =>
      run(() => {
        const bounded = validateListLimit(limit);
        if (!Number.isFinite(sinceMs)) throw invalidField('sinceMs', 'must be a time in epoch milliseconds');
        if (afterId === undefined) return rows(statements.changedSince.all(sinceMs, bounded));
        return rows(statements.changedSinceAfter.all(sinceMs, afterId, sinceMs, bounded));
      }),
  };
}
