// Digests and invoices on SQLite (migration 6): the digest ledger (intent, then sent), invoice
// versions, and adjustments carried exactly once to a later invoice.
import { limits } from '../../core/index.js';
import type {
  DigestIntent,
  DigestLedgerEntry,
  DigestRepository,
  DigestSend,
  InvoiceAdjustment,
  InvoiceAdjustmentInput,
  InvoiceClicks,
  InvoiceRecord,
  InvoiceRepository,
  InvoiceSummary,
} from '../billing-types.js';
import { StoreError, invalidField } from '../errors.js';
import { validateTime } from '../batch-validate.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
const hashPattern = /^sha256:[0-9a-f]{64}$/;
/** A digest's numbers are bounded by the job (links and breakdown rows per digest); this is the store's own guard. */
const reportJsonBytesMax = 1024 * 1024;

function validateId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 128) throw invalidField(field, `must be an id of 1 to 128 characters (got ${JSON.stringify(value)})`);
  return value;
}

function validateDay(value: unknown, field = 'day'): string {
  if (typeof value !== 'string' || !dayPattern.test(value)) throw invalidField(field, `must be a day YYYY-MM-DD (got ${JSON.stringify(value)})`);
  return value;
}

function validateMonth(value: unknown, field = 'month'): string {
  if (typeof value !== 'string' || !monthPattern.test(value)) throw invalidField(field, `must be a month YYYY-MM (got ${JSON.stringify(value)})`);
  return value;
}

function validateHash(value: unknown, field: string): string {
  if (typeof value !== 'string' || !hashPattern.test(value)) throw invalidField(field, `must be sha256:<64 hex digits> (got ${JSON.stringify(value)})`);
  return value;
}

