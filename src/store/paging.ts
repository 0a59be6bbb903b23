// Opaque paging cursors: base64url of the last id of a page, rows ordered by id. Opaque so that a
// backend may change what it encodes without breaking clients that store cursors.
import { invalidField } from './errors.js';
import { isIdOf, type IdKind } from './ids.js';
import type { Page } from './types.js';

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The id a cursor stands for; a cursor that was not made by `encodeCursor` for `kind` is refused. */
export function decodeCursor(after: string | undefined, kind: IdKind, field = 'after'): string | undefined {
  if (after === undefined) return undefined;
  const id = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  if (!isIdOf(kind, id) || encodeCursor(id) !== after) {
    throw invalidField(field, 'is not a cursor from a previous page; pass the `next` value of the page before');
  }
  return id;
}

/** Builds a page from up to `limit + 1` rows: the extra row only says that there is more. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: encodeCursor(items[items.length - 1]!.id) };
}
