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

/** The digest ledger: one row per (user, day, version) sent. */
export interface DigestRepository {
  /** An account's digests, newest first. */
  listForAccount(accountId: string, limit: number): Promise<DigestSend[]>;
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

/** Invoices per (account, month, version) and pending adjustments. */
export interface InvoiceRepository {
  /** An account's invoices, newest month first, latest version of each. */
  listForAccount(accountId: string, limit: number): Promise<InvoiceSummary[]>;
}
