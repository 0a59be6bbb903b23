// Proves the verdict API end to end in-process: the fraud operator's live messages (from the stream
// harness) applied to the serving side's verdict table, then `GET /v1/fraud/ips/:ip` through the
// real app with real authentication: numbers for a blocked address, ok for an unknown one, 400 for
// a malformed one, 401 without a key; answered from memory in well under a millisecond.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSystemClock, createTestClock } from '../../../src/core/index.js';
import { ipKey } from '../../../src/events/index.js';
import { createOperatorHarness } from '../../../src/stream/index.js';
import { clickFrom, createFeeder, recordedFraudJob, sortClicks } from './fraud-fixtures.js';
import { createServingFixture, operatorToken, type ServingFixture } from './serving-fixture.js';

const startMs = Date.UTC(2026, 4, 4, 9, 0, 0);

describe('fraud verdict API', () => {
  let serving: ServingFixture;

  const get = async (url: string, token?: string) => {
    const response = await serving.app.request(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeEach(async () => {
    serving = await createServingFixture(createSystemClock());
    // A burst from one address and a few quiet ones, through the fraud operator; its live messages to the serving side.
    const harness = createOperatorHarness(recordedFraudJob().job, { clock: createTestClock(startMs + 3_600_000) });
    const burst = Array.from({ length: 60 }, (_, index) => clickFrom('203.0.113.66', startMs + index * 100, index));
    const quiet = Array.from({ length: 5 }, (_, index) => clickFrom(`2001:db8:5::${index + 1}`, startMs + index * 900, 100 + index));
    createFeeder().feed(harness, sortClicks([...burst, ...quiet]), 16);
    for (const message of harness.live) expect(serving.live.apply(message)).toBe(true);
  });

  afterEach(async () => {
    await serving.close();
  });

  it('answers a blocked address with its reasons and numbers, to any key', async () => {
    for (const token of [serving.readKey, serving.writeKey, operatorToken]) {
      const { status, body } = await get('/v1/fraud/ips/203.0.113.66', token);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        ip: '203.0.113.66',
        verdict: 'blocked',
        reasons: ['ip-10s', 'ip-60s', 'z-score'],
        numbers: { clicks10s: 60, clicks60s: 60, bucketClicks: 60, zScore: 60, network: { prefix: '203.0.113.0/24', clicks10s: 60, clicks60s: 60 }, heavyHitter: { estimate: 60, error: 0, rank: 1 } },
        lastClick: new Date(startMs + 5_000).toISOString(),
        source: 'stream',
      });
    }
  });

  it('answers quiet and unknown addresses as ok, IPv6 in any spelling', async () => {
    const quiet = await get(`/v1/fraud/ips/${encodeURIComponent('2001:0db8:5:0::3')}`, serving.readKey);
    // Numbers are as of the end of the batch that last touched the address (here, 4 of the 5 network clicks).
    expect(quiet.body).toMatchObject({ ip: '2001:db8:5::3', verdict: 'ok', reasons: [], numbers: { clicks10s: 1, network: { prefix: '2001:db8:5::/64', clicks10s: 4 } } });
    const unknown = await get('/v1/fraud/ips/198.51.100.1', serving.readKey);
    expect(unknown).toEqual({ status: 200, body: expect.objectContaining({ ip: '198.51.100.1', verdict: 'ok', numbers: null, note: expect.stringMatching(/No recent clicks/) }) });
  });

  it('refuses a malformed address with 400 and a request without a key with 401', async () => {
    const bad = await get('/v1/fraud/ips/300.1.2.3', serving.readKey);
    expect(bad).toEqual({ status: 400, body: { error: { code: 'bad_request', message: '"300.1.2.3" is not an IPv4 or IPv6 address', field: 'ip' } } });
    expect((await get('/v1/fraud/ips/203.0.113.66')).status).toBe(401);
    expect((await get('/v1/fraud/ips/203.0.113.66', 'cf_read_nope_nope')).status).toBe(401);
  });

  it('keeps the alert feed for the operator token', async () => {
    expect((await get('/v1/fraud/alerts', serving.readKey)).status).toBe(403);
  });

  it('answers from memory in well under a millisecond', async () => {
    const key = ipKey('203.0.113.66')!;
    let began = performance.now();
    for (let round = 0; round < 100_000; round++) serving.table.get(key);
    const lookupUs = ((performance.now() - began) * 1_000) / 100_000;
    expect(lookupUs).toBeLessThan(5);
    await get('/v1/fraud/ips/203.0.113.66', serving.readKey);
    const times: number[] = [];
    for (let round = 0; round < 300; round++) {
      began = performance.now();
      const response = await serving.app.request('/v1/fraud/ips/203.0.113.66', { headers: { authorization: `Bearer ${serving.readKey}` } });
      await response.arrayBuffer();
      times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    // The whole request in-process (authentication from its cache, lookup, JSON): the median.
    expect(times[150]!).toBeLessThan(1);
  });
});
