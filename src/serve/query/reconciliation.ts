// `GET /v1/reconciliation` (operator): per published batch hour and per link, the batch total
// against the stream's count of that hour (from its quarter buckets, while it still holds them),
// the difference, and what explains it: duplicates the batch removed, late clicks in the lake not
// yet in the published version, a stream still behind the hour. A difference nothing explains is
// drift, and raises a `reconciliation_drift` alert in the batch alert feed (once per hour, link,
// run and difference).
import type { Context, Hono } from 'hono';
import { counterViewNames, decodeCounterRow, type CounterRow } from '../../jobs/counters/index.js';
import type { BatchHourView, Store } from '../../store/index.js';
import type { ServeEnv } from '../app-env.js';
import { requireOperator } from '../auth.js';
import type { ServingServices } from '../services.js';
import { principalOf } from './link-access.js';
import { parseChoice, parseRange, parseZone } from './params.js';
import { queryLimits } from './query-limits.js';
import { streamPartOf } from './stream-part.js';

const hourMs = 3_600_000;
const quarterMs = 900_000;
export const driftAlertJob = 'reconciliation';
export const driftAlertKind = 'reconciliation_drift';

type Explanation = 'match' | 'duplicates' | 'late_pending' | 'stream_behind' | 'stream_gone' | 'drift';

interface Counts {
  total: number;
  human: number;
  bot: number;
  suspicious: number;
}

interface HourLate {
  sealVersion: number | null;
  lateFiles: number;
  lateRows: number;
  /** Late rows in files of a newer seal version than the published view read. */
  pendingLateRows: number;
  /** Entries of the stream's late ledger with an event time in the hour (of the newest kept). */
  ledgerEvents: number;
}


/** The stream's links and their committed rows (every partition), at most `max` links. */
async function streamRows(store: Store, max: number): Promise<{ rows: Map<string, CounterRow[]>; truncated: boolean }> {
  const rows = new Map<string, CounterRow[]>();
  let after: string | undefined;
  do {
    const page = await store.views.list(counterViewNames.links, { limit: 1_000, after });
    for (const row of page.items) {
      let list = rows.get(row.key);
      if (list === undefined) {
        if (rows.size === max) return { rows, truncated: true };
        rows.set(row.key, (list = []));
      }
      try {
        list.push(decodeCounterRow(row.value));
      } catch {
        // An unreadable row is left out; the counter views log it when they read it.
      }
    }
    after = page.next;
  } while (after !== undefined);
  return { rows, truncated: false };
}

/** Links the batch counted in the range, over every account. */
async function batchLinks(store: Store, fromMs: number, toMs: number, into: Set<string>, max: number): Promise<boolean> {
  let after: string | undefined;
  do {
    const page = await store.accounts.list({ limit: 1_000, after });
    for (const account of page.items) {
      for (const row of await store.batchViews.accountTopLinks(account.id, fromMs, toMs, 1_000)) {
        if (into.size >= max && !into.has(row.linkId)) return true;
        into.add(row.linkId);
      }
    }
    after = page.next;
  } while (after !== undefined);
  return false;
}

async function hourLate(store: Store, view: BatchHourView, ledger: readonly { eventTimeMs: number }[]): Promise<HourLate> {
  const seal = await store.lakeSeals.get(view.hourStartMs);
  const late: HourLate = { sealVersion: seal?.version ?? null, lateFiles: 0, lateRows: 0, pendingLateRows: 0, ledgerEvents: 0 };
  let after: string | undefined;
  do {
    const page = await store.lakeSeals.listFiles(view.hourStartMs, { limit: 1_000, after });
    for (const file of page.items) {
      if (file.kind !== 'late') continue;
      late.lateFiles++;
      late.lateRows += file.rows;
      if (file.version > view.version) late.pendingLateRows += file.rows;
    }
    after = page.next;
  } while (after !== undefined);
  late.ledgerEvents = ledger.filter((event) => event.eventTimeMs >= view.hourStartMs && event.eventTimeMs < view.hourStartMs + hourMs).length;
  return late;
}

function explain(difference: number | null, duplicates: number, late: HourLate, streamBehind: boolean): Explanation {
  if (difference === null) return 'stream_gone';
  if (difference === 0) return 'match';
  if (streamBehind) return 'stream_behind';
  if (difference > 0 && difference <= duplicates) return 'duplicates';
  if (late.pendingLateRows > 0 && Math.abs(difference) <= late.pendingLateRows + duplicates) return 'late_pending';
  return 'drift';
}

/** Adds one comparison to the report's and the hour's tallies. */
function tally(summary: { matches: number; explained: number; drift: number; streamGone: number }, hour: { matches: number; explained: number; drift: number }, explanation: Explanation): void {
  if (explanation === 'match') {
    summary.matches++;
    hour.matches++;
  } else if (explanation === 'drift') {
    summary.drift++;
    hour.drift++;
  } else if (explanation === 'stream_gone') summary.streamGone++;
  else {
    summary.explained++;
    hour.explained++;
  }
}

const countsOf = (human: number, bot: number, suspicious: number): Counts => ({ total: human + bot + suspicious, human, bot, suspicious });

