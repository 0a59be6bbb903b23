// The query API under ingest load: p99 of a 30-day daily series of one link (30 days of published
// batch hours plus the stream's open part, in the owner's zone) measured with autocannon while
// the ingest API takes NDJSON imports at the same time: paced at the design load (50,000 clicks a
// second; the target is judged there) and, for comparison, as fast as the server takes them
// (both cores saturated), and without imports. After an unrecorded warm-up. The server is clickflow in its own
// process (bench/helpers/serve-child.ts, front door and query API); this process publishes the
// batch hours and commits the stream rows into the server's SQLite store, then loads it.
import http from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSilentLogger, createSystemClock } from '../src/core/index.js';
import { encodeClick, partitionForIp, sampleClickEvent } from '../src/events/index.js';
import { createCountersOperator, speedJobName } from '../src/jobs/counters/index.js';
import { createSqliteStore, type Store } from '../src/store/index.js';
import { clickHeaderDecoder, createOperatorHarness, type JobDefinition } from '../src/stream/index.js';
import type { BenchContext, Benchmark } from './harness.js';
import { startChildServer } from './helpers/child-server.js';

interface PipelineInfo {
  url: string;
  writeKey: string;
  slugs: string[];
  dataDir: string;
}

const hourMs = 3_600_000;
const quarterMs = 900_000;
const days = 30;
const connections = 4;
/** A steady rate (a busy dashboard), so the figure is latency, not queueing behind a saturated server. */
const requestsPerSecond = 200;
const ingestLinesPerRequest = 1_000;
const ingestInFlight = 2;
/** The design load (docs: 50,000 clicks a second): imports paced to it while the target is measured. */
const designClicksPerSecond = 50_000;
/** Node flags of the server: as `npm start` (scripts/start.sh) runs clickflow. */
const serverNodeArgs = ['--max-semi-space-size=8'];

/** 30 days of published hours for the link (and a busier neighbour), up to two hours ago. */
async function publishHours(store: Store, link: { id: string; userId: string; accountId: string }, other: { id: string }, nowMs: number): Promise<number> {
  const lastMs = Math.floor(nowMs / hourMs) * hourMs - 2 * hourMs;
  let hours = 0;
  for (let hourStartMs = lastMs - (days + 1) * 24 * hourMs; hourStartMs < lastMs; hourStartMs += hourMs, hours++) {
    const slices = [0, 1, 2, 3].flatMap((quarter) => [
      { linkId: link.id, userId: link.userId, accountId: link.accountId, sliceStartMs: hourStartMs + quarter * quarterMs, human: 20 + quarter, bot: 3, suspicious: 1, duplicates: 0 },
      { linkId: other.id, userId: link.userId, accountId: link.accountId, sliceStartMs: hourStartMs + quarter * quarterMs, human: 200, bot: 30, suspicious: 10, duplicates: 2 },
    ]);
    const hour = new Date(hourStartMs).toISOString().slice(0, 13);
    await store.batchViews.publishHour({
      view: { hour, hourStartMs, runId: 1_000 + hours, version: 1, outputHash: `sha256:${hour}` },
      slices,
      visitors: [{ linkId: link.id, visitors: 60 }, { linkId: other.id, visitors: 700 }],
      breakdowns: ['DE', 'FR', 'US'].map((country) => ({ linkId: link.id, dimension: 'country' as const, value: country, human: 30, bot: 4, suspicious: 1 })),
    });
  }
  return hours;
}

