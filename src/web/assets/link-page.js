// A link's page: its live counter (the counters stream, pushed within a second of a click), its
// time series with each bucket's finality, and breakdowns by country, referrer and device.
/* global setTimeout, clearTimeout, setInterval, clearInterval */
import { getJson, getOptional, openEventStream, scoped } from './api.js';
import { badge, clockTime, count, duration, figure, fill, h, splitBar, when } from './dom.js';
import { createSeriesChart, finalityOf } from './series-chart.js';

const ranges = [
  { id: 'hour', label: 'Last hour', interval: 'minute', spanMs: 3_600_000 },
  { id: 'day', label: 'Last 24 hours', interval: 'hour', spanMs: 86_400_000 },
  { id: 'month', label: 'Last 30 days', interval: 'day', spanMs: 30 * 86_400_000 },
];
const dimensions = [
  { id: 'country', label: 'Countries' },
  { id: 'referrer', label: 'Referrers' },
  { id: 'device', label: 'Devices' },
];
/** A watermark before 2001 is a start value, not an instant of a click. */
const validInstant = (ms) => typeof ms === 'number' && ms > 1e12;
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
/** After a pushed count, the series is fetched again at most this often. */
const seriesRefreshMs = 5_000;

function counterCard() {
  const total = h('p', { class: 'counter-total', id: 'live-total', 'aria-live': 'polite', 'aria-atomic': 'true' }, '—');
  const state = h('span', { class: 'live', id: 'live-state', 'data-state': 'connecting' }, 'Connecting…');
  const figures = h('dl', { class: 'figures' });
  const split = h('div', {});
  const freshness = h('p', { class: 'small muted', id: 'live-freshness' });
  const element = h('section', { class: 'card', 'aria-labelledby': 'live-heading' },
    h('div', { class: 'card-head' }, h('h2', { id: 'live-heading' }, 'Live clicks'), state),
    h('p', { class: 'small muted' }, 'All clicks counted so far ', badge('provisional'), ', pushed as they happen.'),
    total, figures, split, freshness);
  let last;
  return {
    element,
    status(value, error) {
      state.dataset.state = value;
      fill(state, value === 'live' ? 'Live' : value === 'reconnecting' ? 'Reconnecting…' : value === 'error' ? `Not live: ${error?.message ?? 'error'}` : 'Connecting…');
    },
    show(report) {
      if (last !== undefined && report.total !== last) {
        total.classList.remove('bumped');
        void total.offsetWidth;
        total.classList.add('bumped');
      }
      last = report.total;
      fill(total, count(report.total));
      total.dataset.total = String(report.total);
      fill(figures,
        figure('Today', count(report.today?.total), { title: report.today ? `${report.today.date} in ${report.today.timeZone}` : null }),
        figure('Last hour', count(report.lastHour?.total)),
        figure('Visitors, 24 h', report.distinctVisitors24h ? `≈ ${count(report.distinctVisitors24h.estimate)}` : '—'),
        figure('Last click', clockTime(report.lastClickMs)));
      const { human = 0, bot = 0, suspicious = 0 } = report.split ?? {};
      fill(split, splitBar(report.split, 'All clicks'), h('ul', { class: 'key-list' },
        h('li', {}, h('span', { class: 'swatch split-human' }), `Human ${count(human)}`),
        h('li', {}, h('span', { class: 'swatch split-bot' }), `Bot ${count(bot)}`),
        h('li', {}, h('span', { class: 'swatch split-suspicious' }), `Suspicious ${count(suspicious)}`)));
      const lag = report.freshness?.lagMs;
      fill(freshness, validInstant(report.freshness?.watermarkMs) ? `Complete up to ${duration(lag)} ago · updated ${clockTime(report.generatedAtMs)}` : `The stream has not passed its first watermark yet · updated ${clockTime(report.generatedAtMs)}`);
    },
  };
}

