// An account's page: this month's clicks against its plan's tiers, its top links, and the invoices
// and digests the batch layer produced. Usage and top links come from the query API's account
// summary; without it, from each link's series this month, or else from the live counters.
/* global setTimeout */
import { getJson, getOptional, scoped, currentSession } from './api.js';
import { badge, card, count, fill, h, money, splitBar, when } from './dom.js';

function monthOf(ms) {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The clicks of the month and the billable ones, from the summary in whichever shape it has. */
function usageOf(summary) {
  const usage = summary?.usage ?? null;
  if (usage === null || typeof usage !== 'object') return null;
  return {
    estimatedChargeMinor: usage.estimatedChargeMinor ?? null,
    note: usage.note ?? null,
    total: usage.total ?? usage.clicks ?? null,
    billable: usage.billable ?? usage.billableClicks ?? usage.human ?? null,
    suspicious: usage.suspicious ?? null,
    human: usage.human ?? null,
    bot: usage.bot ?? null,
    finality: usage.finality ?? null,
  };
}

function planCard(plan, usage) {
  const body = [];
  if (!plan) body.push(h('p', { class: 'muted' }, 'The plan of this account is not known to this server.'));
  else {
    body.push(h('p', {}, h('strong', {}, plan.name), ` · ${money(plan.monthlyFeeMinor, plan.currency)} a month`));
    const billable = usage?.billable ?? usage?.total ?? null;
    const tiers = plan.tiers ?? [];
    const tierIndex = billable === null ? -1 : tiers.findIndex((tier) => tier.upToClicks === null || billable <= tier.upToClicks);
    const tier = tiers[tierIndex];
    if (billable !== null) {
      const ceiling = tier?.upToClicks ?? null;
      const meter = h('div', { class: 'usage-meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuenow': String(billable), 'aria-valuemax': String(ceiling ?? billable), 'aria-label': 'Billable clicks this month' }, h('span', {}));
      meter.firstChild.style.width = `${ceiling ? Math.min(100, (billable / ceiling) * 100) : 100}%`;
      body.push(
        h('p', {}, h('strong', { id: 'usage-billable' }, count(billable)), ' billable clicks this month', usage.finality ? [' ', badge(usage.finality)] : null),
        h('p', { class: 'small muted' }, `${count(usage.total)} clicks in all: ${count(usage.human)} human, ${count(usage.bot)} bot, ${count(usage.suspicious)} suspicious (not billed).`),
        splitBar(usage, 'Clicks this month'),
        usage.estimatedChargeMinor !== null && usage.estimatedChargeMinor !== undefined ? h('p', {}, 'Estimated charge so far: ', h('strong', {}, money(usage.estimatedChargeMinor, plan.currency))) : null,
        usage.note ? h('p', { class: 'small muted' }, usage.note) : null,
        meter,
        h('p', { class: 'small muted' }, ceiling === null ? `In the plan's last tier (no upper bound).` : `Tier ${tierIndex + 1} of ${tiers.length}: up to ${count(ceiling)} clicks at ${money(tier.pricePerThousandMinor, plan.currency)} per 1,000.`),
      );
    } else body.push(h('p', { class: 'muted small' }, "This month's usage needs the query API's account summary."));
    if (tiers.length > 0) {
      body.push(h('details', {}, h('summary', {}, 'Plan tiers'), h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Up to clicks'), h('th', { scope: 'col', class: 'num' }, 'Per 1,000'))),
        h('tbody', {}, tiers.map((row) => h('tr', {}, h('td', {}, row.upToClicks === null ? 'and above' : count(row.upToClicks)), h('td', { class: 'num' }, money(row.pricePerThousandMinor, plan.currency))))))));
    }
  }
  return card('plan-heading', `Usage in ${monthOf(Date.now())}`, ...body);
}

function topLinksCard(rows, source) {
  return card('top-heading', 'Top links',
    h('p', { class: 'small muted' }, source),
    rows.length === 0 ? h('p', {}, 'No clicks yet.') : h('ol', { class: 'link-list' }, rows.slice(0, 10).map((row) => h('li', {},
      h('a', { href: `#/links/${encodeURIComponent(row.id)}` }, row.slug ? `/${row.slug}` : row.id),
      h('span', {}, h('strong', {}, count(row.total)), ' clicks')))));
}

function documentsCards(documents) {
  const invoices = documents?.invoices ?? [];
  const digests = documents?.digests ?? [];
  return [
    card('invoices-heading', 'Invoices', invoices.length === 0
      ? h('p', { class: 'muted' }, 'No invoices yet: the first is made after a month closes (plus its grace period for late clicks).')
      : h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Month', 'Version', 'Status', 'Billable clicks', 'Total'].map((name, index) => h('th', { scope: 'col', class: index >= 3 ? 'num' : null }, name)))),
        h('tbody', {}, invoices.map((invoice) => h('tr', {},
          h('td', {}, invoice.month), h('td', {}, `v${invoice.version}`), h('td', {}, badge(invoice.status === 'final' ? 'final' : 'provisional', '')),
          h('td', { class: 'num' }, count(invoice.billableClicks)), h('td', { class: 'num' }, money(invoice.totalMinor, invoice.currency)))))))),
    card('digests-heading', 'Daily digests', digests.length === 0
      ? h('p', { class: 'muted' }, 'No digests sent yet: each user gets one after their day is sealed.')
      : h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Day', 'Kind', 'Clicks', 'Sent'].map((name, index) => h('th', { scope: 'col', class: index === 2 ? 'num' : null }, name)))),
        h('tbody', {}, digests.map((digest) => h('tr', {},
          h('td', {}, digest.day), h('td', {}, digest.kind === 'correction' ? `correction v${digest.version}` : 'digest'),
          h('td', { class: 'num' }, count(digest.clicks)), h('td', {}, when(digest.sentAtMs)))))))),
  ];
}

