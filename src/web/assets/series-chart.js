// A link's time series as bars (uPlot): one series per finality, so where a number came from is
// visible at a glance: final buckets solid, corrected ones solid in another colour, provisional
// ones hatched with a dashed outline. A table of the same buckets follows for screen readers and
// for reading exact numbers.
/* global document, getComputedStyle, uPlot, ResizeObserver */
import { count, fill, h } from './dom.js';

const finalities = ['final', 'corrected', 'provisional', 'incomplete'];
const intervalSeconds = { minute: 60, hour: 3_600, day: 86_400 };

function cssColor(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** A small diagonal hatch in `color`, as a canvas pattern. */
function hatch(context, color) {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const pen = tile.getContext('2d');
  pen.strokeStyle = color;
  pen.lineWidth = 2;
  pen.beginPath();
  pen.moveTo(0, 8);
  pen.lineTo(8, 0);
  pen.moveTo(-2, 2);
  pen.lineTo(2, -2);
  pen.moveTo(6, 10);
  pen.lineTo(10, 6);
  pen.stroke();
  return context.createPattern(tile, 'repeat');
}

/** Epoch ms of a bucket's start: a number, or ISO text. */
export function startMsOf(bucket) {
  // `start` is a local label without a zone; `startMs` is the instant.
  const value = bucket.startMs ?? bucket.start ?? bucket.from;
  return typeof value === 'number' ? value : Date.parse(value);
}

export function finalityOf(bucket) {
  return finalities.includes(bucket.finality) ? bucket.finality : bucket.source === 'batch' ? 'final' : 'provisional';
}

/** Unique visitors as the API gives them: a number, or `{ kind, value | min, max }`. */
export function visitorsText(visitors) {
  if (typeof visitors === 'number') return count(visitors);
  if (visitors?.kind === 'exact') return count(visitors.value);
  if (visitors?.kind === 'estimate') return `≈ ${count(visitors.value)}`;
  if (visitors?.kind === 'bounds') return `${count(visitors.min)}–${count(visitors.max)}`;
  return '—';
}

function seriesData(buckets) {
  const xs = buckets.map((bucket) => startMsOf(bucket) / 1_000);
  const columns = finalities.map((finality) => buckets.map((bucket) => (finalityOf(bucket) === finality ? bucket.total ?? 0 : null)));
  return [xs, ...columns];
}

function options(width, interval, hatchFill) {
  const colors = { final: cssColor('--final', '#2452c6'), corrected: cssColor('--corrected', '#0f7b6c'), provisional: cssColor('--provisional', '#d97706') };
  const text = cssColor('--muted', '#4c5668');
  // Half a bucket of room on each side, so the first and last bars are whole.
  const half = (intervalSeconds[interval] ?? 60) / 2;
  const grid = cssColor('--border', '#d5dbe7');
  const bars = uPlot.paths.bars({ size: [0.8, 48], gap: 1 });
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: 260,
    padding: [12, 12, 0, 4],
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    legend: { show: false },
    scales: { x: { time: true, range: (_u, min, max) => [(min ?? 0) - half, (max ?? 0) + half] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.15))] } },
    axes: [{ ...axis, space: interval === 'day' ? 60 : 70 }, { ...axis, size: 48, values: (_u, splits) => splits.map((value) => count(value)) }],
    series: [
      {},
      { label: 'final', stroke: colors.final, fill: colors.final, width: 1, paths: bars, points: { show: false } },
      { label: 'corrected', stroke: colors.corrected, fill: colors.corrected, width: 1, paths: bars, points: { show: false } },
      { label: 'provisional', stroke: colors.provisional, fill: (u) => hatchFill(u.ctx, colors.provisional), dash: [4, 3], width: 1.5, paths: bars, points: { show: false } },
      { label: 'incomplete', stroke: text, dash: [2, 3], width: 1.5, paths: bars, points: { show: false } },
    ],
  };
}

/**
 * A chart in `container`. `update(buckets, interval)` redraws; `destroy()` removes it. The
 * container's `data-*` attributes count the buckets drawn of each finality.
 */
export function createSeriesChart(container) {
  let plot;
  let pattern;
  const hatchFill = (context, color) => (pattern ??= hatch(context, color));
  const canvasHolder = h('div', { class: 'chart', role: 'img', 'aria-label': 'Clicks over time' });
  const table = h('div', { class: 'table-wrap' });
  fill(container, canvasHolder, h('details', {}, h('summary', {}, 'Show the numbers as a table'), table));
  const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(240, canvasHolder.clientWidth), height: 260 }));
  resize.observe(canvasHolder);

  return {
    update(buckets, interval, formatTime) {
      const data = seriesData(buckets);
      const counts = Object.fromEntries(finalities.map((finality) => [finality, buckets.filter((bucket) => finalityOf(bucket) === finality).length]));
      const total = buckets.reduce((sum, bucket) => sum + (bucket.total ?? 0), 0);
      Object.assign(container.dataset, { buckets: String(buckets.length), clicks: String(total), ...counts });
      canvasHolder.setAttribute('aria-label', `Clicks per ${interval}: ${count(total)} in ${buckets.length} buckets, ${counts.final} final, ${counts.corrected} corrected, ${counts.provisional} provisional, ${counts.incomplete} incomplete`);
      if (plot && plot.series.length === data.length) plot.setData(data);
      else {
        plot?.destroy();
        plot = new uPlot(options(Math.max(240, canvasHolder.clientWidth), interval, hatchFill), data, canvasHolder);
      }
      fill(table, h('table', {},
        h('caption', { class: 'visually-hidden' }, `Clicks per ${interval}`),
        h('thead', {}, h('tr', {}, ['Start', 'Total', 'Human', 'Bot', 'Suspicious', 'Visitors', 'Finality'].map((name, index) => h('th', { scope: 'col', class: index > 0 && index < 6 ? 'num' : null }, name)))),
        h('tbody', {}, [...buckets].reverse().filter((bucket) => (bucket.total ?? 0) > 0 || finalityOf(bucket) !== 'provisional').slice(0, 200).map((bucket) => h('tr', {},
          h('td', {}, formatTime(startMsOf(bucket))),
          ...['total', 'human', 'bot', 'suspicious'].map((field) => h('td', { class: 'num' }, count(bucket[field]))),
          h('td', { class: 'num' }, visitorsText(bucket.visitors)),
          h('td', {}, h('span', { class: `badge badge-${finalityOf(bucket)}` }, finalityOf(bucket))),
        ))),
      ));
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
    },
  };
}
