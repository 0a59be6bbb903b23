// Digests sent and invoices issued, in the serving store. Owned by the digest and billing jobs
// (src/jobs/digest, src/jobs/billing); read by the dashboard. docs/digest.md and docs/billing.md
// describe the tables.

/** The digest ledger: one row per (user, day, version) sent. */
export interface DigestRepository {
  /** How many digests were recorded as sent, all versions. */
  countSent(): Promise<number>;
}

/** Invoices per (account, month, version) and pending adjustments. */
export interface InvoiceRepository {
  /** How many invoices were recorded, all versions. */
  count(): Promise<number>;
}
