// A server for the front-door benchmarks, run in its own process so that the load tool and the
// server do not share a thread. `pipeline` starts clickflow on the embedded defaults in a temporary
// folder with one account, user, link and write key; `bare` starts a plain node:http server that
// answers every request with the same 302 (the ceiling a redirect service can reach in Node.js).
// Prints one JSON line with what the benchmark needs, then serves until killed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as ComposeModule from '../../src/cli/compose.js';
import type * as ConfigModule from '../../src/cli/config.js';
import type * as CoreModule from '../../src/core/index.js';
// The server runs the compiled build (`npm run bench` builds first), as users run it: the
// TypeScript loader's per-function helpers would otherwise show up in the measurements.
const dist = new URL('../../dist/', import.meta.url).href;
const { startPipeline } = (await import(`${dist}cli/compose.js`)) as typeof ComposeModule;
const { loadConfig } = (await import(`${dist}cli/config.js`)) as typeof ConfigModule;
const { createSilentLogger, createSystemClock } = (await import(`${dist}core/index.js`)) as typeof CoreModule;

const target = 'https://example.com/landing-page?utm_source=bench';

async function startBare(): Promise<void> {
  const server = http.createServer((_request, response) => {
    response.writeHead(302, { location: target, 'cache-control': 'private, no-store', 'content-length': '0' });
    response.end();
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
  });
}

async function startClickflow(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-serve-'));
  const config = loadConfig(
    { stream: false, batch: false, dataDir, port: '0', host: '127.0.0.1', durableRedirects: process.env.BENCH_DURABLE !== 'false', groupCommitIntervalMs: process.env.BENCH_GROUP_COMMIT_MS },
    {},
  );
  const pipeline = await startPipeline(config, { clock: createSystemClock(), logger: createSilentLogger() });
  const account = await pipeline.store.accounts.create({ name: 'Bench', planId: 'business' });
  const user = await pipeline.store.users.create({ accountId: account.id, email: 'bench@bench.example', timeZone: 'Europe/Berlin' });
  const slugs: string[] = [];
  for (let i = 0; i < 100; i++) {
    const link = await pipeline.store.links.create(account.id, { slug: `go${i}`, targetUrl: target, userId: user.id });
    slugs.push(link.slug);
  }
  const key = await pipeline.store.apiKeys.create(account.id, 'write', 'bench');
  process.stdout.write(`${JSON.stringify({ url: pipeline.url, writeKey: key.secret, slugs, dataDir })}\n`);
  process.once('SIGTERM', () => {
    void pipeline.stop().finally(() => process.exit(0));
  });
}

await (process.argv[2] === 'bare' ? startBare() : startClickflow());
