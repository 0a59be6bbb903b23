// Proves the link stats and breakdowns over a real store: a slice comes from the batch views when
// its hour is published and from the stream otherwise (the batch wins where both have it), a
// bucket half sealed is `mixed` and provisional, corrected hours say so, day buckets follow the
// zone (a 23- and a 25-hour day in New York, +5:30 days in Kolkata), a key of another account
// gets 404, malformed parameters get a 400 naming them, and CSV carries the same buckets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, click, hourMs, operatorToken, quarterMs, startQueryWorld, type QueryWorld } from './query-fixtures.js';

const now = Date.parse('2026-11-25T12:10:00Z');
const at = (text: string): number => Date.parse(text);

interface Bucket {
  start: string;
  startMs: number;
  endMs: number;
  total: number;
  human: number;
  bot: number;
  suspicious: number;
  source: string;
  finality: string;
  runIds: number[];
  slices: { batch: number; stream: number; missing: number };
  visitors: { kind: string; value?: number; min?: number; max?: number };
}

const bucketsOf = (body: Record<string, unknown>): Bucket[] => body.buckets as Bucket[];

describe('link stats over batch and stream', () => {
  let world: QueryWorld;

  beforeEach(async () => {
    world = await startQueryWorld(now);
  });
  afterEach(async () => {
    await world.close();
  });

  /** Hours 08 and 09 published for alpha's link; the stream counted clicks in 08 (differently) and 10-11. */
  const sealedAndOpen = async () => {
    const linkId = world.alpha.linkId;
    await world.publish(at('2026-11-25T08:00:00Z'), 11, [
      { linkId, sliceStartMs: at('2026-11-25T08:00:00Z'), human: 3, bot: 0, suspicious: 0 },
      { linkId, sliceStartMs: at('2026-11-25T08:45:00Z'), human: 1, bot: 1, suspicious: 0 },
    ], { visitors: { [linkId]: 4 } });
    await world.publish(at('2026-11-25T09:00:00Z'), 12, [{ linkId, sliceStartMs: at('2026-11-25T09:30:00Z'), human: 0, bot: 0, suspicious: 2 }]);
    await world.stream([
      click(linkId, at('2026-11-25T08:10:00Z'), 1),
      click(linkId, at('2026-11-25T10:05:00Z'), 2),
      click(linkId, at('2026-11-25T10:06:00Z'), 3),
      click(linkId, at('2026-11-25T10:50:00Z'), 4, true),
      click(linkId, at('2026-11-25T11:20:00Z'), 5),
    ]);
    return linkId;
  };

  it('takes published hours from the batch and open hours from the stream', async () => {
    const linkId = await sealedAndOpen();
    const reply = await call(world.app, 'GET', `/v1/links/${linkId}/stats?from=2026-11-25T08:00:00Z&to=2026-11-25T12:00:00Z&interval=hour&tz=UTC`, world.alpha.readKey);
    expect(reply.status).toBe(200);
    const buckets = bucketsOf(reply.body);
    expect(buckets.map((b) => [b.start, b.source, b.finality, b.total, b.runIds])).toEqual([
      ['2026-11-25T08:00:00+00:00', 'batch', 'final', 5, [11]],
      ['2026-11-25T09:00:00+00:00', 'batch', 'final', 2, [12]],
      ['2026-11-25T10:00:00+00:00', 'stream', 'provisional', 3, []],
      ['2026-11-25T11:00:00+00:00', 'stream', 'provisional', 1, []],
    ]);
    expect(buckets[1]).toMatchObject({ human: 0, bot: 0, suspicious: 2 });
    expect(buckets[2]).toMatchObject({ human: 2, bot: 1, suspicious: 0 });
    // One whole published UTC hour: exact visitors; an open hour: the stream's estimate.
    expect(buckets[0]!.visitors).toEqual({ kind: 'exact', value: 4 });
    expect(buckets[2]!.visitors).toMatchObject({ kind: 'estimate', value: 3 });
    expect(reply.body.totals).toEqual({ total: 11, human: 7, bot: 2, suspicious: 2 });
    const completeness = reply.body.completeness as { batch: { watermarkMs: number; latestRunId: number }; stream: { watermarkMs: number } };
    expect(completeness.batch).toMatchObject({ watermarkMs: at('2026-11-25T10:00:00Z'), latestRunId: 12 });
    expect(completeness.stream.watermarkMs).toBe(now - 5_000);
  });

  it('marks a bucket half sealed as mixed and provisional (Asia/Kolkata local hour 15:00 = 09:30-10:30 UTC)', async () => {
    const linkId = await sealedAndOpen();
    const reply = await call(world.app, 'GET', `/v1/links/${linkId}/stats?from=2026-11-25T15:00&to=2026-11-25T16:00&interval=hour`, world.alpha.readKey);
    expect(reply.status).toBe(200);
    // The store keeps Intl's canonical name for the owner's zone.
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(reply.body.timeZone);
    const [bucket] = bucketsOf(reply.body);
    expect(bucket).toMatchObject({
      start: '2026-11-25T15:00:00+05:30',
      startMs: at('2026-11-25T09:30:00Z'),
      endMs: at('2026-11-25T10:30:00Z'),
      source: 'mixed',
      finality: 'provisional',
      slices: { batch: 2, stream: 2, missing: 0 },
      runIds: [12],
      total: 4,
      suspicious: 2,
      human: 2,
    });
    // Not one UTC hour: visitors are bounds over the two hours it touches.
    expect(bucket!.visitors.kind).toBe('bounds');
  });

  it('says corrected when an hour is republished after late clicks, with the new run', async () => {
    const linkId = await sealedAndOpen();
    const url = `/v1/links/${linkId}/stats?from=2026-11-25T08:00:00Z&to=2026-11-25T10:00:00Z&interval=hour&tz=UTC`;
    expect(bucketsOf((await call(world.app, 'GET', url, world.alpha.readKey)).body)[0]).toMatchObject({ finality: 'final', total: 5 });
    await world.publish(at('2026-11-25T08:00:00Z'), 21, [{ linkId, sliceStartMs: at('2026-11-25T08:00:00Z'), human: 9, bot: 0, suspicious: 0 }], { version: 2 });
    // The batch part of a series is reused for a second: the correction shows after it.
    expect(bucketsOf((await call(world.app, 'GET', url, world.alpha.readKey)).body)[0]).toMatchObject({ finality: 'final', total: 5 });
    world.clock.advance(1_000);
    const reply = await call(world.app, 'GET', url, world.alpha.readKey);
    expect(bucketsOf(reply.body).map((b) => [b.finality, b.total, b.runIds])).toEqual([
      ['corrected', 9, [21]],
      ['final', 2, [12]],
    ]);
  });

  it('follows each commit that changes the link and each new hour, though a series is reused between them', async () => {
    const linkId = await sealedAndOpen();
    const url = `/v1/links/${linkId}/stats?from=2026-11-25T10:00:00Z&to=2026-11-25T13:00:00Z&interval=hour&tz=UTC`;
    const series = async () => bucketsOf((await call(world.app, 'GET', url, world.alpha.readKey)).body).map((b) => [b.total, b.visitors.kind, b.visitors.value]);
    const first = await series();
    expect(first).toEqual([
      [3, 'estimate', 3],
      [1, 'estimate', 1],
      [0, 'estimate', 0],
    ]);
    expect(await series()).toEqual(first);
    await world.stream([click(linkId, at('2026-11-25T11:40:00Z'), 6), click(linkId, at('2026-11-25T12:05:00Z'), 7)], [], { report: true });
    expect(await series()).toEqual([
      [3, 'estimate', 3],
      [2, 'estimate', 2],
      [1, 'estimate', 1],
    ]);
    // Visitor estimates are kept for the current hour and the 24 before it: 26 hours on, hour 10 has none.
    world.clock.advance(26 * hourMs);
    expect((await series())[0]).toEqual([3, 'unknown', undefined]);
  });

  it('gives minutes from the stream while it holds them, and missing before', async () => {
    const linkId = world.beta.linkId;
    await world.stream([click(linkId, at('2026-11-25T12:01:00Z'), 1), click(linkId, at('2026-11-25T12:01:30Z'), 2), click(linkId, at('2026-11-25T12:05:00Z'), 3)]);
    const reply = await call(world.app, 'GET', `/v1/links/${linkId}/stats?from=2026-11-25T10:58:00Z&to=2026-11-25T12:06:00Z&interval=minute`, world.beta.readKey);
    expect(reply.status).toBe(200);
    const buckets = bucketsOf(reply.body);
    expect(buckets).toHaveLength(68);
    // The stream holds the 66 minutes up to its newest (12:05): 11:00 on.
    expect(buckets.filter((b) => b.finality === 'incomplete').map((b) => new Date(b.startMs).toISOString().slice(11, 16))).toEqual(['10:58', '10:59']);
    expect(buckets.filter((b) => b.total > 0).map((b) => [new Date(b.startMs).toISOString().slice(11, 16), b.total, b.source])).toEqual([
      ['12:01', 2, 'stream'],
      ['12:05', 1, 'stream'],
    ]);
  });

  it('sums local days in America/New_York: 23 hours on 2026-03-08, 25 on 2026-11-01, final from the batch', async () => {
    const linkId = world.beta.linkId;
    const counts = new Map<number, number>([
      [at('2026-03-08T04:45:00Z'), 8], // 23:45 on 03-07
      [at('2026-03-08T05:00:00Z'), 1], // 00:00 on 03-08
      [at('2026-03-09T03:45:00Z'), 2], // 23:45 EDT on 03-08
      [at('2026-03-09T04:00:00Z'), 4], // 00:00 on 03-09
      [at('2026-11-01T04:00:00Z'), 16], // 00:00 EDT on 11-01
      [at('2026-11-02T04:45:00Z'), 32], // 23:45 EST on 11-01
      [at('2026-11-02T05:00:00Z'), 64], // 00:00 on 11-02
    ]);
    const publishDays = async (fromMs: number, toMs: number, runId: number) => {
      for (let hourStartMs = fromMs; hourStartMs < toMs; hourStartMs += hourMs) {
        const slices = [0, 1, 2, 3]
          .map((quarter) => hourStartMs + quarter * quarterMs)
          .filter((sliceStartMs) => counts.has(sliceStartMs))
          .map((sliceStartMs) => ({ linkId, sliceStartMs, human: counts.get(sliceStartMs)!, bot: 0, suspicious: 0 }));
        await world.publish(hourStartMs, runId, slices);
      }
    };
    await publishDays(at('2026-03-07T05:00:00Z'), at('2026-03-10T04:00:00Z'), 31);
    await publishDays(at('2026-10-31T04:00:00Z'), at('2026-11-03T05:00:00Z'), 32);
    const spring = await call(world.app, 'GET', `/v1/links/${linkId}/stats?from=2026-03-07&to=2026-03-10&interval=day`, world.beta.readKey);
    expect(spring.status).toBe(200);
    expect(bucketsOf(spring.body).map((b) => [b.start, (b.endMs - b.startMs) / hourMs, b.total, b.source, b.finality])).toEqual([
      ['2026-03-07T00:00:00-05:00', 24, 8, 'batch', 'final'],
      ['2026-03-08T00:00:00-05:00', 23, 3, 'batch', 'final'],
      ['2026-03-09T00:00:00-04:00', 24, 4, 'batch', 'final'],
    ]);
    expect(bucketsOf(spring.body)[1]!.visitors).toMatchObject({ kind: 'bounds', min: 1, max: 2 });
    const autumn = await call(world.app, 'GET', `/v1/links/${linkId}/stats?from=2026-10-31&to=2026-11-03&interval=day`, world.beta.readKey);
    expect(bucketsOf(autumn.body).map((b) => [b.start, (b.endMs - b.startMs) / hourMs, b.total])).toEqual([
      ['2026-10-31T00:00:00-04:00', 24, 0],
      ['2026-11-01T00:00:00-04:00', 25, 48],
      ['2026-11-02T00:00:00-05:00', 24, 64],
    ]);
  });

  it('sums Asia/Kolkata days from 18:30 UTC, and an unpublished hour the stream no longer holds makes its day incomplete', async () => {
    const linkId = world.alpha.linkId;
    await world.stream([click(linkId, at('2026-11-25T11:00:00Z'), 1)]);
    for (let hourStartMs = at('2026-11-19T18:00:00Z'); hourStartMs < at('2026-11-21T19:00:00Z'); hourStartMs += hourMs) {
      if (hourStartMs === at('2026-11-21T12:00:00Z')) continue;
      const slices = [
        { sliceStartMs: at('2026-11-20T18:15:00Z'), human: 1 },
        { sliceStartMs: at('2026-11-20T18:30:00Z'), human: 10 },
      ].filter((slice) => slice.sliceStartMs >= hourStartMs && slice.sliceStartMs < hourStartMs + hourMs);
      await world.publish(hourStartMs, 40, slices.map((slice) => ({ linkId, bot: 0, suspicious: 0, ...slice })));
    }
    const reply = await call(world.app, 'GET', `/v1/links/${linkId}/stats?from=2026-11-20&to=2026-11-22&interval=day`, world.alpha.readKey);
    expect(reply.status).toBe(200);
    expect(bucketsOf(reply.body).map((b) => [b.start, b.startMs, b.total, b.finality, b.slices])).toEqual([
      ['2026-11-20T00:00:00+05:30', at('2026-11-19T18:30:00Z'), 1, 'final', { batch: 96, stream: 0, missing: 0 }],
      ['2026-11-21T00:00:00+05:30', at('2026-11-20T18:30:00Z'), 10, 'incomplete', { batch: 92, stream: 0, missing: 4 }],
    ]);
  });

  it('exports the same buckets as CSV, by ?format=csv or Accept: text/csv', async () => {
    const linkId = await sealedAndOpen();
    const url = `/v1/links/${linkId}/stats?from=2026-11-25T08:00:00Z&to=2026-11-25T12:00:00Z&interval=hour&tz=UTC`;
    for (const reply of [await call(world.app, 'GET', `${url}&format=csv`, world.alpha.readKey), await call(world.app, 'GET', url, world.alpha.readKey, undefined, { accept: 'text/csv' })]) {
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = reply.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('start,start_ms,end_ms,source,finality,total,human,bot,suspicious,visitors_kind,visitors,visitors_min,visitors_max,run_ids');
      expect(lines).toHaveLength(5);
      expect(lines[1]).toBe(`2026-11-25T08:00:00+00:00,${at('2026-11-25T08:00:00Z')},${at('2026-11-25T09:00:00Z')},batch,final,5,4,1,0,exact,4,,,11`);
      expect(lines[3]).toMatch(/,stream,provisional,3,2,1,0,estimate,3,,,$/);
    }
  });

  it('breaks a link down by country and class from the batch, incomplete while hours are open', async () => {
    const linkId = await sealedAndOpen();
    const sealed = await call(world.app, 'GET', `/v1/links/${linkId}/breakdown?dimension=country&from=2026-11-25T08:00:00Z&to=2026-11-25T10:00:00Z`, world.alpha.readKey);
    expect(sealed.status).toBe(200);
    expect(sealed.body).toMatchObject({ finality: 'final', source: 'batch', rows: [{ value: 'DE', total: 7, human: 4, bot: 1, suspicious: 2 }], coverage: { hoursInRange: 2, publishedHours: 2, runIds: [11, 12] } });
    const open = await call(world.app, 'GET', `/v1/links/${linkId}/breakdown?dimension=class&from=2026-11-25T08:00:00Z&to=2026-11-25T12:00:00Z`, world.alpha.readKey);
    expect(open.body).toMatchObject({ finality: 'incomplete', coverage: { hoursInRange: 4, publishedHours: 2 } });
    expect(open.body.rows).toEqual([
      { value: 'human', total: 4, human: 4, bot: 0, suspicious: 0 },
      { value: 'bot', total: 1, human: 0, bot: 1, suspicious: 0 },
      { value: 'suspicious', total: 2, human: 0, bot: 0, suspicious: 2 },
    ]);
  });
});