function seriesCard(linkId, formatTime) {
  const note = h('p', { class: 'small muted', id: 'series-note' });
  const chartHolder = h('div', { id: 'series-chart' });
  const chart = createSeriesChart(chartHolder);
  let range = ranges[0];
  let fallback = null;
  const buttons = ranges.map((candidate) => h('button', { type: 'button', 'aria-pressed': String(candidate === range), onclick: () => select(candidate) }, candidate.label));
  const element = h('section', { class: 'card', 'aria-labelledby': 'series-heading' },
    h('div', { class: 'card-head' }, h('h2', { id: 'series-heading' }, 'Clicks over time'), h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, buttons)),
    h('ul', { class: 'key-list', 'aria-label': 'Legend' },
      h('li', {}, h('span', { class: 'swatch swatch-final' }), 'Final (batch)'),
      h('li', {}, h('span', { class: 'swatch swatch-corrected' }), 'Corrected (batch, after late clicks)'),
      h('li', {}, h('span', { class: 'swatch swatch-provisional' }), 'Provisional (stream)'),
      h('li', {}, h('span', { class: 'swatch swatch-incomplete' }), 'Incomplete (part not yet counted)')),
    chartHolder, note);

  const load = async () => {
    const toMs = Date.now();
    const path = scoped(`/v1/links/${encodeURIComponent(linkId)}/stats`, { from: toMs - range.spanMs, to: toMs, interval: range.interval, tz: browserZone });
    const stats = await getOptional(path);
    if (stats === null) {
      // No query API on this server: the last hour from the live counters alone.
      const minutes = range.id === 'hour' ? fallback?.lastHour?.minutes ?? [] : [];
      chart.update(minutes.map((minute) => ({ ...minute, start: minute.startMs, finality: 'provisional', source: 'stream' })), 'minute', formatTime);
      fill(note, range.id === 'hour' ? 'From the live counters (provisional); the batch series is not served here.' : 'This server does not serve time series beyond the live last hour.');
      return;
    }
    const buckets = stats.buckets ?? stats.series ?? stats.items ?? [];
    chart.update(buckets, stats.interval ?? range.interval, formatTime);
    const complete = stats.completeness ?? {};
    const batchMs = complete.batch?.watermarkMs ?? complete.watermarkMs ?? null;
    const streamMs = complete.stream?.watermarkMs ?? null;
    const finals = buckets.filter((bucket) => ['final', 'corrected'].includes(finalityOf(bucket))).length;
    fill(note, `${finals} of ${buckets.length} buckets are final. `,
      batchMs ? `Batch views are complete up to ${when(batchMs)}. ` : 'No batch hour is published yet. ',
      validInstant(streamMs) ? `The stream is complete up to ${when(streamMs)}.` : '');
  };
  function select(candidate) {
    range = candidate;
    buttons.forEach((button, index) => button.setAttribute('aria-pressed', String(ranges[index] === candidate)));
    load().catch((error) => fill(note, h('span', { class: 'notice notice-error' }, `The series could not be loaded: ${error.message}`)));
  }
  return {
    element,
    /** Resolves false when the series could not be loaded (the note says why). */
    load: () => load().then(() => true, (error) => {
      fill(note, h('span', { class: 'notice notice-error' }, `The series could not be loaded: ${error.message}`));
      return false;
    }),
    counters(report) {
      fallback = report;
    },
    destroy: () => chart.destroy(),
  };
}

