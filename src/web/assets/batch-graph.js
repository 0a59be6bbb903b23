// The batch jobs as a graph (SVG): a column per depth in the dependency order, an arrow from each
// upstream job to the jobs that read it, each job coloured by its latest run's status. Failed and
// timed-out runs are red and their error is written out below the graph, where it can be read
// and copied.
import { badge, h, svg, when } from './dom.js';

const nodeWidth = 200;
const nodeHeight = 64;
const columnGap = 70;
const rowGap = 22;

/** Each job's depth: 0 for jobs with no upstream, else one more than its deepest upstream. */
function depths(jobs) {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const depth = new Map();
  const visit = (name, seen) => {
    if (depth.has(name)) return depth.get(name);
    if (seen.has(name)) return 0; // A cycle is refused by the orchestrator; never loop here.
    seen.add(name);
    const upstream = (byName.get(name)?.upstreamJobs ?? []).filter((up) => byName.has(up));
    const value = upstream.length === 0 ? 0 : 1 + Math.max(...upstream.map((up) => visit(up, seen)));
    depth.set(name, value);
    return value;
  };
  for (const job of jobs) visit(job.name, new Set());
  return depth;
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** `jobs`: `{ name, upstreamJobs, latestRun, latestFailure }`. Returns the figure element. */
export function batchGraph(jobs) {
  if (jobs.length === 0) return h('p', { class: 'muted' }, 'No batch jobs are declared or have run yet.');
  const depth = depths(jobs);
  const columns = [];
  for (const job of jobs) (columns[depth.get(job.name)] ??= []).push(job);
  const place = new Map();
  columns.forEach((column, x) => column.forEach((job, y) => place.set(job.name, { x: 10 + x * (nodeWidth + columnGap), y: 10 + y * (nodeHeight + rowGap) })));
  const width = 20 + columns.length * nodeWidth + (columns.length - 1) * columnGap;
  const height = 20 + Math.max(...columns.map((column) => column.length)) * (nodeHeight + rowGap) - rowGap;

  const edges = [];
  for (const job of jobs) {
    for (const up of job.upstreamJobs ?? []) {
      const from = place.get(up);
      const to = place.get(job.name);
      if (!from || !to) continue;
      const x1 = from.x + nodeWidth;
      const y1 = from.y + nodeHeight / 2;
      const x2 = to.x - 6;
      const y2 = to.y + nodeHeight / 2;
      const bend = (x2 - x1) / 2;
      edges.push(svg('path', { class: 'edge', d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' }));
    }
  }
  const nodes = jobs.map((job) => {
    const { x, y } = place.get(job.name);
    const run = job.latestRun;
    const status = run?.status ?? 'never run';
    const line = run ? `${status} · ${run.partition}` : 'no runs yet';
    return svg('g', { class: `node ${run?.status ?? 'none'}`, transform: `translate(${x},${y})`, 'data-job': job.name, 'data-status': status },
      svg('title', {}, run?.message ? `${job.name}: ${status}: ${run.message}` : `${job.name}: ${status}`),
      svg('rect', { width: nodeWidth, height: nodeHeight, rx: 10 }),
      svg('text', { x: 12, y: 24, 'font-weight': '700' }, truncate(job.name, 24)),
      svg('text', { x: 12, y: 46, class: 'status' }, truncate(line, 30)));
  });
  const picture = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'dag-title' },
    svg('title', { id: 'dag-title' }, `Batch jobs: ${jobs.map((job) => `${job.name} (${job.latestRun?.status ?? 'no runs'}${job.upstreamJobs?.length ? `, reads ${job.upstreamJobs.join(', ')}` : ''})`).join('; ')}`),
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '8', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }))),
    ...edges, ...nodes);

  const failures = jobs.filter((job) => job.latestRun && ['failed', 'timed_out'].includes(job.latestRun.status));
  return h('div', {},
    h('div', { class: 'dag' }, picture),
    failures.map((job) => h('div', { class: 'failure', role: 'status', 'data-job': job.name },
      h('strong', {}, `${job.name} ${job.latestRun.partition}: run ${job.latestRun.id} ${job.latestRun.status.replace('_', ' ')}`),
      job.latestRun.message ?? job.latestRun.errorCode ?? 'no message',
      h('span', { class: 'small' }, ` (${when(job.latestRun.finishedAtMs)})`))),
    h('ul', { class: 'visually-hidden' }, jobs.map((job) => h('li', {}, `${job.name}: `, job.latestRun ? badge(job.latestRun.status) : 'no runs'))));
}
