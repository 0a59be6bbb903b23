// The pipeline's health: throughput and lags, each computation's freshness against its target,
// the batch jobs as a graph with their latest runs (failures in red, with the error), recent runs
// and alerts, and fraud alerts as they happen (the operator token only: the feed names every
// tenant's visitor addresses). Refreshed every few seconds.
/* global setInterval, clearInterval */
import { currentSession, getJson, getOptional, openEventStream } from './api.js';
import { batchGraph } from './batch-graph.js';
import { badge, card, clockTime, count, duration, fill, h, rate, when } from './dom.js';

const refreshMs = 5_000;
const alertsShownMax = 100;

/** The four computations and their targets (DESIGN.md), for a server without the health API. */
const computations = [
  { id: 'fraud', label: 'Fraud verdicts', targetMs: 1_000, targetText: 'milliseconds (per stream batch)' },
  { id: 'counters', label: 'Link counters', targetMs: 1_000, targetText: '1 s' },
  { id: 'digest', label: 'Daily digests', targetMs: 2 * 86_400_000, targetText: '1 day' },
  { id: 'billing', label: 'Monthly billing', targetMs: 62 * 86_400_000, targetText: '1 month' },
];

const pick = (...values) => values.find((value) => value !== undefined && value !== null) ?? null;

function tiles(health, pipeline, eventsPerSecond) {
  const speed = pipeline?.streamJobs?.find((job) => job.job === 'speed') ?? pipeline?.streamJobs?.[0];
  const late = (pipeline?.lateEvents ?? []).reduce((sum, row) => sum + row.count, 0);
  const stream = health?.stream ?? health ?? {};
  const values = [
    ['Events per second', rate(pick(stream.eventsPerSecond, health?.eventsPerSecond, eventsPerSecond))],
    ['Log lag', (() => {
      const lag = pick(stream.logLag, health?.logLag, stream.logLagEvents, health?.logLagEvents);
      return typeof lag === 'object' && lag !== null ? `${count(lag.events ?? lag.total)} events` : lag === null ? '—' : `${count(lag)} events`;
    })()],
    ['Watermark lag', duration(pick(stream.watermarkLagMs, health?.watermarkLagMs, speed?.watermarkLagMs))],
    ['Checkpoint age', duration(pick(stream.checkpointAgeMs, health?.checkpointAgeMs, speed?.checkpointAgeMs))],
    ['Late clicks', count(pick(health?.lateClicks?.total, typeof health?.lateClicks === 'number' ? health.lateClicks : null, late))],
  ];
  return h('dl', { class: 'tiles' }, values.map(([label, value]) => h('div', { class: 'tile' }, h('dt', {}, label), h('dd', {}, value))));
}

function freshnessRows(health, pipeline) {
  const given = health?.freshness;
  if (Array.isArray(given) || (given && typeof given === 'object')) {
    const rows = Array.isArray(given) ? given : Object.entries(given).map(([id, row]) => ({ id, ...row }));
    return rows.map((row) => ({
      label: row.label ?? row.name ?? row.computation ?? row.id,
      ageMs: pick(row.ageMs, row.lagMs, row.stalenessMs, row.freshnessMs),
      targetMs: pick(row.targetMs, row.target),
      ok: row.ok ?? row.met ?? (row.status ? row.status === 'ok' : undefined),
    }));
  }
  // Without the health API: the stream's watermark lag and commit age, the batch jobs' latest success.
  const now = pipeline?.generatedAtMs ?? Date.now();
  const speed = pipeline?.streamJobs?.find((job) => job.job === 'speed');
  const success = (pattern) => {
    const job = (pipeline?.batch?.jobs ?? []).find((candidate) => pattern.test(candidate.name) && candidate.latestRun?.status === 'succeeded');
    return job ? now - job.latestRun.finishedAtMs : null;
  };
  // Verdicts and counters are both made by the speed job: its latest commit bounds how old they are.
  const commitAgeMs = speed?.lastCommitAtMs ? Math.max(0, now - speed.lastCommitAtMs) : null;
  const ages = {
    fraud: commitAgeMs,
    counters: commitAgeMs,
    digest: success(/digest/),
    billing: success(/bill|invoice/),
  };
  return computations.map((computation) => ({ label: computation.label, ageMs: ages[computation.id], targetMs: computation.targetMs, targetText: computation.targetText }));
}