const finalityOrder = ['incomplete', 'provisional', 'corrected', 'final'];

/**
 * This month (UTC, as bills count) per link from the query API's series, summed: usage with the
 * weakest finality of any bucket, and the links ranked. Null when the server has no series.
 */
async function monthFromSeries(links) {
  const nowMs = Date.now();
  const monthStart = `${monthOf(nowMs)}-01T00:00:00Z`;
  const seriesOf = (link) => getOptional(scoped(`/v1/links/${encodeURIComponent(link.id)}/stats`, { from: monthStart, to: nowMs, interval: 'day', tz: 'UTC' }));
  // One retry a second later: a server just started may not answer every series yet.
  const later = (link) => new Promise((resolve) => setTimeout(resolve, 1_000)).then(() => seriesOf(link));
  const series = await Promise.all(links.map((link) => seriesOf(link).catch(() => later(link)).catch(() => undefined)));
  // None served (no query API), or one failed: the month's sum would be wrong, so none is shown.
  if (series.every((answer) => answer === null) || series.includes(undefined)) return null;
  const usage = { total: 0, human: 0, bot: 0, suspicious: 0, billable: 0, finality: 'final' };
  const rows = links.map((link, index) => {
    const answer = series[index];
    const totals = answer?.totals ?? { total: 0, human: 0, bot: 0, suspicious: 0 };
    for (const field of ['total', 'human', 'bot', 'suspicious']) usage[field] += totals[field] ?? 0;
    for (const bucket of answer?.buckets ?? []) {
      if (finalityOrder.indexOf(bucket.finality) < finalityOrder.indexOf(usage.finality)) usage.finality = bucket.finality;
    }
    return { id: link.id, slug: link.slug, total: totals.total ?? 0 };
  });
  // Suspicious clicks are not billed; duplicates never reach the series.
  usage.billable = usage.total - usage.suspicious;
  return { usage, rows: rows.sort((a, b) => b.total - a.total) };
}

async function topLinksFromCounters(links) {
  const counters = await Promise.all(links.map((link) => getOptional(scoped(`/v1/links/${encodeURIComponent(link.id)}/counters`)).catch(() => null)));
  return links.map((link, index) => ({ id: link.id, slug: link.slug, total: counters[index]?.total ?? 0 })).sort((a, b) => b.total - a.total);
}

export function renderAccount(main) {
  const session = currentSession();
  const head = h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, session.accountName ?? 'Account'), h('p', {}, 'Loading…')));
  const body = h('div', {});
  fill(main, head, body);
  let stopped = false;
  (async () => {
    const monthStart = `${monthOf(Date.now())}-01T00:00:00Z`;
    const [documents, summary] = await Promise.all([
      getOptional(scoped('/v1/dashboard/account')),
      getOptional(scoped(`/v1/accounts/${encodeURIComponent(session.accountId)}/summary`, { from: monthStart, to: Date.now(), tz: 'UTC', limit: 10 })).catch(() => null),
    ]);
    if (stopped) return;
    const account = documents?.account ?? (await getJson(scoped('/v1/account')));
    fill(head, h('div', {}, h('h1', {}, account.name), h('p', {}, `Account ${account.id} · since ${when(account.createdAtMs)}`, account.disabled ? [' ', badge('disabled', 'badge-bad')] : null)));
    const links = ((await getJson(scoped('/v1/links', { limit: 200 }))).items ?? []).slice(0, 50);
    const slugs = new Map(links.map((link) => [link.id, link.slug]));
    // The summary's top links come from published batch hours only; while none are, each link's series says more.
    const summaryLinks = (summary?.topLinks ?? []).filter((row) => (row.total ?? 0) > 0);
    let usage = usageOf(summary);
    let top;
    if (summaryLinks.length > 0) {
      const hours = summary.coverage ? ` (${count(summary.coverage.publishedHours)} of ${count(summary.coverage.hoursInRange)} hours published)` : '';
      top = { rows: summaryLinks.map((row) => ({ id: row.linkId ?? row.id, slug: slugs.get(row.linkId ?? row.id), total: row.total ?? 0 })), source: `This month, from the batch views${hours}.` };
    } else {
      const month = await monthFromSeries(links).catch(() => null);
      if (month) {
        usage ??= month.usage;
        top = { rows: month.rows, source: 'This month (UTC), from each link\'s series.' };
      } else top = { rows: await topLinksFromCounters(links), source: 'All clicks so far, from the live counters (provisional).' };
    }
    if (stopped) return;
    fill(body,
      h('div', { class: 'grid grid-wide' }, planCard(documents?.plan ?? summary?.usage?.plan ?? null, usage), topLinksCard(top.rows, top.source)),
      h('div', { class: 'grid grid-wide' }, ...documentsCards(documents)));
  })().catch((error) => fill(body, h('p', { class: 'notice notice-error' }, `The account could not be loaded: ${error.message}`)));
  return () => {
    stopped = true;
  };
}
