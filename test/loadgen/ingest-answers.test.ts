// Proves the ingest target reads the server's answers right: refused lines of a 207 are left out
// of the acknowledged events, a 503 is retried, and a refused key is fatal for the run.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../src/core/index.js';
import { createIngestTarget, createLineRenderer, createLoadGenerator, type RequestOutcome } from '../../src/loadgen/index.js';

let server: http.Server | undefined;

async function serve(answer: (attempt: number, lines: number) => { status: number; body: unknown }): Promise<string> {
  let attempt = 0;
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const lines = Buffer.concat(chunks).toString().split('\n').filter((line) => line !== '').length;
      const { status, body } = answer(attempt++, lines);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function sendOne(url: string, retries = 0): Promise<RequestOutcome> {
  const generator = createLoadGenerator({ accounts: 1, usersPerAccount: 1, links: 10, visitors: 100, networks: 10, duplicateShare: 0 });
  const renderer = createLineRenderer(generator.world, generator.eventIdPrefix, { traits: true });
  const target = createIngestTarget({ clock: createSystemClock(), world: generator.world, renderer }, { url, writeKeys: ['key'], linesPerRequest: 10, connections: 1, retries, requestTimeoutMs: 5_000 });
  target.accept(generator.nextBatch(10));
  const outcome = await target.startNext().outcome;
  await target.close();
  return outcome;
}

describe('ingest target answers', () => {
  it('leaves refused lines out of the acknowledged events', async () => {
    const url = await serve(() => ({ status: 207, body: { accepted: 8, duplicates: 0, rejected: 2, rejections: [{ line: 2, reason: 'eventTimeMs: outside' }, { line: 7, reason: 'slug: unknown' }] } }));
    const outcome = await sendOne(url);
    expect(outcome).toMatchObject({ events: 10, acknowledgedCount: 8, failed: 2, serverAccepted: 8, error: 'line 2: eventTimeMs: outside' });
    expect(Array.from(outcome.acknowledged[0]!.indexes!)).toEqual([0, 2, 3, 4, 5, 7, 8, 9]);
    expect(outcome.fatal).toBeUndefined();
  });

  it('retries a 503 and then succeeds', async () => {
    const url = await serve((attempt, lines) => (attempt === 0 ? { status: 503, body: { error: { message: 'busy' } } } : { status: 200, body: { accepted: lines, duplicates: 0, rejected: 0, rejections: [] } }));
    const outcome = await sendOne(url, 2);
    expect(outcome).toMatchObject({ acknowledgedCount: 10, failed: 0, retries: 1 });
  });

  it('treats a refused key as fatal', async () => {
    const url = await serve(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'the API key is unknown or revoked' } } }));
    const outcome = await sendOne(url);
    expect(outcome).toMatchObject({ acknowledgedCount: 0, failed: 10, fatal: true });
    expect(outcome.error).toMatch(/401: the API key is unknown or revoked/);
  });
});
