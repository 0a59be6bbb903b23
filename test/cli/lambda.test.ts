// The Lambda architecture end to end, as `clickflow start` runs it: clicks imported for an hour in
// the past are counted by the speed layer at once, archived into the lake by the archiver worker,
// the hour is sealed by watermark, `clickflow batch run` builds its hourly rollup from the lake, and
// then the query API serves that hour as final from the batch, and the reconciliation report finds
// the speed layer's per-link counts equal to the batch's, exactly (no late data, no drift).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runClickflow, startClickflow, type ClickflowProcess } from '../helpers/clickflow-process.js';
import { freePort } from '../helpers/nats-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const hourMs = 3_600_000;

/** Two partitions; the archiver commits and the sealer looks every second or less, so an hour seals in seconds. */
const environment = {
  CLICKFLOW_LOG_LEVEL: 'warn',
  CLICKFLOW_PARTITIONS: '2',
  CLICKFLOW_ARCHIVER_CHECKPOINT_INTERVAL_MS: '1000',
  CLICKFLOW_LAKE_SEAL_INTERVAL_MS: '500',
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('clickflow start: stream and batch agree', () => {
  let dir: TempDir | undefined;
  let running: ClickflowProcess | undefined;

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await dir?.remove();
  });

  it('serves a sealed hour from the batch as final, equal to the speed layer per link', async () => {
    dir = await makeTempDir('clickflow-lambda-');
    const dataDir = dir.path;
    const port = await freePort();
    running = await startClickflow(dataDir, port, environment);
    const url = running.url;
    const operator = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    const call = async (method: string, route: string, token: string, body?: string, type = 'application/json') => {
      const response = await fetch(`${url}${route}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const account = await call('POST', '/v1/accounts', operator, JSON.stringify({ name: 'Acme', planId: 'pro' }));
    const accountId = account.body.id as string;
    const user = await call('POST', '/v1/users', operator, JSON.stringify({ accountId, email: 'owner@acme.example', timeZone: 'Asia/Kolkata' }));
    const links: { id: string; slug: string }[] = [];
    for (const slug of ['acme-a', 'acme-b', 'acme-c']) {
      const link = await call('POST', '/v1/links', operator, JSON.stringify({ accountId, userId: user.body.id, slug, targetUrl: `https://acme.example/${slug}` }));
      expect(link.status).toBe(201);
      links.push({ id: link.body.id as string, slug });
    }
    const write = (await call('POST', '/v1/keys', operator, JSON.stringify({ accountId, scope: 'write', label: 'import' }))).body.secret as string;

    // Clicks spread over one hour two hours ago: people, a bot, and one address clicking in bursts.
    const hourStartMs = Math.floor(Date.now() / hourMs) * hourMs - 2 * hourMs;
    const expected = new Map<string, number>(links.map((link) => [link.id, 0]));
    const clicks: { id: string; eventTimeMs: number; line: string }[] = [];
    for (let i = 0; i < 600; i++) {
      const link = links[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0]!;
      const burst = i % 10 === 0;
      const id = `click-${i}`;
      const eventTimeMs = hourStartMs + (burst ? 600_000 + i : Math.floor((i / 600) * (hourMs - 1_000)));
      const line = JSON.stringify({
        id,
        eventTimeMs,
        slug: link.slug,
        ip: burst ? '198.51.100.9' : `203.0.${i % 50}.${1 + (i % 200)}`,
        userAgent: i % 11 === 0 ? 'Googlebot/2.1 (+http://www.google.com/bot.html)' : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
        referrer: i % 4 === 0 ? 'https://news.example/story' : '',
        country: i % 2 === 0 ? 'IN' : 'DE',
      });
      clicks.push({ id, eventTimeMs, line });
      expected.set(link.id, expected.get(link.id)! + 1);
    }
    // In event-time order, as a shortener's export is: then the stream sees each partition's clicks
    // in the order the batch sorts them, and the fraud rule gives both the same verdicts.
    clicks.sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.id < b.id ? -1 : 1));
    const lines = clicks.map((click) => click.line);
    const imported = await call('POST', '/v1/events', write, `${lines.join('\n')}\n`, 'application/x-ndjson');
    expect(imported.status).toBe(200);
    // A retry of the same request is deduplicated by event id: nothing is counted twice.
    expect((await call('POST', '/v1/events', write, `${lines.slice(0, 50).join('\n')}\n`, 'application/x-ndjson')).status).toBe(200);

    // The speed layer counts them at once.
    for (const link of links) {
      await waitFor(`speed counters of ${link.slug}`, async () => {
        const counters = await call('GET', `/v1/links/${link.id}/counters?accountId=${accountId}`, operator);
        return counters.body.total === expected.get(link.id) ? true : undefined;
      });
    }

    // The batch layer: the hour is sealed by watermark (idle partitions move on the clock), then built.
    const hour = new Date(hourStartMs).toISOString().slice(0, 13);
    const built = await runClickflow(['batch', 'run', 'hourly-rollup', hour, '--wait'], { ...environment, CLICKFLOW_DATA_DIR: dataDir });
    expect(built.output, `exit ${built.code}`).toContain(`hourly-rollup ${hour} succeeded`);
    expect(built.code).toBe(0);

    // The query API answers that hour from the batch, final, with the same numbers as the speed
    // layer, class by class: the batch recomputed the fraud verdicts with the same rule.
    let suspicious = 0;
    for (const link of links) {
      const stats = await call('GET', `/v1/links/${link.id}/stats?from=${hourStartMs}&to=${hourStartMs + hourMs}&interval=hour&tz=UTC&accountId=${accountId}`, operator);
      expect(stats.status).toBe(200);
      const buckets = stats.body.buckets as { source: string; finality: string; total: number; human: number; bot: number; suspicious: number }[];
      expect(buckets).toHaveLength(1);
      expect(buckets[0]).toMatchObject({ source: 'batch', finality: 'final', total: expected.get(link.id) });
      const speed = (await call('GET', `/v1/links/${link.id}/counters?accountId=${accountId}`, operator)).body.split as Record<string, number>;
      expect({ human: buckets[0]!.human, bot: buckets[0]!.bot, suspicious: buckets[0]!.suspicious }).toEqual(speed);
      suspicious += buckets[0]!.suspicious;
    }
    // The bursting address was judged suspicious (60 clicks in 60 ms).
    expect(suspicious).toBeGreaterThan(0);

    // Reconciliation: stream and batch equal per link for the sealed hour, no drift.
    const report = await call('GET', `/v1/reconciliation?from=${hourStartMs}&to=${hourStartMs + hourMs}&detail=all`, operator);
    expect(report.status).toBe(200);
    const summary = report.body.summary as { compared: number; matches: number; drift: number };
    expect(summary.drift).toBe(0);
    expect(summary.compared).toBe(links.length);
    expect(summary.matches).toBe(links.length);
  });
});