describe('link stats access and parameters', () => {
  let world: QueryWorld;

  beforeEach(async () => {
    world = await startQueryWorld(now);
  });
  afterEach(async () => {
    await world.close();
  });

  const range = 'from=2026-11-25T08:00:00Z&to=2026-11-25T12:00:00Z';

  it('answers another account\'s link 404, as a missing one, and asks the operator to name the account', async () => {
    const { alpha, beta } = world;
    for (const path of [`/v1/links/${alpha.linkId}/stats?${range}`, `/v1/links/${alpha.linkId}/breakdown?dimension=country&${range}`]) {
      const refused = await call(world.app, 'GET', path, beta.readKey);
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({ error: { code: 'not_found', message: 'link not found' } });
      const named = await call(world.app, 'GET', `${path}&accountId=${alpha.accountId}`, beta.readKey);
      expect(named.status).toBe(404);
    }
    expect((await call(world.app, 'GET', `/v1/links/${alpha.linkId}/stats?${range}`, undefined)).status).toBe(401);
    expect((await call(world.app, 'GET', `/v1/links/${alpha.linkId}/stats?${range}`, operatorToken)).status).toBe(403);
    expect((await call(world.app, 'GET', `/v1/links/${alpha.linkId}/stats?${range}&accountId=${alpha.accountId}`, operatorToken)).status).toBe(200);
    expect((await call(world.app, 'GET', `/v1/links/${alpha.linkId}/stats?${range}`, alpha.manageKey)).status).toBe(200);
  });

  it('answers malformed parameters 400, naming the parameter', async () => {
    const linkId = world.alpha.linkId;
    const cases: [string, string, RegExp][] = [
      [`stats?to=2026-11-25T12:00:00Z`, 'from', /from: is required/],
      [`stats?from=2026-11-25T12:00:00Z&to=2026-11-25T08:00:00Z`, 'to', /to: must be after from/],
      [`stats?${range}&tz=Mars/Olympus_Mons`, 'tz', /tz: "Mars\/Olympus_Mons" is not an IANA time zone/],
      [`stats?${range}&interval=week`, 'interval', /interval: "week" is not one of minute, hour, day/],
      [`stats?from=1795600000&to=2026-11-25T12:00:00Z`, 'from', /from: .*seconds are not accepted/],
      [`stats?from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z&interval=minute`, 'to', /to: the range/],
      [`stats?from=2025-01-01&to=2026-11-25&interval=hour`, 'to', /to: the range/],
      [`stats?${range}&format=xml`, 'format', /format: "xml" is not one of json, csv/],
      [`breakdown?${range}&dimension=colour`, 'dimension', /dimension: "colour" is not one of country, referrer, device, class/],
      [`breakdown?${range}`, 'dimension', /dimension: is required/],
      [`breakdown?${range}&dimension=country&limit=0`, 'limit', /limit: "0" is not a whole number from 1 to 200/],
    ];
    for (const [path, field, message] of cases) {
      const reply = await call(world.app, 'GET', `/v1/links/${linkId}/${path}`, world.alpha.readKey);
      expect({ path, status: reply.status, field: (reply.body.error as { field?: string }).field }).toEqual({ path, status: 400, field });
      expect((reply.body.error as { code: string; message: string }).message).toMatch(message);
      expect((reply.body.error as { code: string }).code).toBe('bad_request');
    }
  });
});
