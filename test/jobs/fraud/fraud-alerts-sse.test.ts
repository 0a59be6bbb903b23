// Proves the alert feed over a real HTTP server on a free port: a client with the operator token
// receives each verdict change of a burst as a server-sent event, then heartbeat comments; when it
// disconnects the feed forgets it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSystemClock, createTestClock } from '../../../src/core/index.js';
import type { FraudVerdictChange } from '../../../src/jobs/fraud/index.js';
import { createOperatorHarness } from '../../../src/stream/index.js';
import { clickFrom, createFeeder, recordedFraudJob, sortClicks } from './fraud-fixtures.js';
import { createServingFixture, operatorToken, type ServingFixture } from './serving-fixture.js';

const startMs = Date.UTC(2026, 4, 4, 9, 0, 0);

interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Parses complete events (blocks ending in a blank line) off the front of `text`. */
function parseEvents(text: string): { events: SseEvent[]; rest: string } {
  const blocks = text.split('\n\n');
  const rest = blocks.pop()!;
  const events = blocks.map((block) => {
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) event.comment = line.slice(1).trim();
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('data: ')) event.data = line.slice(6);
    }
    return event;
  });
  return { events, rest };
}

describe('fraud alert feed (server-sent events)', () => {
  let serving: ServingFixture;
  let server: http.Server;
  let url: string;

  beforeEach(async () => {
    serving = await createServingFixture(createSystemClock(), { heartbeatMs: 150 });
    server = http.createServer(getRequestListener(serving.app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/fraud/alerts`;
  });

  afterEach(async () => {
    await serving.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers verdict changes as they happen, then heartbeats', async () => {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { authorization: `Bearer ${operatorToken}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: SseEvent[] = [];
    let buffered = '';
    const readUntil = async (done: () => boolean) => {
      while (!done()) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error('the feed ended');
        const parsed = parseEvents(buffered + value);
        events.push(...parsed.events);
        buffered = parsed.rest;
      }
    };
    await readUntil(() => events.length > 0);
    expect(serving.alerts.stats().clients).toBe(1);

    const harness = createOperatorHarness(recordedFraudJob().job, { clock: createTestClock(startMs + 3_600_000) });
    createFeeder().feed(harness, sortClicks(Array.from({ length: 60 }, (_, index) => clickFrom('203.0.113.66', startMs + index * 100, index))), 10);
    for (const message of harness.live) serving.live.apply(message);

    const verdicts = () => events.filter((event) => event.event === 'verdict');
    await readUntil(() => verdicts().length === 2);
    const changes = verdicts().map((event) => JSON.parse(event.data!) as FraudVerdictChange);
    expect(changes.map((change) => [change.ip, change.from, change.to])).toEqual([
      ['203.0.113.66', 'ok', 'suspicious'],
      ['203.0.113.66', 'suspicious', 'blocked'],
    ]);
    expect(changes[1]!.numbers.clicks10s).toBe(50);
    expect(verdicts().map((event) => event.id)).toEqual(['1', '2']);

    const seen = events.length;
    await readUntil(() => events.slice(seen).some((event) => event.comment?.startsWith('heartbeat') === true));
    abort.abort();
    await reader.cancel().catch(() => undefined);
    for (let wait = 0; wait < 100 && serving.alerts.stats().clients > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(serving.alerts.stats().clients).toBe(0);
  });
});
