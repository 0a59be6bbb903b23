// Digests and invoices on SQLite (migration 6).
import type { DigestRepository, InvoiceRepository } from '../billing-types.js';
import type { SqliteContext } from './database.js';

export function createSqliteDigests(context: SqliteContext): DigestRepository {
  return { countSent: () => context.run(() => 0) };
}

export function createSqliteInvoices(context: SqliteContext): InvoiceRepository {
  return { count: () => context.run(() => 0) };
}
