// Digests and invoices on SQLite (migration 6).
import type { DigestRepository, InvoiceRepository } from '../billing-types.js';
import type { SqliteContext } from './database.js';

export function createSqliteDigests(context: SqliteContext): DigestRepository {
  return { listForAccount: () => context.run(() => []) };
}

export function createSqliteInvoices(context: SqliteContext): InvoiceRepository {
  return { listForAccount: () => context.run(() => []) };
}
