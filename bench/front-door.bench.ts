// The front door under load, each server in its own process:
// - redirect: GET /:slug through clickflow (click durable before the 302) against a bare node:http
//   server answering the same 302 (the ceiling), both driven by autocannon in the same run, at 50
//   and 100 connections;
// - ingest: durable events/s through POST /v1/events with batched NDJSON (5,000 lines a request).
import http from 'node:http';
import autocannon from 'autocannon';
import type { BenchContext, Benchmark } from './harness.js';
import { startChildServer, type ChildServer } from './helpers/child-server.js';

interface PipelineInfo {
  url: string;
  writeKey: string;
  slugs: string[];
}

const connectionLevels = [50, 100];
const linesPerRequest = 5_000;
const requestsInFlight = 4;

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  statusCodeStats?: Record<string, { count: number }>;
}

async function cannon(url: string, paths: string[], durationS: number, connections: number): Promise<CannonResult> {
  const result = (await autocannon({
    url,
    connections,
    duration: durationS,
    requests: paths.map((path) => ({ method: 'GET', path })),
  })) as unknown as CannonResult;
  if (result.errors > 0) throw new Error(`autocannon saw ${result.errors} errors`);
  return result;
}

/**
 * The redirect at two concurrencies. A durable redirect waits for its click's disk write (one
 * group commit, about 0.4 ms here), so it is bound by latency, not CPU, at low concurrency: more
 * clients in flight share each commit. Both are measured against the bare server at the same
 * concurrency; the target is judged at each, and met when met at one with its p99 under 10 ms.
 */
async function benchRedirect(ctx: BenchContext): Promise<void> {
  const durationS = Math.max(3, Math.round(10 * ctx.scale));
  const bare = await startChildServer<{ url: string }>('bare');
  const clickflow = await startChildServer<PipelineInfo>('pipeline');
  const paths = clickflow.info.slugs.slice(0, 20).map((slug) => `/${slug}`);
  type Rows = { bare: number[]; ours: number[]; bareP99: number[]; oursP50: number[]; oursP99: number[]; bareCpu: number[]; oursCpu: number[] };
  const rows = new Map<number, Rows>(connectionLevels.map((level) => [level, { bare: [], ours: [], bareP99: [], oursP50: [], oursP99: [], bareCpu: [], oursCpu: [] }]));
  /** Requests/s and the server's CPU per request, in µs. */
  const measure = async (server: ChildServer<{ url: string }>, connections: number): Promise<CannonResult & { cpuPerRequestUs: number }> => {
    const cpuStartMs = server.cpuMs();
    const result = await cannon(server.info.url, paths, durationS, connections);
    return { ...result, cpuPerRequestUs: ((server.cpuMs() - cpuStartMs) * 1000) / Math.max(1, result.requests.total) };
  };
  try {
    for (let run = 0; run < ctx.runs; run++) {
      for (const connections of connectionLevels) {
        const row = rows.get(connections)!;
        const base = await measure(bare, connections);
        const ours = await measure(clickflow, connections);
        if (ours.non2xx !== 0 && !ours.statusCodeStats?.['302']) throw new Error('clickflow did not answer 302');
        row.bare.push(base.requests.average);
        row.bareP99.push(base.latency.p99);
        row.ours.push(ours.requests.average);
        row.oursP50.push(ours.latency.p50);
        row.oursP99.push(ours.latency.p99);
        row.bareCpu.push(base.cpuPerRequestUs);
        row.oursCpu.push(ours.cpuPerRequestUs);
        ctx.progress(`run ${run + 1}, ${connections} connections: bare ${Math.round(base.requests.average)} req/s, clickflow ${Math.round(ours.requests.average)} req/s, p99 ${ours.latency.p99} ms`);
      }
    }
  } finally {
    await Promise.all([bare.stop(), clickflow.stop()]);
  }
  const met: string[] = [];
  for (const connections of connectionLevels) {
    const row = rows.get(connections)!;
    const bareRate = ctx.record({ case: `bare node:http 302 (${connections} connections)`, unit: 'req/s', runs: row.bare, better: 'higher' });
    ctx.record({ case: `bare node:http 302 p99 latency (${connections} connections)`, unit: 'ms', runs: row.bareP99, better: 'lower' });
    const ourRate = ctx.record({ case: `clickflow redirect, click durable before 302 (${connections} connections)`, unit: 'req/s', runs: row.ours, better: 'higher' });
    ctx.record({ case: `clickflow redirect p50 latency (${connections} connections)`, unit: 'ms', runs: row.oursP50, better: 'lower' });
    const ourP99 = ctx.record({ case: `clickflow redirect p99 latency (${connections} connections)`, unit: 'ms', runs: row.oursP99, better: 'lower' });
    const bareCpu = ctx.record({ case: `bare node:http 302 server CPU per request (${connections} connections)`, unit: 'µs', runs: row.bareCpu, better: 'lower' });
    const ourCpu = ctx.record({ case: `clickflow redirect server CPU per request, all threads (${connections} connections)`, unit: 'µs', runs: row.oursCpu, better: 'lower' });
    ctx.ratio(`clickflow redirect / bare 302 server CPU per request (${connections} connections)`, ourCpu, bareCpu);
    const share = ctx.ratio(`clickflow redirect / bare 302 ceiling (${connections} connections)`, ourRate, bareRate);
    if (share >= 0.6 && ourP99.median < 10) met.push(`${connections} connections: ${(share * 100).toFixed(0)}%, p99 ${ourP99.median} ms`);
    ctx.target(`redirect >= 60% of the bare 302 ceiling (${connections} connections)`, share >= 0.6, `${(share * 100).toFixed(0)}%`);
    ctx.target(`redirect p99 < 10 ms (${connections} connections)`, ourP99.median < 10, `${ourP99.median} ms`);
  }
  ctx.target('redirect >= 60% of the ceiling with p99 < 10 ms at some concurrency', met.length > 0, met.length > 0 ? met.join('; ') : 'at none');
}

