// The monthly billing job (docs/billing.md): partition = a UTC month `YYYY-MM`; reads the daily
// rollup's utc-links files of the month's days; one final invoice per account (JSON, CSV, HTML under
// `<dataDir>/invoices/<month>/`), built once the month's end plus the grace period has passed.
// A final invoice never changes: when late data re-runs the month, the difference against what was
// invoiced becomes a pending adjustment, carried (exactly once) by the account's next invoice.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError, UserError, type Clock } from '../../core/index.js';
import { combineHashes, monthPartitions, writeOutputAtomically, type JobDefinition, type JobRunContext, type JobRunResult } from '../../orchestrator/index.js';
import type { Account, InvoiceClicks, InvoiceRecord, Plan, Store } from '../../store/index.js';
import { dailyRollupJobName } from '../rollups/index.js';
import { readMonthClicks } from './billing-clicks.js';
import { utcDailyFiles } from './daily-inputs.js';
import { buildInvoiceDocument, invoiceCsv, invoiceHtml, invoiceJson } from './invoice-document.js';
import { billingLimits, parseBillingOptions, type BillingOptions, type BillingOptionsInput } from './options.js';
import { usageAmountMinor } from './tiers.js';

export interface BillingJobDeps {
  store: Store;
  /** For the grace period: a month is ready once this clock is past its end plus the grace. */
  clock: Clock;
}

export const billingJobName = 'billing';
/** The daily rollup job this one reads (docs/rollups.md): its utc-links file of each day of the month. */
export const billingUpstreamJob = dailyRollupJobName;

const zeroClicks: InvoiceClicks = Object.freeze({ total: 0, duplicate: 0, bot: 0, suspicious: 0, billable: 0 });
const clickFields = ['total', 'duplicate', 'bot', 'suspicious', 'billable'] as const;

/** The latest month whose end plus `graceMs` is at or before `atMs`. */
export function latestFinalMonth(atMs: number, graceMs: number): string {
  return monthPartitions.format(monthPartitions.bounds(monthPartitions.format(atMs - graceMs)).startMs - 1);
}

export function billingJob(deps: BillingJobDeps, input: BillingOptionsInput): JobDefinition {
  const options = parseBillingOptions(input);
  return {
    name: billingJobName,
    description: 'monthly invoices per account (UTC months), final after the grace period; late data becomes adjustments',
    partitions: monthPartitions,
    schedule: { cron: options.schedule, partition: (firedAtMs) => latestFinalMonth(firedAtMs, options.graceMs) },
    upstream: [{ job: billingUpstreamJob }],
    ready(month) {
      const finalAtMs = monthPartitions.bounds(month).endMs + options.graceMs;
      if (deps.clock.nowMs() >= finalAtMs) return true;
      return { ready: false, reason: `invoices for ${month} are built from ${new Date(finalAtMs).toISOString()}: the month's end plus ${options.graceMs} ms of grace for late data` };
    },
    run: (context) => runBilling(deps, options, context),
  };
}

