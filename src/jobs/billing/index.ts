// The billing job's public names: the job, its options, tier pricing and the invoice renderings.
// docs/billing.md explains it.
export { billingJob, billingJobName, billingUpstreamJob, latestFinalMonth } from './billing-job.js';
export type { BillingJobDeps } from './billing-job.js';
export { billingOptionsSpec, parseBillingOptions, billingLimits } from './options.js';
export type { BillingOptions, BillingOptionsInput } from './options.js';
export { readMonthClicks, billingClicksSql } from './billing-clicks.js';
export { tierUsage, tierAmountMinor, usageAmountMinor } from './tiers.js';
export type { TierUsage } from './tiers.js';
export { buildInvoiceDocument, invoiceJson, invoiceCsv, invoiceHtml, formatMinor } from './invoice-document.js';
export type { InvoiceDocument, InvoiceLine } from './invoice-document.js';
