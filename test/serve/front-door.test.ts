// Proves the front door end to end on a real server, log and store: a redirect answers 302 and
// records exactly one well-formed click (HEAD and bots flagged, not hidden); unknown and disabled
// links get a 404 page; the ingest API keeps valid lines when others fail, lists each rejected
// line with its reason, keeps them as dead letters, and stores a retried request once, also after
// a restart.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../../src/cli/compose.js';
import { loadConfig } from '../../src/cli/config.js';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { decodeClick, type ClickEvent } from '../../src/events/index.js';
import type { EventLog } from '../../src/log/index.js';

async function allClicks(log: EventLog): Promise<ClickEvent[]> {
  const events: ClickEvent[] = [];
  const ends = await log.endOffsets();
  const starts = await log.startOffsets();
  for (let partition = 0; partition < log.partitions; partition++) {
    for (let offset = starts[partition]!; offset < ends[partition]!; ) {
      const batch = await log.read(partition, offset, { maxRecords: 1_000 });
      events.push(...batch.records.map((record) => decodeClick(record.value)));
      offset = batch.nextOffset;
    }
  }
  return events;
}

const chromeUa = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('front door', () => {
  let dir: string;
  let pipeline: Pipeline;
  let operator: string;
  let world: { accountId: string; manage: string; write: string; userId: string; linkId: string };

  const start = async () => {
    const config = loadConfig({ stream: false, batch: false, dataDir: dir, port: '0', host: '127.0.0.1', partitions: '4' }, {});
    pipeline = await startPipeline(config, { clock: createSystemClock(), logger: createSilentLogger() });
    operator = (await readFile(path.join(dir, 'admin-token'), 'utf8')).trim();
  };

  const api = async (method: string, url: string, token: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${pipeline.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'clickflow-front-'));
    await start();
    const account = await api('POST', '/v1/accounts', operator, { name: 'Acme', planId: 'pro' });
    const accountId = account.body.id as string;
    const manage = (await api('POST', '/v1/keys', operator, { accountId, scope: 'manage' })).body.secret as string;
    const write = (await api('POST', '/v1/keys', manage, { scope: 'write' })).body.secret as string;
    const userId = (await api('POST', '/v1/users', manage, { email: 'owner@acme.example', timeZone: 'Europe/Berlin' })).body.id as string;
    const linkId = (await api('POST', '/v1/links', manage, { slug: 'promo', targetUrl: 'https://acme.example/spring?x=1', userId })).body.id as string;
    world = { accountId, manage, write, userId, linkId };
  });

  afterEach(async () => {
    await pipeline.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('redirects and records one click per follow, flagging HEAD and bots', async () => {
    const followed = await fetch(`${pipeline.url}/promo`, { redirect: 'manual', headers: { 'user-agent': chromeUa, referer: 'https://news.example/a' } });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://acme.example/spring?x=1');
    await fetch(`${pipeline.url}/promo`, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': chromeUa } });
    await fetch(`${pipeline.url}/promo`, { redirect: 'manual', headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } });

    const clicks = (await allClicks(pipeline.log)).sort((a, b) => a.id.localeCompare(b.id));
    expect(clicks).toHaveLength(3);
    const [get, head, bot] = clicks as [ClickEvent, ClickEvent, ClickEvent];
    expect(get).toMatchObject({
      linkId: world.linkId, slug: 'promo', userId: world.userId, accountId: world.accountId, ip: '127.0.0.1',
      userAgent: chromeUa, referrer: 'https://news.example/a', device: 'desktop', browser: 'Chrome', os: 'Windows',
      bot: false, head: false, source: 'redirect',
    });
    expect(Math.abs(get.eventTimeMs - Date.now())).toBeLessThan(10_000);
    expect(head.head).toBe(true);
    expect(bot).toMatchObject({ bot: true, device: 'bot' });
    expect(new Set(clicks.map((click) => click.id)).size).toBe(3);
  });

  it('answers unknown and disabled links with a 404 page, within a second of disabling', async () => {
    const unknown = await fetch(`${pipeline.url}/nope`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/does not exist/);
    expect((await fetch(`${pipeline.url}/promo`, { redirect: 'manual' })).status).toBe(302);
    await api('PATCH', `/v1/links/${world.linkId}`, world.manage, { disabled: true });
    const deadline = Date.now() + 1_000;
    let status = 302;
    while (Date.now() < deadline && status === 302) {
      status = (await fetch(`${pipeline.url}/promo`, { redirect: 'manual' })).status;
      if (status === 302) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(404);
  });

  it('keeps valid lines, rejects bad ones with reasons and dead letters, and stores a retry once', async () => {
    const now = Date.now();
    const lines = [
      JSON.stringify({ id: 'ext-1', eventTimeMs: now - 1_000, slug: 'promo', ip: '203.0.113.7', userAgent: chromeUa, country: 'DE' }),
      JSON.stringify({ id: 'ext-2', eventTimeMs: 'yesterday', slug: 'promo', ip: '203.0.113.8' }),
      JSON.stringify({ id: 'ext-3', eventTimeMs: now - 2_000, slug: 'promo', ip: '2001:DB8::1', referrer: 'https://t.example/' }),
      '{"id": "ext-4", "slug": ',
      JSON.stringify({ id: 'ext-5', eventTimeMs: now, slug: 'promo', ip: '999.1.1.1' }),
      JSON.stringify({ id: 'ext-6', eventTimeMs: now, slug: 'not-ours', ip: '198.51.100.1' }),
      JSON.stringify({ id: 'ext-7', eventTimeMs: now - 3_000, slug: 'promo', ip: '198.51.100.2', bot: true }),
    ];
    const body = `${lines.join('\n')}\n`;
    const first = await api('POST', '/v1/events', world.write, body, 'application/x-ndjson');
    expect(first.status).toBe(207);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 4 });
    const reasons = first.body.rejections as { line: number; reason: string }[];
    expect(reasons.map((r) => r.line)).toEqual([2, 4, 5, 6]);
    expect(reasons[0]!.reason).toMatch(/eventTimeMs/);
    expect(reasons[1]!.reason).toMatch(/not valid JSON/);
    expect(reasons[2]!.reason).toMatch(/ip/);
    expect(reasons[3]!.reason).toMatch(/slug/);

    const stored = await allClicks(pipeline.log);
    expect(stored.map((click) => click.id).sort()).toEqual(['ext-1', 'ext-3', 'ext-7']);
    expect(stored.find((click) => click.id === 'ext-3')!.ip).toBe('2001:db8::1');
    expect(stored.every((click) => click.source === 'import' && click.accountId === world.accountId)).toBe(true);

    const dead = await api('GET', '/v1/dead-letters', world.manage);
    expect((dead.body.items as { line: number }[]).map((entry) => entry.line).sort()).toEqual([2, 4, 5, 6]);

    const retry = await api('POST', '/v1/events', world.write, body, 'application/x-ndjson');
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 3 });
    await pipeline.stop();
    await start();
    const afterRestart = await api('POST', '/v1/events', world.write, body, 'application/x-ndjson');
    expect(afterRestart.body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await allClicks(pipeline.log)).toHaveLength(3);
  });

  it('answers clear 4xx for bad bodies, keys and sizes', async () => {
    const now = Date.now();
    const array = await api('POST', '/v1/events', world.write, [{ id: 'a-1', eventTimeMs: now, slug: 'promo', ip: '192.0.2.1' }]);
    expect(array).toMatchObject({ status: 200, body: { accepted: 1 } });
    const allBad = await api('POST', '/v1/events', world.write, '{"nope": 1}\n', 'application/x-ndjson');
    expect(allBad.status).toBe(400);
    expect(JSON.stringify(allBad.body)).toMatch(/nope: unknown field/);
    const badArray = await api('POST', '/v1/events', world.write, '[{"id": ', 'application/json');
    expect(badArray.status).toBe(400);
    const invalidUtf8 = Buffer.concat([Buffer.from('{"id":"u-1","eventTimeMs":1,"slug":"promo","ip":"1.2.3.4","userAgent":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const utf8 = await api('POST', '/v1/events', world.write, invalidUtf8, 'application/x-ndjson');
    expect(JSON.stringify(utf8.body)).toMatch(/not valid UTF-8/);
    const readKey = (await api('POST', '/v1/keys', world.manage, { scope: 'read' })).body.secret as string;
    expect((await api('POST', '/v1/events', readKey, '{}\n', 'application/x-ndjson')).status).toBe(403);
    const oversized = await api('POST', '/v1/events', world.write, 'x'.repeat(33 * 1024 * 1024), 'application/x-ndjson');
    expect(oversized.status).toBe(413);
  });
});
