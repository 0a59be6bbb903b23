// `GET /v1/accounts/:id/summary`: an account's totals and top links over a range (from the batch
// views), and this calendar month's usage (UTC, as billed) against its plan: published hours from
// the batch, the open hours from the stream, priced with the plan's tiers as an estimate.
import type { Context, Hono } from 'hono';
import type { Plan, Store } from '../../store/index.js';
import type { ServeEnv } from '../app-env.js';
import { accountFor } from '../auth.js';
import { notFound } from '../http-error.js';
import type { ServingServices } from '../services.js';
import { principalOf } from './link-access.js';
import { parseLimit, parseRange, parseZone } from './params.js';
import { queryLimits } from './query-limits.js';
import { streamPartOf } from './stream-part.js';

const hourMs = 3_600_000;
const quarterMs = 900_000;
const floorHour = (ms: number): number => Math.floor(ms / hourMs) * hourMs;
const ceilHour = (ms: number): number => Math.ceil(ms / hourMs) * hourMs;

/** The plan's price of `billable` clicks in one month, in minor units: the fee plus each tier's share. */
export function priceOf(plan: Plan, billable: number): number {
  let priced = 0;
  let cost = plan.monthlyFeeMinor;
  for (const tier of plan.tiers) {
    const upTo = tier.upToClicks ?? Number.POSITIVE_INFINITY;
    const inTier = Math.max(0, Math.min(billable, upTo) - priced);
    cost += (inTier * tier.pricePerThousandMinor) / 1_000;
    priced += inTier;
    if (priced >= billable) break;
  }
  return Math.round(cost);
}

async function accountLinkIds(store: Store, accountId: string, max: number): Promise<{ ids: string[]; truncated: boolean }> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await store.links.list(accountId, { limit: 1_000, after });
    ids.push(...page.items.map((link) => link.id));
    after = page.next;
  } while (after !== undefined && ids.length < max);
  return { ids: ids.slice(0, max), truncated: after !== undefined || ids.length > max };
}

/** This month's clicks: published hours from the batch, the rest from the stream's quarters (as far as it holds them). */
async function monthUsage(services: ServingServices, accountId: string, nowMs: number) {
  const now = new Date(nowMs);
  const monthStartMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const monthEndMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const { batchViews } = services.store;
  const [hours, batch, links] = await Promise.all([
    batchViews.hours(monthStartMs, monthEndMs),
    batchViews.accountTotals(accountId, monthStartMs, monthEndMs),
    accountLinkIds(services.store, accountId, queryLimits.usageStreamLinksMax),
  ]);
  const published = new Set(hours.map((view) => view.hourStartMs));
  const stream = { human: 0, bot: 0, suspicious: 0 };
  for (const linkId of links.ids) {
    const part = streamPartOf(await services.counterViews.rows(linkId), nowMs);
    for (const quarter of part.quarters) {
      const startMs = quarter.bucket * quarterMs;
      if (startMs < monthStartMs || startMs >= monthEndMs || published.has(floorHour(startMs))) continue;
      stream.human += quarter.human;
      stream.bot += quarter.bot;
      stream.suspicious += quarter.suspicious;
    }
  }
  return { monthStartMs, monthEndMs, publishedHours: hours.length, batch, stream, streamLinksTruncated: links.truncated };
}

async function summaryHandler(c: Context<ServeEnv>, services: ServingServices): Promise<Response> {
  const query = (name: string) => c.req.query(name);
  const principal = principalOf(c.get('principal'));
  const requested = c.req.param('id')!;
  // A key names only its own account: another id is answered 404, as one that does not exist.
  const accountId = accountFor(principal, 'read', requested);
  if (accountId !== requested) throw notFound('account');
  const account = await services.store.accounts.get(accountId);
  if (!account) throw notFound('account');
  const calendar = parseZone(query, 'UTC');
  const limit = parseLimit(query, 'limit', queryLimits.topLinksDefault, queryLimits.topLinksMax);
  const range = parseRange(query, calendar, queryLimits.rangeMsMax);
  const fromMs = floorHour(range.fromMs);
  const toMs = ceilHour(range.toMs);
  const nowMs = services.clock.nowMs();
  const { batchViews } = services.store;
  const [hours, totals, topLinks, usage, plan] = await Promise.all([
    batchViews.hours(fromMs, toMs),
    batchViews.accountTotals(accountId, fromMs, toMs),
    batchViews.accountTopLinks(accountId, fromMs, toMs, limit),
    monthUsage(services, accountId, nowMs),
    services.store.plans.get(account.planId),
  ]);
  const hoursInRange = (toMs - fromMs) / hourMs;
  const month = {
    human: usage.batch.human + usage.stream.human,
    bot: usage.batch.bot + usage.stream.bot,
    suspicious: usage.batch.suspicious + usage.stream.suspicious,
  };
  const billable = month.human + month.bot;
  return c.json({
    accountId,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    source: 'batch',
    finality: hours.length < hoursInRange ? 'incomplete' : hours.some((view) => view.corrected) ? 'corrected' : 'final',
    coverage: { hoursInRange, publishedHours: hours.length },
    totals: { total: totals.human + totals.bot + totals.suspicious, human: totals.human, bot: totals.bot, suspicious: totals.suspicious, duplicates: totals.duplicates },
    topLinks: topLinks.map((row) => ({ linkId: row.linkId, total: row.human + row.bot + row.suspicious, human: row.human, bot: row.bot, suspicious: row.suspicious, duplicates: row.duplicates })),
    usage: {
      month: new Date(usage.monthStartMs).toISOString().slice(0, 7),
      fromMs: usage.monthStartMs,
      toMs: usage.monthEndMs,
      finality: 'provisional',
      total: month.human + month.bot + month.suspicious,
      ...month,
      billable,
      final: { publishedHours: usage.publishedHours, total: usage.batch.human + usage.batch.bot + usage.batch.suspicious, duplicates: usage.batch.duplicates },
      provisional: { total: usage.stream.human + usage.stream.bot + usage.stream.suspicious, linksTruncated: usage.streamLinksTruncated },
      plan: plan === undefined ? null : { id: plan.id, name: plan.name, currency: plan.currency, monthlyFeeMinor: plan.monthlyFeeMinor, tiers: plan.tiers },
      estimatedChargeMinor: plan === undefined ? null : priceOf(plan, billable),
      note: 'Billable clicks are unique clicks not judged suspicious (human and bot). The invoice after the month closes is the final word.',
    },
    generatedAtMs: nowMs,
  });
}

export function registerAccountRoutes(app: Hono<ServeEnv>, services: ServingServices): void {
  app.get('/v1/accounts/:id/summary', (c) => summaryHandler(c, services));
}