export function registerReconciliationRoutes(app: Hono<ServeEnv>, services: ServingServices): void {
  const alerted = new Set<string>();

  const raise = async (view: BatchHourView, linkId: string, batch: Counts, stream: Counts, difference: number): Promise<boolean> => {
    const memo = `${view.hourStartMs}|${linkId}|${view.runId}|${difference}`;
    if (alerted.has(memo)) return false;
    if (alerted.size >= queryLimits.driftAlertsRememberedMax) alerted.clear();
    alerted.add(memo);
    const message = `link ${linkId}, hour ${view.hour}: the stream counted ${stream.total} clicks, batch run ${view.runId} ${batch.total} (difference ${difference}), with no duplicates or late clicks to explain it`;
    const recent = await services.store.batchAlerts.list({ job: driftAlertJob, limit: 200 });
    if (recent.some((alert) => alert.partition === view.hour && alert.message === message)) return false;
    await services.store.batchAlerts.add({ atMs: services.clock.nowMs(), job: driftAlertJob, partition: view.hour, runId: view.runId, kind: driftAlertKind, message });
    services.logger.warn({ linkId, hour: view.hour, runId: view.runId, batch: batch.total, stream: stream.total, difference }, 'reconciliation drift');
    return true;
  };

  app.get('/v1/reconciliation', async (c: Context<ServeEnv>) => {
    requireOperator(principalOf(c.get('principal')));
    const query = (name: string) => c.req.query(name);
    const range = parseRange(query, parseZone(query, 'UTC'), queryLimits.reconciliationRangeMsMax);
    const detail = parseChoice(query, 'detail', ['differences', 'all'] as const, 'differences');
    const fromMs = Math.floor(range.fromMs / hourMs) * hourMs;
    const toMs = Math.ceil(range.toMs / hourMs) * hourMs;
    const { store } = services;
    const nowMs = services.clock.nowMs();
    const [views, stream, freshness, ledger, ledgerCounts] = await Promise.all([
      store.batchViews.hours(fromMs, toMs),
      streamRows(store, queryLimits.reconciliationLinksMax),
      services.counterViews.freshness(),
      store.lateEvents.list({ limit: 1_000 }),
      store.lateEvents.counts(),
    ]);
    const linkIds = new Set(stream.rows.keys());
    const batchTruncated = await batchLinks(store, fromMs, toMs, linkIds, queryLimits.reconciliationLinksMax);
    const lates = await Promise.all(views.map((view) => hourLate(store, view, ledger)));
    const hours = views.map((view, index) => ({ view, late: lates[index]!, links: [] as unknown[], compared: 0, matches: 0, explained: 0, drift: 0 }));
    const summary = { hours: views.length, links: linkIds.size, compared: 0, matches: 0, explained: 0, drift: 0, streamGone: 0, alertsRaised: 0 };
    for (const linkId of linkIds) {
      const part = streamPartOf({ counters: stream.rows.get(linkId) ?? [], visitors: [] }, nowMs);
      const quarters = new Map(part.quarters.map((quarter) => [quarter.bucket, quarter]));
      const slices = await store.batchViews.linkSlices(linkId, fromMs, toMs);
      for (const hour of hours) {
        const { view } = hour;
        const batch = { human: 0, bot: 0, suspicious: 0, duplicates: 0 };
        for (const slice of slices) {
          if (slice.sliceStartMs < view.hourStartMs || slice.sliceStartMs >= view.hourStartMs + hourMs) continue;
          batch.human += slice.human;
          batch.bot += slice.bot;
          batch.suspicious += slice.suspicious;
          batch.duplicates += slice.duplicates;
        }
        const held = view.hourStartMs / quarterMs >= part.oldestQuarter;
        const sum = { human: 0, bot: 0, suspicious: 0 };
        for (let quarter = view.hourStartMs / quarterMs; quarter < (view.hourStartMs + hourMs) / quarterMs; quarter++) {
          const counts = quarters.get(quarter);
          if (counts === undefined) continue;
          sum.human += counts.human;
          sum.bot += counts.bot;
          sum.suspicious += counts.suspicious;
        }
        const batchCounts = countsOf(batch.human, batch.bot, batch.suspicious);
        const streamCounts = held ? countsOf(sum.human, sum.bot, sum.suspicious) : null;
        if (batchCounts.total === 0 && (streamCounts === null || streamCounts.total === 0)) continue;
        const difference = streamCounts === null ? null : streamCounts.total - batchCounts.total;
        const streamBehind = freshness.watermarkMs === null || freshness.watermarkMs < view.hourStartMs + hourMs;
        const explanation = explain(difference, batch.duplicates, hour.late, streamBehind);
        summary.compared++;
        hour.compared++;
        tally(summary, hour, explanation);
        let alertRaised = false;
        if (explanation === 'drift' && streamCounts !== null) alertRaised = await raise(view, linkId, batchCounts, streamCounts, difference!);
        if (alertRaised) summary.alertsRaised++;
        if (detail === 'all' || explanation !== 'match') {
          hour.links.push({ linkId, batch: { ...batchCounts, duplicates: batch.duplicates }, stream: streamCounts, difference, explanation, alertRaised });
        }
      }
    }
    return c.json({
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      summary,
      truncated: stream.truncated || batchTruncated,
      streamWatermarkMs: freshness.watermarkMs,
      lateLedger: ledgerCounts,
      hours: hours.map(({ view, late, links, compared, matches, explained, drift }) => ({
        hour: view.hour,
        hourStartMs: view.hourStartMs,
        runId: view.runId,
        version: view.version,
        corrected: view.corrected,
        late,
        compared,
        matches,
        explained,
        drift,
        links,
      })),
      generatedAtMs: nowMs,
    });
  });
}