function freshnessList(rows) {
  return h('ul', { class: 'freshness-list' }, rows.map((row) => {
    const ok = row.ok ?? (row.ageMs !== null && row.targetMs !== null ? row.ageMs <= row.targetMs : null);
    const meter = h('div', { class: 'meter', 'aria-hidden': 'true' }, h('span', {}));
    meter.firstChild.style.width = row.ageMs === null || !row.targetMs ? '0%' : `${Math.min(100, (row.ageMs / row.targetMs) * 100)}%`;
    return h('li', { class: ok === false ? 'late' : null },
      h('span', {}, h('strong', {}, row.label), ' ', ok === null ? badge('unknown', 'badge-warn') : ok ? badge('ok') : badge('late', 'badge-bad')),
      h('span', { class: 'small' }, `${row.ageMs === null ? 'no data yet' : duration(row.ageMs)} · target ${row.targetText ?? duration(row.targetMs)}`),
      meter);
  }));
}

/** The jobs of the graph: the health API's when it lists them, merged with the dashboard's view. */
function jobsOf(health, pipeline) {
  const jobs = new Map((pipeline?.batch?.jobs ?? []).map((job) => [job.name, { ...job }]));
  for (const job of health?.batch?.jobs ?? health?.jobs ?? []) {
    const name = job.name ?? job.job;
    const known = jobs.get(name) ?? { name, upstreamJobs: [], latestRun: null };
    const upstream = job.upstreamJobs ?? job.upstream ?? [];
    known.upstreamJobs = [...new Set([...(known.upstreamJobs ?? []), ...upstream.map((up) => (typeof up === 'string' ? up : up.job))])];
    known.latestRun ??= job.latestRun ?? job.lastRun ?? null;
    jobs.set(name, known);
  }
  for (const edge of health?.batch?.edges ?? health?.edges ?? []) {
    const job = jobs.get(edge.to);
    if (job && !job.upstreamJobs.includes(edge.from)) job.upstreamJobs.push(edge.from);
  }
  return [...jobs.values()];
}