const userAgents = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
];

/** Prebuilt NDJSON bodies, so that the client's cost is only sending them. */
function buildBodies(run: number, slugs: string[], totalEvents: number): Buffer[] {
  const nowMs = Date.now();
  const bodies: Buffer[] = [];
  for (let start = 0; start < totalEvents; start += linesPerRequest) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(totalEvents, start + linesPerRequest); i++) {
      lines.push(
        `{"id":"r${run}-${i}","eventTimeMs":${nowMs - (i % 5_000)},"slug":"${slugs[i % slugs.length]}","ip":"198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}",` +
          `"userAgent":"${userAgents[i % userAgents.length]}","referrer":"https://news.example/item/${i % 97}","country":"DE"}`,
      );
    }
    bodies.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  return bodies;
}

function post(agent: http.Agent, url: URL, key: string, body: Buffer): Promise<{ status: number; accepted: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'content-length': body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, accepted: (JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }).accepted }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function benchIngest(ctx: BenchContext): Promise<void> {
  const server = await startChildServer<PipelineInfo>('pipeline');
  const agent = new http.Agent({ keepAlive: true, maxSockets: requestsInFlight });
  const url = new URL('/v1/events', server.info.url);
  const totalEvents = Math.round(1_000_000 * ctx.scale);
  const cpuPerEvent: number[] = [];
  try {
    const measured = await ctx.measure(`ingest API, durable (NDJSON, ${linesPerRequest} lines a request, ${requestsInFlight} in flight)`, 'events/s', 'higher', async (run) => {
      const bodies = buildBodies(run, server.info.slugs, totalEvents);
      let next = 0;
      let accepted = 0;
      const cpuStartMs = server.cpuMs();
      const startedMs = performance.now();
      await Promise.all(
        Array.from({ length: requestsInFlight }, async () => {
          while (next < bodies.length) {
            const answer = await post(agent, url, server.info.writeKey, bodies[next++]!);
            if (answer.status !== 200) throw new Error(`ingest answered ${answer.status}`);
            accepted += answer.accepted;
          }
        }),
      );
      const elapsedS = (performance.now() - startedMs) / 1000;
      if (accepted !== totalEvents) throw new Error(`accepted ${accepted} of ${totalEvents}`);
      cpuPerEvent.push(((server.cpuMs() - cpuStartMs) * 1000) / totalEvents);
      return totalEvents / elapsedS;
    });
    ctx.record({ case: 'ingest server CPU per event (all threads)', unit: 'µs', runs: cpuPerEvent, better: 'lower' });
    ctx.target('ingest >= 300,000 durable events/s', measured.median >= 300_000, `${Math.round(measured.median)} events/s`);
  } finally {
    agent.destroy();
    await server.stop();
  }
}

const benchmark: Benchmark = {
  name: 'front-door',
  description: 'redirect req/s and latency vs a bare node:http 302; durable ingest events/s through POST /v1/events',
  async run(ctx) {
    // `BENCH_FRONT_DOOR=ingest` or `=redirect` runs one half, e.g. to profile it on its own.
    const only = process.env.BENCH_FRONT_DOOR;
    if (only !== 'redirect') await benchIngest(ctx);
    if (only !== 'ingest') await benchRedirect(ctx);
  },
};

export default benchmark;