function validateCount(value: unknown, field: string, signed = false): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || (!signed && value < 0)) {
    throw invalidField(field, `must be a${signed ? 'n' : ' non-negative'} integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

function validateVersion(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidField('version', `must be an integer of at least 1 (got ${JSON.stringify(value)})`);
  return value;
}

function validateClicks(clicks: InvoiceClicks, signed: boolean): string {
  const fields = ['total', 'duplicate', 'bot', 'suspicious', 'billable'] as const;
  for (const name of fields) validateCount(clicks[name], `clicks.${name}`, signed);
  return JSON.stringify(Object.fromEntries(fields.map((name) => [name, clicks[name]])));
}

// Digest ledger -----------------------------------------------------------------------------------

interface DigestRow {
  user_id: string;
  day: string;
  version: number;
  account_id: string;
  kind: 'digest' | 'correction';
  status: 'pending' | 'sent';
  created_at_ms: number;
  sent_at_ms: number | null;
  content_hash: string;
  transport: 'smtp' | 'outbox';
  location: string;
  message_id: string;
  clicks: number;
  report_json: string;
}

function toLedgerEntry(row: DigestRow): DigestLedgerEntry {
  return {
    userId: row.user_id,
    accountId: row.account_id,
    day: row.day,
    version: row.version,
    kind: row.kind,
    status: row.status,
    createdAtMs: row.created_at_ms,
    sentAtMs: row.sent_at_ms,
    contentHash: row.content_hash,
    transport: row.transport,
    location: row.location,
    messageId: row.message_id,
    clicks: row.clicks,
    reportJson: row.report_json,
  };
}

function toSend(row: DigestRow): DigestSend {
  return {
    userId: row.user_id,
    accountId: row.account_id,
    day: row.day,
    version: row.version,
    kind: row.kind,
    sentAtMs: row.sent_at_ms ?? row.created_at_ms,
    contentHash: row.content_hash,
    transport: row.transport,
    location: row.location,
    clicks: row.clicks,
  };
}

const digestSql = {
  insert: `INSERT INTO digest_sends (user_id, day, version, account_id, kind, status, created_at_ms, content_hash, transport, message_id, clicks, report_json)
    VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`,
  latest: 'SELECT * FROM digest_sends WHERE user_id = ? AND day = ? ORDER BY version DESC LIMIT 1',
  markSent: "UPDATE digest_sends SET status = 'sent', sent_at_ms = ?, location = ? WHERE user_id = ? AND day = ? AND version = ? AND status = 'pending' RETURNING *",
  listForAccount: "SELECT * FROM digest_sends WHERE account_id = ? AND status = 'sent' ORDER BY day DESC, version DESC, user_id LIMIT ?",
};

function validateIntent(intent: DigestIntent): void {
  validateId(intent.userId, 'userId');
  validateId(intent.accountId, 'accountId');
  validateDay(intent.day);
  validateVersion(intent.version);
  if (intent.kind !== (intent.version === 1 ? 'digest' : 'correction')) throw invalidField('kind', `version ${intent.version} must be a ${intent.version === 1 ? 'digest' : 'correction'} (got ${JSON.stringify(intent.kind)})`);
  validateTime(intent.createdAtMs, 'createdAtMs');
  validateHash(intent.contentHash, 'contentHash');
  if (intent.transport !== 'smtp' && intent.transport !== 'outbox') throw invalidField('transport', `must be smtp or outbox (got ${JSON.stringify(intent.transport)})`);
  if (typeof intent.messageId !== 'string' || !/^<[^<>\s]+@[^<>\s]+>$/.test(intent.messageId)) throw invalidField('messageId', `must look like <local@domain> (got ${JSON.stringify(intent.messageId)})`);
  validateCount(intent.clicks, 'clicks');
  if (typeof intent.reportJson !== 'string' || Buffer.byteLength(intent.reportJson) > reportJsonBytesMax) throw invalidField('reportJson', 'must be JSON text of at most 1 MiB');
}

export function createSqliteDigests(context: SqliteContext): DigestRepository {
  const { run, write } = context;
  const statements = prepareLazily(context.db, digestSql);
  return {
    listForAccount: (accountId, limit) =>
      run(() => {
        validateId(accountId, 'accountId');
        return (statements.listForAccount.all(accountId, validateListLimit(limit)) as DigestRow[]).map(toSend);
      }),
    latest: (userId, day) =>
      run(() => {
        const row = statements.latest.get(validateId(userId, 'userId'), validateDay(day)) as DigestRow | undefined;
        return row && toLedgerEntry(row);
      }),
    recordIntent: (intent) =>
      run(() => {
        validateIntent(intent);
        return write(() => {
          const row = statements.insert.get(
            intent.userId, intent.day, intent.version, intent.accountId, intent.kind, intent.createdAtMs,
            intent.contentHash, intent.transport, intent.messageId, intent.clicks, intent.reportJson,
          ) as DigestRow | undefined;
          if (!row) throw new StoreError('conflict', `digest of user ${intent.userId} for ${intent.day} version ${intent.version} is already recorded`, { entity: 'digest', field: 'version' });
          return toLedgerEntry(row);
        });
      }),
    markSent: (userId, day, version, sent) =>
      run(() => {
        validateId(userId, 'userId');
        validateDay(day);
        validateVersion(version);
        validateTime(sent.sentAtMs, 'sentAtMs');
        if (typeof sent.location !== 'string' || sent.location === '') throw invalidField('location', 'must say where the message went');
        const row = statements.markSent.get(sent.sentAtMs, sent.location, userId, day, version) as DigestRow | undefined;
        if (!row) throw new StoreError('conflict', `digest of user ${userId} for ${day} version ${version} is not pending`, { entity: 'digest', field: 'status' });
        return toLedgerEntry(row);
      }),
  };
}

// Invoices and adjustments ------------------------------------------------------------------------

interface InvoiceRow {
  account_id: string;
  month: string;
  version: number;
  status: 'draft' | 'final';
  currency: string;
  total_minor: number;
  billable_clicks: number;
  clicks_json: string;
  plan_id: string;
  plan_json: string;
  created_at_ms: number;
  content_hash: string;
  csv_hash: string;
  html_hash: string;
  json_path: string;
  csv_path: string;
  html_path: string;
}

interface AdjustmentRow {
  id: number;
  account_id: string;
  for_month: string;
  clicks_json: string;
  amount_minor: number;
  currency: string;
  created_at_ms: number;
  applied_month: string | null;
  applied_version: number | null;
}

function toSummary(row: InvoiceRow): InvoiceSummary {
  return {
    accountId: row.account_id,
    month: row.month,
    version: row.version,
    status: row.status,
    currency: row.currency,
    totalMinor: row.total_minor,
    billableClicks: row.billable_clicks,
    createdAtMs: row.created_at_ms,
    contentHash: row.content_hash,
    files: { json: row.json_path, csv: row.csv_path, html: row.html_path },
  };
}

function toRecord(row: InvoiceRow): InvoiceRecord {
  return { ...toSummary(row), planId: row.plan_id, planJson: row.plan_json, clicks: JSON.parse(row.clicks_json) as InvoiceClicks, csvHash: row.csv_hash, htmlHash: row.html_hash };
}

function toAdjustment(row: AdjustmentRow): InvoiceAdjustment {
  return {
    id: row.id,
    accountId: row.account_id,
    forMonth: row.for_month,
    clicks: JSON.parse(row.clicks_json) as InvoiceClicks,
    amountMinor: row.amount_minor,
    currency: row.currency,
    createdAtMs: row.created_at_ms,
    appliedMonth: row.applied_month,
    appliedVersion: row.applied_version,
  };
}

const invoiceSql = {
  // The latest version of each month: the row with no higher version beside it.
  listForAccount: `SELECT * FROM invoices i WHERE account_id = ? AND NOT EXISTS
    (SELECT 1 FROM invoices j WHERE j.account_id = i.account_id AND j.month = i.month AND j.version > i.version)
    ORDER BY month DESC LIMIT ?`,
  get: 'SELECT * FROM invoices WHERE account_id = ? AND month = ? ORDER BY version DESC LIMIT 1',
  insert: `INSERT INTO invoices (account_id, month, version, status, currency, total_minor, billable_clicks, clicks_json, plan_id, plan_json,
    created_at_ms, content_hash, csv_hash, html_hash, json_path, csv_path, html_path)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`,
  apply: 'UPDATE invoice_adjustments SET applied_month = ?, applied_version = ? WHERE id = ? AND account_id = ? AND applied_month IS NULL AND for_month < ?',
  addAdjustment: 'INSERT INTO invoice_adjustments (account_id, for_month, clicks_json, amount_minor, currency, created_at_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
  adjustmentsFor: 'SELECT * FROM invoice_adjustments WHERE account_id = ? AND for_month = ? ORDER BY id LIMIT ?',
  pending: 'SELECT * FROM invoice_adjustments WHERE account_id = ? AND applied_month IS NULL AND for_month < ? ORDER BY for_month, id LIMIT ?',
};

function validateInvoice(invoice: InvoiceRecord): string {
  validateId(invoice.accountId, 'accountId');
  validateMonth(invoice.month);
  validateVersion(invoice.version);
  if (invoice.status !== 'draft' && invoice.status !== 'final') throw invalidField('status', `must be draft or final (got ${JSON.stringify(invoice.status)})`);
  if (typeof invoice.currency !== 'string' || !/^[A-Z]{3}$/.test(invoice.currency)) throw invalidField('currency', `must be an ISO 4217 code (got ${JSON.stringify(invoice.currency)})`);
  validateCount(invoice.totalMinor, 'totalMinor', true);
  validateCount(invoice.billableClicks, 'billableClicks');
  if (invoice.billableClicks !== invoice.clicks.billable) throw invalidField('billableClicks', `must equal clicks.billable (${invoice.billableClicks} ≠ ${invoice.clicks.billable})`);
  validateId(invoice.planId, 'planId');
  validateTime(invoice.createdAtMs, 'createdAtMs');
  for (const field of ['contentHash', 'csvHash', 'htmlHash'] as const) validateHash(invoice[field], field);
  for (const kind of ['json', 'csv', 'html'] as const) {
    if (typeof invoice.files[kind] !== 'string' || invoice.files[kind] === '') throw invalidField(`files.${kind}`, 'must be the path of the file');
  }
  return validateClicks(invoice.clicks, false);
}

export function createSqliteInvoices(context: SqliteContext): InvoiceRepository {
  const { run, write } = context;
  const statements = prepareLazily(context.db, invoiceSql);
  return {
    listForAccount: (accountId, limit) =>
      run(() => (statements.listForAccount.all(validateId(accountId, 'accountId'), validateListLimit(limit)) as InvoiceRow[]).map(toSummary)),
    get: (accountId, month) =>
      run(() => {
        const row = statements.get.get(validateId(accountId, 'accountId'), validateMonth(month)) as InvoiceRow | undefined;
        return row && toRecord(row);
      }),
    record: (invoice, appliedAdjustmentIds) =>
      run(() => {
        const clicksJson = validateInvoice(invoice);
        if (appliedAdjustmentIds.length > limits.storeListMax) throw invalidField('appliedAdjustmentIds', `at most ${limits.storeListMax} per invoice`);
        return write(() => {
          const row = statements.insert.get(
            invoice.accountId, invoice.month, invoice.version, invoice.status, invoice.currency, invoice.totalMinor, invoice.billableClicks,
            clicksJson, invoice.planId, invoice.planJson, invoice.createdAtMs, invoice.contentHash, invoice.csvHash, invoice.htmlHash,
            invoice.files.json, invoice.files.csv, invoice.files.html,
          ) as InvoiceRow | undefined;
          if (!row) throw new StoreError('conflict', `invoice of account ${invoice.accountId} for ${invoice.month} version ${invoice.version} is already recorded`, { entity: 'invoice', field: 'version' });
          for (const id of appliedAdjustmentIds) {
            // A failure here throws out of the transaction: the invoice row is not kept either.
            const changed = statements.apply.run(invoice.month, invoice.version, id, invoice.accountId, invoice.month).changes;
            if (changed !== 1) throw new StoreError('conflict', `adjustment ${id} of account ${invoice.accountId} is not pending before ${invoice.month}`, { entity: 'invoice_adjustment', field: 'id' });
          }
          return toRecord(row);
        });
      }),
    addAdjustment: (adjustment: InvoiceAdjustmentInput) =>
      run(() => {
        validateId(adjustment.accountId, 'accountId');
        validateMonth(adjustment.forMonth, 'forMonth');
        const clicksJson = validateClicks(adjustment.clicks, true);
        validateCount(adjustment.amountMinor, 'amountMinor', true);
        if (!/^[A-Z]{3}$/.test(adjustment.currency)) throw invalidField('currency', `must be an ISO 4217 code (got ${JSON.stringify(adjustment.currency)})`);
        validateTime(adjustment.createdAtMs, 'createdAtMs');
        return write(() => toAdjustment(statements.addAdjustment.get(adjustment.accountId, adjustment.forMonth, clicksJson, adjustment.amountMinor, adjustment.currency, adjustment.createdAtMs) as AdjustmentRow));
      }),
    adjustmentsFor: (accountId, forMonth) =>
      run(() => (statements.adjustmentsFor.all(validateId(accountId, 'accountId'), validateMonth(forMonth, 'forMonth'), limits.storeListMax) as AdjustmentRow[]).map(toAdjustment)),
    pendingAdjustments: (accountId, beforeMonth) =>
      run(() => (statements.pending.all(validateId(accountId, 'accountId'), validateMonth(beforeMonth, 'beforeMonth'), limits.storeListMax) as AdjustmentRow[]).map(toAdjustment)),
  };
}