function breakdownCard(linkId) {
  const body = h('div', { class: 'grid' });
  const note = h('p', { class: 'small muted' });
  const element = h('section', { class: 'card', 'aria-labelledby': 'breakdown-heading' },
    h('div', { class: 'card-head' }, h('h2', { id: 'breakdown-heading' }, 'Breakdowns, last 30 days')), note, body);
  const load = async () => {
    const toMs = Date.now();
    const results = await Promise.all(dimensions.map((dimension) =>
      getOptional(scoped(`/v1/links/${encodeURIComponent(linkId)}/breakdown`, { dimension: dimension.id, from: toMs - 30 * 86_400_000, to: toMs, tz: browserZone }))));
    if (results.every((result) => result === null)) {
      fill(note, 'Breakdowns by country, referrer and device are not served here.');
      return;
    }
    fill(body, dimensions.map((dimension, index) => {
      const result = results[index];
      const rows = result?.items ?? result?.rows ?? result?.values ?? result?.breakdown ?? [];
      const top = [...rows].sort((a, b) => (b.total ?? 0) - (a.total ?? 0)).slice(0, 8);
      const max = Math.max(1, ...top.map((row) => row.total ?? 0));
      return h('div', {}, h('h3', {}, dimension.label), top.length === 0
        ? h('p', { class: 'muted small' }, 'No clicks yet.')
        : h('ul', { class: 'bar-list' }, top.map((row) => {
          const label = String(row.value ?? row.key ?? row.name ?? row[dimension.id] ?? '') || '(none)';
          const bar = splitBar(row, label);
          bar.style.width = `${((row.total ?? 0) / max) * 100}%`;
          return h('li', {}, h('span', { class: 'label', title: label }, label), h('span', { class: 'value' }, count(row.total)), bar);
        })));
    }));
    const first = results.find((result) => result !== null);
    fill(note, 'Bars show human, bot and suspicious clicks. ', first?.finality ? [badge(first.finality), ' '] : null,
      first?.coverage ? `From ${count(first.coverage.publishedHours)} of ${count(first.coverage.hoursInRange)} hours published by the batch layer.` : '');
  };
  return { element, load: () => load().catch((error) => fill(note, h('span', { class: 'notice notice-error' }, `Breakdowns could not be loaded: ${error.message}`))) };
}

export function renderLink(main, { params }) {
  const linkId = params[0];
  const head = h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Link'), h('p', {}, 'Loading…')));
  const counter = counterCard();
  const formatTime = (ms) => new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' }).format(ms);
  const series = seriesCard(linkId, formatTime);
  const breakdowns = breakdownCard(linkId);
  fill(main, head, h('div', { class: 'grid grid-wide' }, counter.element, series.element), breakdowns.element);

  getJson(scoped(`/v1/links/${encodeURIComponent(linkId)}`)).then((link) => {
    fill(head, h('div', {},
      h('p', {}, h('a', { href: '#/' }, '← All links')),
      h('h1', {}, `/${link.slug}`, link.disabled ? [' ', badge('disabled', 'badge-bad')] : null),
      h('p', {}, 'Redirects to ', h('a', { href: link.targetUrl, rel: 'noopener noreferrer' }, link.targetUrl), ` · created ${when(link.createdAtMs)}`)));
  }).catch((error) => fill(head, h('div', {}, h('h1', {}, 'Link'), h('p', { class: 'notice notice-error' }, error.status === 404 ? 'This link does not exist in this account.' : error.message))));

  let refreshTimer;
  let lastRefreshMs = 0;
  const refreshSeries = () => {
    if (refreshTimer !== undefined) return;
    const waitMs = Math.max(0, lastRefreshMs + seriesRefreshMs - Date.now());
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      lastRefreshMs = Date.now();
      void series.load().then((loaded) => loaded || refreshSeries());
    }, waitMs);
  };
  let first = true;
  const close = openEventStream(scoped(`/v1/links/${encodeURIComponent(linkId)}/counters/stream`, { tz: browserZone }), {
    onStatus: (state, error) => counter.status(state, error),
    onEvent: (message) => {
      if (message.event !== 'counters') return;
      const report = JSON.parse(message.data);
      counter.show(report);
      series.counters(report);
      if (first) {
        first = false;
        lastRefreshMs = Date.now();
        void series.load();
      } else refreshSeries();
    },
  });
  void series.load().then((loaded) => loaded || refreshSeries());
  void breakdowns.load();
  // Buckets close and turn final while the page is open, even without clicks.
  const tick = setInterval(() => refreshSeries(), 60_000);
  return () => {
    close();
    clearTimeout(refreshTimer);
    clearInterval(tick);
    series.destroy();
  };
}