/** Every account with clicks in the month, and every enabled account that existed by its end (the fee). */
async function accountsToBill(store: Store, withClicks: ReadonlySet<string>, endMs: number): Promise<Account[]> {
  const accounts = new Map<string, Account>();
  let after: string | undefined;
  do {
    const page = await store.accounts.list({ limit: 1000, after });
    for (const account of page.items) {
      if (withClicks.has(account.id) || (!account.disabled && account.createdAtMs < endMs)) accounts.set(account.id, account);
    }
    after = page.next;
    if (accounts.size > billingLimits.accountsPerRunMax) throw new InternalError(`more than ${billingLimits.accountsPerRunMax} accounts to invoice in one run`);
  } while (after !== undefined);
  for (const id of withClicks) {
    if (!accounts.has(id)) throw new InternalError(`the daily rollup bills account ${id}, which is not in the store`, { code: 'data_check_failed' });
  }
  return [...accounts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function runBilling(deps: BillingJobDeps, options: BillingOptions, context: JobRunContext): Promise<JobRunResult> {
  const month = context.partition;
  const files = utcDailyFiles(context.upstream, options.dataDir);
  const clicks = await readMonthClicks(files, { threads: options.duckdbThreads, memoryMib: options.duckdbMemoryMib });
  const accounts = await accountsToBill(deps.store, new Set(clicks.keys()), context.bounds.endMs);
  const parts: string[] = ['billing', month];
  let built = 0;
  let adjusted = 0;
  for (const account of accounts) {
    context.signal.throwIfAborted();
    const counts = clicks.get(account.id) ?? zeroClicks;
    const existing = await deps.store.invoices.get(account.id, month);
    if (existing?.status === 'final') {
      if (await recordLateDifference(deps.store, context, existing, counts)) adjusted++;
      parts.push(account.id, existing.contentHash, JSON.stringify(counts));
      continue;
    }
    const record = await buildFinalInvoice(deps.store, options, context, account, counts);
    built++;
    parts.push(account.id, record.contentHash, JSON.stringify(counts));
  }
  context.logger.info({ month, accounts: accounts.length, built, adjusted }, 'invoices settled');
  return { outputHash: combineHashes(parts), outputs: [{ location: join(options.dataDir, 'invoices', month), rows: accounts.length }] };
}

async function buildFinalInvoice(store: Store, options: BillingOptions, context: JobRunContext, account: Account, counts: InvoiceClicks): Promise<InvoiceRecord> {
  const month = context.partition;
  const plan = await store.plans.get(account.planId);
  if (!plan) throw new UserError(`account ${account.id} has the plan ${JSON.stringify(account.planId)}, which does not exist`, { code: 'unknown_plan' });
  const adjustments = (await store.invoices.pendingAdjustments(account.id, month)).filter((adjustment) => adjustment.currency === plan.currency);
  const document = buildInvoiceDocument({ account, plan, month, bounds: context.bounds, graceMs: options.graceMs, clicks: counts, adjustments });
  const dir = join(options.dataDir, 'invoices', month);
  const base = `${account.id}.v${document.version}`;
  const write = (name: string, text: string) => writeOutputAtomically(dir, name, (path) => writeFile(path, text), { signal: context.signal });
  const json = await write(`${base}.json`, invoiceJson(document));
  const csv = await write(`${base}.csv`, invoiceCsv(document));
  const html = await write(`${base}.html`, invoiceHtml(document));
  return store.invoices.record(
    {
      accountId: account.id,
      month,
      version: document.version,
      status: 'final',
      currency: plan.currency,
      totalMinor: document.totalMinor,
      billableClicks: counts.billable,
      createdAtMs: context.clock.nowMs(),
      contentHash: json.hash,
      files: { json: json.path, csv: csv.path, html: html.path },
      planId: plan.id,
      planJson: JSON.stringify(plan),
      clicks: counts,
      csvHash: csv.hash,
      htmlHash: html.hash,
    },
    adjustments.map((adjustment) => adjustment.id),
  );
}

/**
 * The month was final already: compares its numbers now with what was invoiced (the invoice plus
 * the adjustments already made for the month) and records the difference, priced with the plan
 * the month was invoiced on, as a pending adjustment. Nothing when they agree, so re-runs add none.
 */
async function recordLateDifference(store: Store, context: JobRunContext, invoice: InvoiceRecord, counts: InvoiceClicks): Promise<boolean> {
  const invoiced: InvoiceClicks = { ...invoice.clicks };
  for (const adjustment of await store.invoices.adjustmentsFor(invoice.accountId, invoice.month)) {
    for (const field of clickFields) invoiced[field] += adjustment.clicks[field];
  }
  const delta = Object.fromEntries(clickFields.map((field) => [field, counts[field] - invoiced[field]])) as unknown as InvoiceClicks;
  if (clickFields.every((field) => delta[field] === 0)) return false;
  const plan = JSON.parse(invoice.planJson) as Plan;
  const amountMinor = usageAmountMinor(plan, counts.billable) - usageAmountMinor(plan, invoiced.billable);
  await store.invoices.addAdjustment({ accountId: invoice.accountId, forMonth: invoice.month, clicks: delta, amountMinor, currency: plan.currency, createdAtMs: context.clock.nowMs() });
  context.logger.info({ accountId: invoice.accountId, month: invoice.month, delta, amountMinor }, 'late data after the final invoice: adjustment recorded for the next invoice');
  return true;
}
