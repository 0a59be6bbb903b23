// Proves the counters API over a real store, real authentication and a real stream worker whose
// commits are pushed to the serving side: a link's total, split, today in its owner's zone (or
// `?tz=`), last-hour minutes, distinct visitors and freshness; 404 for another tenant's key; 400
// for a bad zone; the same answer read from the store by a serving process that saw no commit;
// and commits updating memory without store reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickEvent } from '../../../src/events/index.js';
import type { CounterReport } from '../../../src/serve/index.js';
import { address, click } from './counter-fixtures.js';
import { call, startCountingWorld, type CountingWorld } from './serving-fixtures.js';

const minuteMs = 60_000;

function localDate(timeZone: string, timeMs: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(timeMs);
}

describe('counters API', () => {
  let world: CountingWorld & { dir: { remove(): Promise<void> } };
  const events: ClickEvent[] = [];

  beforeAll(async () => {
    world = await startCountingWorld();
    const nowMs = Date.now();
    // 40 minutes of clicks on alpha's link: 120 visitors, every fifth click a bot; and some on beta's.
    for (let index = 0; index < 600; index++) {
      events.push(click(world.alpha.linkId, nowMs - 40 * minuteMs + index * 4_000, address(index % 120, (index % 120) % 7 === 0), index % 5 === 0, index));
    }
    for (let index = 0; index < 50; index++) events.push(click(world.beta.linkId, nowMs - 10 * minuteMs + index * 1_000, address(1_000 + index)));
    await world.append(events);
    await world.committed();
  });

  afterAll(async () => {
    await world.close();
  });

  const report = async (url: string, token: string): Promise<{ status: number; body: CounterReport & { error?: { code: string } } }> => {
    const answer = await call(world.app, 'GET', url, token);
    return answer as unknown as { status: number; body: CounterReport & { error?: { code: string } } };
  };

  it("answers a link's counters to its account's read key", async () => {
    const { status, body } = await report(`/v1/links/${world.alpha.linkId}/counters`, world.alpha.readKey);
    expect(status).toBe(200);
    const mine = events.filter((event) => event.linkId === world.alpha.linkId);
    expect(body.source).toBe('provisional');
    expect(body.total).toBe(600);
    expect(body.split).toEqual({ human: 480, bot: 120, suspicious: 0 });
    expect(body.countingSinceMs).toBe(mine[0]!.eventTimeMs);
    // Today in the owner's zone (Asia/Kathmandu, +5:45), counted here from each click's local date.
    const today = localDate('Asia/Kathmandu', body.generatedAtMs);
    const ownerZone = (await world.store.users.get(world.alpha.accountId, world.alpha.userId))!.timeZone;
    expect(['Asia/Kathmandu', 'Asia/Katmandu']).toContain(ownerZone);
    expect(body.today).toMatchObject({ date: today, timeZone: ownerZone, total: mine.filter((event) => localDate('Asia/Kathmandu', event.eventTimeMs) === today).length });
    expect(body.lastHour.minutes).toHaveLength(60);
    const hourAgo = Math.floor(body.generatedAtMs / minuteMs) * minuteMs - 59 * minuteMs;
    expect(body.lastHour.total).toBe(mine.filter((event) => event.eventTimeMs >= hourAgo).length);
    expect(body.lastHour.minutes.reduce((sum, minute) => sum + minute.total, 0)).toBe(body.lastHour.total);
    expect(Math.abs(body.distinctVisitors24h.estimate - 120)).toBeLessThanOrEqual(4);
    expect(body.distinctVisitors24h.relativeStandardError).toBeCloseTo(0.0163, 3);
    // The lowest partition's watermark: behind its newest click by the out-of-orderness (idle partitions catch up on the clock).
    expect(body.freshness.watermarkMs).toBeGreaterThan(mine[0]!.eventTimeMs);
    expect(body.freshness.lagMs).toBe(body.generatedAtMs - body.freshness.watermarkMs!);
    expect(body.freshness.partitions).toBe(4);
  });

  it("keeps tenants apart: another account's key gets 404, as for a link that does not exist", async () => {
    expect((await report(`/v1/links/${world.alpha.linkId}/counters`, world.beta.readKey)).status).toBe(404);
    expect((await report(`/v1/links/${world.alpha.linkId}/counters?accountId=${world.alpha.accountId}`, world.beta.manageKey)).status).toBe(404);
    expect((await report(`/v1/links/${world.alpha.linkId}/counters/stream`, world.beta.readKey)).status).toBe(404);
    expect((await report('/v1/links/lnk_NOSUCHLINK000000/counters', world.alpha.readKey)).status).toBe(404);
    expect((await report(`/v1/links/${world.beta.linkId}/counters`, world.beta.manageKey)).body.total).toBe(50);
    expect((await report(`/v1/links/${world.alpha.linkId}/counters`, 'cf_read_nope_nope')).status).toBe(401);
  });

  it('takes ?tz= for today, validated', async () => {
    const { status, body } = await report(`/v1/links/${world.alpha.linkId}/counters?tz=America/St_Johns`, world.alpha.readKey);
    expect(status).toBe(200);
    const today = localDate('America/St_Johns', body.generatedAtMs);
    expect(body.today).toMatchObject({ date: today, timeZone: 'America/St_Johns' });
    expect(body.today.total).toBe(events.filter((event) => event.linkId === world.alpha.linkId && localDate('America/St_Johns', event.eventTimeMs) === today).length);
    for (const bad of ['Mars/Olympus', 'Europe%2FBerlin%3B', '']) {
      const answer = await report(`/v1/links/${world.alpha.linkId}/counters?tz=${bad}`, world.alpha.readKey);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error?.code).toBe('bad_request');
    }
  });

  it('answers the same from the store when the link is not in memory', async () => {
    const warm = (await report(`/v1/links/${world.alpha.linkId}/counters`, world.alpha.readKey)).body;
    const cold = world.coldApp();
    const answer = await call(cold.app, 'GET', `/v1/links/${world.alpha.linkId}/counters`, world.alpha.readKey);
    const body = answer.body as unknown as CounterReport;
    expect(answer.status).toBe(200);
    expect(cold.counterViews.stats().loads).toBe(1);
    const stable = (value: CounterReport) => ({ total: value.total, split: value.split, today: value.today.total, visitors: value.distinctVisitors24h.estimate, since: value.countingSinceMs });
    expect(stable(body)).toEqual(stable(warm));
  });

  it('updates the rows in memory from pushed commits, without reading the store again', async () => {
    const loadsBefore = world.counterViews.stats().loads;
    const nowMs = Date.now();
    await world.append(Array.from({ length: 30 }, (_, index) => click(world.alpha.linkId, nowMs - 1_000 + index, address(5_000 + index))));
    await world.committed();
    const { body } = await report(`/v1/links/${world.alpha.linkId}/counters`, world.alpha.readKey);
    expect(body.total).toBe(630);
    expect(Math.abs(body.distinctVisitors24h.estimate - 150)).toBeLessThanOrEqual(5);
    expect(world.counterViews.stats().loads).toBe(loadsBefore);
  });
});
