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

const labels = Object.fromEntries(computations.map((computation) => [computation.id, computation]));

/** The page's numbers from the query API's health answer. */
function fromHealth(health) {
  const speed = health.streams?.find((stream) => stream.job === 'speed') ?? health.streams?.[0];
  const jobs = (health.batch?.jobs ?? []).map((job) => ({ name: job.name, upstreamJobs: [...(job.upstream ?? [])], latestRun: job.latestRun ?? null }));
  for (const edge of health.batch?.edges ?? []) {
    const job = jobs.find((candidate) => candidate.name === edge.to);
    if (job && !job.upstreamJobs.includes(edge.from)) job.upstreamJobs.push(edge.from);
  }
  return {
    status: health.status ?? null,
    generatedAtMs: health.generatedAtMs,
    tiles: {
      eventsPerSecond: health.throughput?.ingestEventsPerSecond ?? speed?.eventsPerSecond ?? null,
      logLag: speed?.logLag ?? null,
      watermarkLagMs: speed?.watermarkLagMs ?? null,
      checkpointAgeMs: speed?.checkpointAgeMs ?? null,
      lateClicks: health.lateClicks?.total ?? null,
    },
    freshness: (health.freshness ?? []).map((row) => ({
      label: labels[row.computation]?.label ?? row.computation,
      ageMs: row.ageMs,
      targetMs: row.targetMs + (row.allowanceMs ?? 0),
      targetText: `${duration(row.targetMs)}${row.allowanceMs ? ` + ${duration(row.allowanceMs)} allowance` : ''}`,
      ok: row.status === 'ok' ? true : row.status === 'late' ? false : null,
      detail: row.measuredBy,
    })),
    jobs,
    runs: health.batch?.recentRuns ?? [],
    alerts: health.batch?.alerts ?? [],
    orchestrator: health.batch?.orchestrator ?? null,
  };
}

/** The same from the dashboard's own pipeline view, on a server without the query API. */
function fromDashboard(pipeline, eventsPerSecond) {
  const speed = pipeline.streamJobs?.find((job) => job.job === 'speed') ?? pipeline.streamJobs?.[0];
  const now = pipeline.generatedAtMs;
  // Verdicts and counters are both made by the speed job: its latest commit bounds how old they are.
  const commitAgeMs = speed?.lastCommitAtMs ? Math.max(0, now - speed.lastCommitAtMs) : null;
  const success = (pattern) => {
    const job = (pipeline.batch?.jobs ?? []).find((candidate) => pattern.test(candidate.name) && candidate.latestRun?.status === 'succeeded');
    return job ? now - job.latestRun.finishedAtMs : null;
  };
  const ages = { fraud: commitAgeMs, counters: commitAgeMs, digest: success(/digest/), billing: success(/bill|monthly|invoice/) };
  return {
    status: null,
    generatedAtMs: now,
    tiles: {
      eventsPerSecond,
      logLag: null,
      watermarkLagMs: speed?.watermarkLagMs ?? null,
      checkpointAgeMs: speed?.checkpointAgeMs ?? null,
      lateClicks: (pipeline.lateEvents ?? []).reduce((sum, row) => sum + row.count, 0),
    },
    freshness: computations.map((computation) => {
      const ageMs = ages[computation.id];
      return { label: computation.label, ageMs, targetMs: computation.targetMs, targetText: computation.targetText, ok: ageMs === null ? null : ageMs <= computation.targetMs };
    }),
    jobs: pipeline.batch?.jobs ?? [],
    runs: pipeline.batch?.runs ?? [],
    alerts: pipeline.batch?.alerts ?? [],
    orchestrator: pipeline.batch?.orchestrator === false ? 'not in this process' : 'running',
  };
}

function tiles(values) {
  const shown = [
    ['Events per second', rate(values.eventsPerSecond)],
    ['Log lag', values.logLag === null ? '—' : `${count(values.logLag)} events`],
    ['Watermark lag', duration(values.watermarkLagMs)],
    ['Checkpoint age', duration(values.checkpointAgeMs)],
    ['Late clicks', count(values.lateClicks)],
  ];
  return h('dl', { class: 'tiles' }, shown.map(([label, value]) => h('div', { class: 'tile' }, h('dt', {}, label), h('dd', {}, value))));
}

function freshnessList(rows) {
  return h('ul', { class: 'freshness-list' }, rows.map((row) => {
    const meter = h('div', { class: 'meter', 'aria-hidden': 'true' }, h('span', {}));
    meter.firstChild.style.width = row.ageMs === null || !row.targetMs ? '0%' : `${Math.min(100, (row.ageMs / row.targetMs) * 100)}%`;
    return h('li', { class: row.ok === false ? 'late' : null, title: row.detail ?? null },
      h('span', {}, h('strong', {}, row.label), ' ', row.ok === null ? badge('unknown', 'badge-warn') : row.ok ? badge('ok') : badge('late', 'badge-bad')),
      h('span', { class: 'small' }, `${row.ageMs === null ? 'no data yet' : duration(row.ageMs)} · target ${row.targetText ?? duration(row.targetMs)}`),
      meter);
  }));
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
    const health = await getOptional('/v1/pipeline/health');
    let view;
    if (health) view = fromHealth(health);
    else {
      const pipeline = await getJson('/v1/dashboard/pipeline');
      const events = (pipeline.streamJobs ?? []).find((job) => job.job === 'speed')?.eventsProcessed ?? null;
      const eventsPerSecond = previous && events !== null && pipeline.generatedAtMs > previous.atMs ? ((events - previous.events) * 1_000) / (pipeline.generatedAtMs - previous.atMs) : null;
      if (events !== null) previous = { events, atMs: pipeline.generatedAtMs };
      view = fromDashboard(pipeline, eventsPerSecond);
    }
    fill(top, tiles(view.tiles));
    fill(freshness.lastChild, freshnessList(view.freshness));
    fill(graph.lastChild, batchGraph(view.jobs));
    fill(runs.lastChild, runsTable(view.runs));
    fill(alerts.lastChild, batchAlerts(view.alerts));
    fill(status, view.status ? [badge(view.status === 'ok' ? 'ok' : 'degraded', view.status === 'ok' ? '' : 'badge-bad'), ' '] : null,
      `Updated ${clockTime(view.generatedAtMs)} · refreshed every ${refreshMs / 1_000} s`, view.orchestrator === 'not in this process' ? ' · this process runs no batch orchestrator' : '');
  };
  const refresh = () => load().catch((error) => fill(status, h('span', { class: 'notice notice-error' }, `Health could not be loaded: ${error.message}`)));
  void refresh();
  const timer = setInterval(refresh, refreshMs);
  return () => {
    clearInterval(timer);
    fraud.close();
  };
}