/** The stream's rows for the last three hours of the link, as the speed job would commit them. */
async function commitStreamRows(store: Store, linkId: string, nowMs: number): Promise<void> {
  const job = (): JobDefinition => ({ name: speedJobName, decoder: clickHeaderDecoder(), operators: [createCountersOperator()] }) as unknown as JobDefinition;
  const harness = createOperatorHarness(job, { partitions: [0, 1, 2, 3], batchCapacity: 4_096 });
  const byPartition: Uint8Array[][] = [[], [], [], []];
  for (let i = 0; i < 3_000; i++) {
    const value = 0x0b000001 + i;
    const ip = `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
    const eventTimeMs = nowMs - 3 * hourMs + Math.floor((i * 3 * hourMs) / 3_000);
    byPartition[partitionForIp(ip, 4)]!.push(encodeClick(sampleClickEvent(i, { linkId, eventTimeMs, ingestTimeMs: eventTimeMs, ip })));
  }
  byPartition.forEach((records, partition) => harness.process(partition, records));
  const snapshot = harness.snapshot();
  harness.close();
  const positions = await store.streamCheckpoints.positions(speedJobName);
  await store.streamCheckpoints.commit(speedJobName, {
    checkpointId: 1_000_000,
    positions: [0, 1, 2, 3].map((partition) => {
      const stored = positions.find((position) => position.partition === partition);
      return { partition, nextOffset: stored?.nextOffset ?? 0, watermarkMs: nowMs - 5_000, expectedNextOffset: stored?.nextOffset ?? null };
    }),
    stateDeletions: [],
    stateUpserts: [],
    views: snapshot.views,
    lateEvents: [],
    lateCounts: [],
  });
}

function post(agent: http.Agent, url: URL, key: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'content-length': body.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`ingest answered ${response.statusCode}`));
        resolve((JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }).accepted);
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Imports clicks until stopped; resolves with the events accepted and the seconds it ran. Event ids
 * go on from `firstSequence` (the previous run's end), so a later run's clicks are new, not
 * duplicates the server drops without appending them.
 */
function ingestLoad(info: PipelineInfo, firstSequence: number, eventsPerSecond = Number.POSITIVE_INFINITY): { stop(): Promise<{ events: number; seconds: number; nextSequence: number }> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: ingestInFlight });
  const url = new URL('/v1/events', info.url);
  let running = true;
  let events = 0;
  let sequence = firstSequence;
  const startedMs = performance.now();
  const body = (): Buffer => {
    const nowMs = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < ingestLinesPerRequest; i++, sequence++) {
      lines.push(`{"id":"q${sequence}","eventTimeMs":${nowMs - (i % 1_000)},"slug":"${info.slugs[1 + (sequence % (info.slugs.length - 1))]}","ip":"198.${(sequence >> 16) & 255}.${(sequence >> 8) & 255}.${sequence & 255}","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0","country":"DE"}`);
    }
    return Buffer.from(`${lines.join('\n')}\n`);
  };
  // Paced: a request waits until the clicks sent so far are due at `eventsPerSecond`.
  let sent = 0;
  const loops = Array.from({ length: ingestInFlight }, async () => {
    while (running) {
      const dueMs = startedMs + (sent / eventsPerSecond) * 1_000;
      const waitMs = dueMs - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (!running) break;
      sent += ingestLinesPerRequest;
      // Not `events += await …`: that reads `events` before the await, and the other loop's
      // additions in between would be lost.
      const accepted = await post(agent, url, info.writeKey, body());
      events += accepted;
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return { events, seconds: (performance.now() - startedMs) / 1_000, nextSequence: sequence };
    },
  };
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

const benchmark: Benchmark = {
  name: 'query',
  description: 'GET /v1/links/:id/stats, 30-day daily series over batch + stream, p99 under concurrent ingest load',
  async run(ctx: BenchContext) {
    const server = await startChildServer<PipelineInfo>('pipeline', {}, serverNodeArgs);
    const store = createSqliteStore({ clock: createSystemClock(), logger: createSilentLogger() }, { path: path.join(server.info.dataDir, 'clickflow.sqlite') });
    try {
      const nowMs = Date.now();
      const link = (await store.links.getBySlug(server.info.slugs[0]!))!;
      const other = (await store.links.getBySlug(server.info.slugs[1]!))!;
      const readKey = (await store.apiKeys.create(link.accountId, 'read', 'bench')).secret;
      const hours = await publishHours(store, link, other, nowMs);
      await commitStreamRows(store, link.id, nowMs);
      ctx.progress(`published ${hours} batch hours; stream rows for the last 3 hours`);
      const from = new Date(nowMs - days * 24 * hourMs).toISOString().slice(0, 10);
      const to = new Date(nowMs + 24 * hourMs).toISOString().slice(0, 10);
      const statsPath = `/v1/links/${link.id}/stats?from=${from}&to=${to}&interval=day`;
      const check = await fetch(new URL(statsPath, server.info.url), { headers: { authorization: `Bearer ${readKey}` } });
      const sample = (await check.json()) as { buckets: { source: string }[] };
      if (check.status !== 200) throw new Error(`stats answered ${check.status}: ${JSON.stringify(sample)}`);
      ctx.progress(`series of ${sample.buckets.length} days: ${sample.buckets.map((bucket) => bucket.source[0]).join('')}`);
      const durationS = Math.max(3, Math.round(10 * ctx.scale));
      const requests = [{ method: 'GET' as const, path: statsPath, headers: { authorization: `Bearer ${readKey}` } }];
      const cannon = async (seconds: number) => (await autocannon({ url: server.info.url, connections, overallRate: requestsPerSecond, duration: seconds, requests })) as unknown as CannonResult;
      /** The stats requests while imports run at `eventsPerSecond` (unbounded: as fast as the server takes them). */
      let sequence = 0;
      const underIngest = async (seconds: number, eventsPerSecond?: number) => {
        const load = ingestLoad(server.info, sequence, eventsPerSecond);
        const result = await cannon(seconds);
        const ingest = await load.stop();
        sequence = ingest.nextSequence;
        if (result.errors > 0 || result.non2xx > 0) throw new Error(`autocannon saw ${result.errors} errors and ${result.non2xx} non-2xx answers`);
        return { result, ingestPerS: ingest.events / ingest.seconds };
      };
      // Warm-up, not recorded: the first seconds of a fresh server run unoptimized code and fault in
      // the dedupe tables (the first measured run was always the slowest).
      ctx.progress('warming up (3 s without imports, 3 s with)');
      await cannon(3);
      await underIngest(3, designClicksPerSecond);
      const figures = { p50: [] as number[], p99: [] as number[], rates: [] as number[], ingest: [] as number[], quietP99: [] as number[], quietCpuMs: [] as number[], floodP99: [] as number[], floodIngest: [] as number[] };
      for (let run = 0; run < ctx.runs; run++) {
        // The same requests without imports, for comparison: how much of the tail is the ingest.
        const quietCpuStartMs = server.cpuMs();
        const quiet = await cannon(durationS);
        figures.quietP99.push(quiet.latency.p99);
        // CPU time is steadier than latency on a shared machine: what one request costs the server.
        figures.quietCpuMs.push((server.cpuMs() - quietCpuStartMs) / quiet.requests.total);
        const paced = await underIngest(durationS, designClicksPerSecond);
        figures.p50.push(paced.result.latency.p50);
        figures.p99.push(paced.result.latency.p99);
        figures.rates.push(paced.result.requests.average);
        figures.ingest.push(paced.ingestPerS);
        ctx.progress(
          `run ${run + 1}: p50 ${paced.result.latency.p50} ms, p99 ${paced.result.latency.p99} ms with imports at ${Math.round(paced.ingestPerS)} events/s; ` +
            `without ${quiet.latency.p99} ms (server CPU ${figures.quietCpuMs.at(-1)!.toFixed(2)} ms a request)`,
        );
      }
      // Imports as fast as the server takes them last: what they leave behind (the kernel writing
      // back hundreds of MB of log, a grown heap) would disturb the runs after them.
      for (let run = 0; run < ctx.runs; run++) {
        const flood = await underIngest(durationS);
        figures.floodP99.push(flood.result.latency.p99);
        figures.floodIngest.push(flood.ingestPerS);
        ctx.progress(`run ${run + 1}, imports as fast as taken (${Math.round(flood.ingestPerS)} events/s): p99 ${flood.result.latency.p99} ms`);
      }
      const ingestLabel = `NDJSON, ${ingestLinesPerRequest} lines a request, ${ingestInFlight} in flight`;
      ctx.record({ case: `30-day daily series, ${connections} connections at ${requestsPerSecond} req/s offered, requests/s`, unit: 'req/s', runs: figures.rates, better: 'higher' });
      ctx.record({ case: '30-day daily series p50 latency, imports at 50,000 clicks/s', unit: 'ms', runs: figures.p50, better: 'lower' });
      const latency = ctx.record({ case: '30-day daily series p99 latency, imports at 50,000 clicks/s', unit: 'ms', runs: figures.p99, better: 'lower' });
      ctx.record({ case: `concurrent imports, paced (${ingestLabel})`, unit: 'events/s', runs: figures.ingest, better: 'higher' });
      ctx.record({ case: '30-day daily series p99 latency without concurrent ingest', unit: 'ms', runs: figures.quietP99, better: 'lower' });
      ctx.record({ case: 'server CPU per request without concurrent ingest (all threads)', unit: 'ms', runs: figures.quietCpuMs, better: 'lower' });
      ctx.record({ case: '30-day daily series p99 latency, imports as fast as the server takes them', unit: 'ms', runs: figures.floodP99, better: 'lower' });
      ctx.record({ case: `concurrent imports, unpaced (${ingestLabel})`, unit: 'events/s', runs: figures.floodIngest, better: 'higher' });
      ctx.target('stats p99 < 10 ms under ingest load (imports at the design rate, 50,000 clicks/s)', latency.median < 10, `${latency.median} ms`);
    } finally {
      await store.close();
      await server.stop();
    }
  },
};

export default benchmark;
