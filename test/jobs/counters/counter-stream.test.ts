// Proves the live counters stream over a real HTTP server: the report arrives at once, then within
// 250 ms of every commit that changed the link, at least once a second while the link is clicked,
// its last event carries the committed total; streams are bounded (503 past the limit) and a
// client that goes away leaves no subscriber behind.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterViewNames, decodeCounterRow } from '../../../src/jobs/counters/index.js';
import type { CounterReport } from '../../../src/serve/index.js';
import { address, click } from './counter-fixtures.js';
import { startCountingWorld, type CountingWorld } from './serving-fixtures.js';

interface ReceivedEvent {
  atMs: number;
  event: string;
  id: string;
  report: CounterReport;
}

interface Client {
  status: number;
  events: ReceivedEvent[];
  close(): void;
  /** Resolves when `count` events have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

async function connect(url: string, token: string): Promise<Client> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  const events: ReceivedEvent[] = [];
  const waiters: (() => void)[] = [];
  if (response.ok) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const fields = new Map<string, string>();
            for (const line of block.split('\n')) if (!line.startsWith(':')) fields.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim());
            if (!fields.has('data')) continue;
            events.push({ atMs: performance.now(), event: fields.get('event') ?? '', id: fields.get('id') ?? '', report: JSON.parse(fields.get('data')!) as CounterReport });
            for (const waiter of waiters.splice(0)) waiter();
          }
        }
      } catch {
        // Aborted by the test.
      }
    })();
  }
  return {
    status: response.status,
    events,
    close: () => abort.abort(),
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${count} events arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live counters stream', () => {
  let world: CountingWorld & { dir: { remove(): Promise<void> } };
  let server: http.Server;
  let base = '';

  beforeAll(async () => {
    world = await startCountingWorld();
    await world.append([click(world.alpha.linkId, Date.now() - 5_000, address(1))]);
    await world.committed();
    server = http.createServer(getRequestListener(world.app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await world.close();
  });

  it('pushes the counters at once, within 250 ms of each commit, and at least once a second while clicked', async () => {
    const client = await connect(`${base}/v1/links/${world.alpha.linkId}/counters/stream`, world.alpha.readKey);
    expect(client.status).toBe(200);
    await client.waitFor(1);
    expect(client.events[0]).toMatchObject({ event: 'counters', id: '1', report: { linkId: world.alpha.linkId, total: 1, source: 'provisional' } });
    const connectedAtMs = performance.now();
    const commitsBefore = world.commits.length;

    // Three seconds of clicks, one every 50 ms.
    const clickingFromMs = performance.now();
    for (let index = 0; index < 60; index++) {
      await world.append([click(world.alpha.linkId, Date.now(), address(100 + index))]);
      await sleep(50);
    }
    const clickingToMs = performance.now();
    await world.committed();
    const finalTotal = 61;
    const deadline = Date.now() + 3_000;
    while (client.events.at(-1)!.report.total !== finalTotal && Date.now() < deadline) await sleep(20);
    expect(client.events.at(-1)!.report.total).toBe(finalTotal);

    // Every commit that changed the link was followed within 250 ms by an event showing at least its total.
    const partitionTotals = new Map<number, number>();
    const changing: { atMs: number; total: number }[] = [];
    for (const [index, { update, atMs }] of world.commits.entries()) {
      const rows = update.views.filter((change) => change.view === counterViewNames.links && change.key === world.alpha.linkId);
      for (const row of rows) {
        const decoded = decodeCounterRow(row.value!);
        partitionTotals.set(row.partition, decoded.human + decoded.bot + decoded.suspicious);
      }
      if (rows.length > 0 && index >= commitsBefore && atMs > connectedAtMs) changing.push({ atMs, total: [...partitionTotals.values()].reduce((sum, total) => sum + total, 0) });
    }
    expect(changing.length).toBeGreaterThan(5);
    for (const commit of changing) {
      const pushed = client.events.find((event) => event.atMs >= commit.atMs && event.report.total >= commit.total);
      expect(pushed, `a commit at ${commit.atMs.toFixed(0)} ms`).toBeDefined();
      expect(pushed!.atMs - commit.atMs).toBeLessThan(250);
    }
    // At least one event in every second of clicking.
    for (let fromMs = clickingFromMs; fromMs + 1_000 <= clickingToMs; fromMs += 1_000) {
      expect(client.events.filter((event) => event.atMs >= fromMs && event.atMs < fromMs + 1_000).length).toBeGreaterThanOrEqual(1);
    }
    // Totals never go backwards, ids count up.
    const totals = client.events.map((event) => event.report.total);
    expect([...totals].sort((a, b) => a - b)).toEqual(totals);
    expect(client.events.map((event) => Number(event.id))).toEqual(client.events.map((_, index) => index + 1));

    client.close();
    const gone = Date.now() + 3_000;
    while (world.counterViews.stats().subscribers > 0 && Date.now() < gone) await sleep(20);
    expect(world.counterViews.stats().subscribers).toBe(0);
  });

  it("refuses another account's key, and streams past the limit", async () => {
    expect((await connect(`${base}/v1/links/${world.alpha.linkId}/counters/stream`, world.beta.readKey)).status).toBe(404);
    const first = await connect(`${base}/v1/links/${world.alpha.linkId}/counters/stream`, world.alpha.readKey);
    const second = await connect(`${base}/v1/links/${world.beta.linkId}/counters/stream`, world.beta.readKey);
    await Promise.all([first.waitFor(1), second.waitFor(1)]);
    const third = await connect(`${base}/v1/links/${world.alpha.linkId}/counters/stream`, world.alpha.readKey);
    expect(third.status).toBe(503);
    first.close();
    second.close();
    const gone = Date.now() + 3_000;
    while (world.counterViews.stats().subscribers > 0 && Date.now() < gone) await sleep(20);
    const again = await connect(`${base}/v1/links/${world.alpha.linkId}/counters/stream`, world.alpha.readKey);
    expect(again.status).toBe(200);
    again.close();
  });
});
