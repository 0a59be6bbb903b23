// Digests sent and invoices issued, in the serving store. Written by the digest and billing jobs
// (src/jobs/digest, src/jobs/billing); read by the dashboard. docs/digest.md and docs/billing.md
// describe the tables. The jobs add the write side they need.

/** One digest (or correction) sent to one user for one day. */
export interface DigestSend {
  userId: string;
  accountId: string;
  /** The user's local day the digest is about, `YYYY-MM-DD`. */
  day: string;
  /** 1 for the digest, 2+ for corrections after late data. */
  version: number;
  kind: 'digest' | 'correction';
  sentAtMs: number;
  /** `sha256:<hex>` of the message's content (without transport headers). */
  contentHash: string;
  /** `smtp` or `outbox` (an `.eml` file). */
  transport: 'smtp' | 'outbox';
  /** The SMTP message id, or the `.eml` path. */
  location: string;
  /** Clicks the digest reported (all links, human + bot + suspicious). */
  clicks: number;
}

/**
 * A ledger row as the digest job sees it: `pending` from the moment the job decides to send
 * (the intent, written before the message leaves) until the transport confirmed it (`sent`).
 */
export interface DigestLedgerEntry extends Omit<DigestSend, 'sentAtMs'> {
  status: 'pending' | 'sent';
  /** When the intent was recorded. */
  createdAtMs: number;
  /** Set once sent. */
  sentAtMs: number | null;
  /** The SMTP Message-ID header, derived from (user, day, version). */
  messageId: string;
  /** The numbers the message was rendered from (JSON): re-rendering them gives the same bytes. */
  reportJson: string;
}

/** What the digest job records before it sends. */
export type DigestIntent = Omit<DigestLedgerEntry, 'status' | 'sentAtMs' | 'location'>;

/** The digest ledger: one row per (user, day, version) sent. */
export interface DigestRepository {
  /** An account's digests, newest first. */
  listForAccount(accountId: string, limit: number): Promise<DigestSend[]>;
  /** The highest version recorded for (user, day), pending or sent. */
  latest(userId: string, day: string): Promise<DigestLedgerEntry | undefined>;
  /** Records the intent to send (status `pending`); a row for (user, day, version) already there is a `conflict`. */
  recordIntent(intent: DigestIntent): Promise<DigestLedgerEntry>;
  /** pending → sent with where it went; an unknown or already sent row is a `conflict`. */
  markSent(userId: string, day: string, version: number, sent: { sentAtMs: number; location: string }): Promise<DigestLedgerEntry>;
}

/** The click counts an invoice (or an adjustment) is built from. */
export interface InvoiceClicks {
  /** Every click received, duplicates included. */
  total: number;
  duplicate: number;
  bot: number;
  suspicious: number;
  /** Unique clicks neither bot nor suspicious. */
  billable: number;
}

/** One invoice version of one account and month. */
export interface InvoiceSummary {
  accountId: string;
  /** Calendar month (UTC), `YYYY-MM`. */
  month: string;
  version: number;
  /** `draft` while the month (plus grace) is open, `final` after. */
  status: 'draft' | 'final';
  currency: string;
  /** Total in minor units (cents). */
  totalMinor: number;
  billableClicks: number;
  createdAtMs: number;
  /** `sha256:<hex>` of the invoice JSON. */
  contentHash: string;
  /** Where the JSON, CSV and HTML files are. */
  files: { json: string; csv: string; html: string };
}

/** An invoice as recorded, with what billing needs to price a later adjustment to its month. */
export interface InvoiceRecord extends InvoiceSummary {
  planId: string;
  /** The plan as priced (JSON of src/store/types.ts Plan): adjustments to this month use it. */
  planJson: string;
  clicks: InvoiceClicks;
  /** `sha256:<hex>` of the CSV and HTML files. */
  csvHash: string;
  htmlHash: string;
}

/** A difference found after a month's invoice was final, carried to a later invoice. */
export interface InvoiceAdjustment {
  id: number;
  accountId: string;
  /** The month the clicks belong to. */
  forMonth: string;
  /** Count differences against what was already invoiced for `forMonth` (may be negative). */
  clicks: InvoiceClicks;
  /** The price difference in minor units (negative: a credit). */
  amountMinor: number;
  currency: string;
  createdAtMs: number;
  /** The invoice that carried it, once applied. */
  appliedMonth: string | null;
  appliedVersion: number | null;
}

export type InvoiceAdjustmentInput = Omit<InvoiceAdjustment, 'id' | 'appliedMonth' | 'appliedVersion'>;

/** Invoices per (account, month, version) and pending adjustments. */
export interface InvoiceRepository {
  /** An account's invoices, newest month first, latest version of each. */
  listForAccount(accountId: string, limit: number): Promise<InvoiceSummary[]>;
  /** The latest version of (account, month), or undefined. */
  get(accountId: string, month: string): Promise<InvoiceRecord | undefined>;
  /**
   * Records an invoice version and, in the same transaction, marks `appliedAdjustmentIds` applied
   * to it. A version already recorded, or an adjustment no longer pending, is a `conflict` and
   * nothing is written: each adjustment is carried exactly once.
   */
  record(invoice: InvoiceRecord, appliedAdjustmentIds: readonly number[]): Promise<InvoiceRecord>;
  addAdjustment(adjustment: InvoiceAdjustmentInput): Promise<InvoiceAdjustment>;
  /** Every adjustment of (account, month), applied or not, oldest first. */
  adjustmentsFor(accountId: string, forMonth: string): Promise<InvoiceAdjustment[]>;
  /** The account's adjustments not applied yet whose month is before `beforeMonth`, oldest first (at most limits.storeListMax). */
  pendingAdjustments(accountId: string, beforeMonth: string): Promise<InvoiceAdjustment[]>;
}