function runsTable(runs) {
  if (runs.length === 0) return h('p', { class: 'muted' }, 'No batch runs yet.');
  return h('div', { class: 'table-wrap' }, h('table', { id: 'batch-runs' },
    h('caption', { class: 'visually-hidden' }, 'Recent batch runs, newest first'),
    h('thead', {}, h('tr', {}, ['Run', 'Job', 'Partition', 'Status', 'Finished', 'Message'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, runs.slice(0, 20).map((run) => h('tr', { class: ['failed', 'timed_out'].includes(run.status) ? 'failed' : null },
      h('td', { class: 'mono' }, String(run.id)), h('td', {}, run.job), h('td', { class: 'mono' }, run.partition), h('td', {}, badge(run.status)),
      h('td', {}, when(run.finishedAtMs ?? run.queuedAtMs)), h('td', {}, run.message ?? ''))))));
}

function batchAlerts(alerts) {
  if (alerts.length === 0) return h('p', { class: 'muted' }, 'No batch alerts.');
  return h('ul', { class: 'alerts' }, alerts.slice(0, 20).map((alert) => h('li', {},
    badge(alert.kind.replace(/_/g, ' '), 'badge-bad'), ' ', h('strong', {}, `${alert.job} ${alert.partition}`), ` · ${when(alert.atMs)}`, h('br'), alert.message)));
}

function fraudAlertsCard() {
  const session = currentSession();
  const list = h('ul', { class: 'alerts', id: 'fraud-alerts', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const state = h('span', { class: 'live', 'data-state': 'connecting' }, 'Connecting…');
  const element = h('section', { class: 'card', 'aria-labelledby': 'fraud-heading' },
    h('div', { class: 'card-head' }, h('h2', { id: 'fraud-heading' }, 'Fraud alerts'), session?.kind === 'operator' ? state : null));
  if (session?.kind !== 'operator') {
    element.append(h('p', { class: 'notice notice-warn', id: 'fraud-needs-operator' }, 'Fraud alerts list every tenant’s visitor addresses as they turn suspicious, so they need the operator token. Sign in with it to watch them live.'));
    return { element, close: () => undefined };
  }
  const empty = h('p', { class: 'muted small' }, 'Watching for verdict changes…');
  element.append(empty, list);
  const close = openEventStream('/v1/fraud/alerts', {
    onStatus: (value, error) => {
      state.dataset.state = value;
      fill(state, value === 'live' ? 'Live' : value === 'reconnecting' ? 'Reconnecting…' : `Not live: ${error?.message ?? ''}`);
    },
    onEvent: (message) => {
      if (message.event !== 'verdict') return;
      const change = JSON.parse(message.data);
      empty.remove();
      list.prepend(h('li', {},
        badge(change.to ?? 'suspicious', change.to === 'ok' ? '' : 'badge-bad'), ' ', h('strong', { class: 'mono' }, change.ip ?? '?'),
        ` was ${change.from ?? '?'} · ${clockTime(change.eventTimeMs ?? Date.now())}`,
        change.reasons?.length ? [h('br'), h('span', { class: 'small muted' }, `reasons: ${change.reasons.join(', ')}`)] : null));
      while (list.children.length > alertsShownMax) list.lastChild.remove();
    },
  });
  return { element, close };
}

export function renderHealth(main) {
  const status = h('p', { class: 'small muted', id: 'health-updated' }, 'Loading…');
  const top = h('div', {});
  const freshness = card('freshness-heading', 'Freshness against targets', h('div', {}, h('p', { class: 'muted' }, 'Loading…')));
  const graph = card('dag-heading', 'Batch jobs', h('div', { id: 'batch-graph' }, h('p', { class: 'muted' }, 'Loading…')));
  const runs = card('runs-heading', 'Recent batch runs', h('div', {}));
  const alerts = card('batch-alerts-heading', 'Batch alerts', h('div', {}));
  const fraud = fraudAlertsCard();
  fill(main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Pipeline health'), status)),
    top,
    h('div', { class: 'grid grid-wide' }, freshness, fraud.element),
    graph,
    h('div', { class: 'stack' }, runs, alerts));

  let previous = null;
  const load = async () => {
    const [health, pipeline] = await Promise.all([getOptional('/v1/pipeline/health').catch(() => null), getJson('/v1/dashboard/pipeline')]);
    const events = (pipeline.streamJobs ?? []).find((job) => job.job === 'speed')?.eventsProcessed ?? null;
    const eventsPerSecond = previous && events !== null && pipeline.generatedAtMs > previous.atMs ? ((events - previous.events) * 1_000) / (pipeline.generatedAtMs - previous.atMs) : null;
    if (events !== null) previous = { events, atMs: pipeline.generatedAtMs };
    fill(top, tiles(health, pipeline, eventsPerSecond));
    fill(freshness.lastChild, freshnessList(freshnessRows(health, pipeline)));
    fill(graph.lastChild, batchGraph(jobsOf(health, pipeline)));
    const runList = pipeline.batch?.runs ?? [];
    fill(runs.lastChild, runsTable(runList));
    fill(alerts.lastChild, batchAlerts(pipeline.batch?.alerts ?? health?.alerts ?? []));
    fill(status, `Updated ${clockTime(pipeline.generatedAtMs)} · refreshed every ${refreshMs / 1_000} s`, pipeline.batch?.orchestrator === false ? ' · this process runs no batch orchestrator' : '');
  };
  const refresh = () => load().catch((error) => fill(status, h('span', { class: 'notice notice-error' }, `Health could not be loaded: ${error.message}`)));
  void refresh();
  const timer = setInterval(refresh, refreshMs);
  return () => {
    clearInterval(timer);
    fraud.close();
  };
}
