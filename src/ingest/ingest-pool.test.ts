// Proves the ingest worker pool prepares requests exactly as the in-process preparer does (the
// same clicks in the same order, the same rejections) for every kind of body: valid and invalid
// lines, another account's slug, a slug the first lookup missed, JSON arrays, bytes that are not
// UTF-8; that a body refused whole fails as it would in process; and that it runs on real threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock, createTestClock } from '../core/index.js';
import { createEventIdGenerator, decodeClick, parseClickValidationPolicy, type LinkOwnership } from '../events/index.js';
import type { EncodedClicks } from './encoded-clicks.js';
import type { ImportRequest, PreparedImport } from './import-batch.js';
import type { ImportPreparer } from './import-preparer.js';
import { createInProcessPreparer } from './import-preparer.js';
import { createIngestPool } from './ingest-pool.js';
import { createUserAgentClassifier } from './user-agent.js';

const nowMs = Date.UTC(2026, 0, 1);
const ours = 'acc_ours';
const links = new Map<string, LinkOwnership>([
  ['promo', { linkId: 'lnk_1', userId: 'usr_1', accountId: ours }],
  ['sale"2', { linkId: 'lnk_2', userId: 'usr_1', accountId: ours }],
  ['theirs', { linkId: 'lnk_3', userId: 'usr_9', accountId: 'acc_other' }],
]);
const lookups: string[][] = [];
const resolveSlugs = async (slugs: readonly string[]) => {
  lookups.push([...slugs]);
  return slugs.map((slug) => links.get(slug));
};

const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const line = (fields: Record<string, unknown>) => JSON.stringify({ eventTimeMs: nowMs - 1_000, ip: '203.0.113.7', ...fields });
const mixed = [
  line({ id: 'a-1', slug: 'promo', userAgent: chrome }),
  line({ id: 'a-2', slug: 'promo', eventTimeMs: 'soon' }),
  '{"id": "a-3", "slug": ',
  line({ id: 'a-4', slug: 'theirs' }),
  line({ id: 'a-5', slug: 'nowhere' }),
  '',
  '   ',
  line({ id: 'a-6', slug: 'sale"2', ip: '2001:DB8::1' }), // escaped: the first lookup misses it
  line({ id: 'a-7', slug: 'promo', referrer: 'https://ex.example/ü', bot: true }),
  line({ id: 'a-1', slug: 'promo' }), // a repeated id: kept in line order, the ingestor decides
  line({ slug: 'promo', country: 'DE' }), // no id: one is made
].join('\n');

function request(body: string | Uint8Array, format: ImportRequest['format'] = 'ndjson'): ImportRequest {
  return { body: typeof body === 'string' ? Buffer.from(body) : body, format, accountId: ours, nowMs };
}

/** The clicks decoded, with their partitions and id hashes, for comparing two preparers. */
function summary(prepared: PreparedImport) {
  const { clicks } = prepared;
  const records = [];
  for (let index = 0, start = 0; index < clicks.count; start = clicks.ends[index]!, index++) {
    const event = decodeClick(clicks.bytes.subarray(start, clicks.ends[index]!));
    records.push({ ...event, id: event.id.length === 26 ? 'generated' : event.id, partition: clicks.partitions[index], hashed: hashOf(clicks, index, event.id) });
  }
  return { records, rejections: prepared.rejections };
}

function hashOf(clicks: EncodedClicks, index: number, id: string): string {
  return id.length === 26 ? 'generated' : `${clicks.idHashes[2 * index]}:${clicks.idHashes[2 * index + 1]}`;
}

describe('ingest pool', () => {
  let pool: ImportPreparer;
  let inProcess: ImportPreparer;

  beforeAll(async () => {
    const policy = parseClickValidationPolicy();
    pool = await createIngestPool({ resolveSlugs, logger: createSilentLogger(), clock: createSystemClock() }, { partitions: 4, policy }, { workers: 2 });
    inProcess = createInProcessPreparer(
      { resolveSlugs, classifyUserAgent: createUserAgentClassifier(100), newEventId: createEventIdGenerator(createTestClock(nowMs)) },
      { partitions: 4, policy },
    );
  });
  afterAll(async () => {
    await pool.close();
  });

  it('prepares a mixed body as the in-process preparer does', async () => {
    const expected = summary(await inProcess.prepare(request(mixed)));
    expect(expected.records.map((record) => record.id)).toEqual(['a-1', 'a-6', 'a-7', 'a-1', 'generated']);
    expect(expected.rejections.map((rejection) => rejection.line)).toEqual([2, 3, 4, 5, 7]);
    expect(expected.rejections[2]!.reason).toMatch(/slug.*theirs/);
    expect(expected.rejections[3]!.text).toBe(line({ id: 'a-5', slug: 'nowhere' }));
    expect(summary(await pool.prepare(request(mixed)))).toEqual(expected);
  });

  it('looks links up once, and once more only for slugs the first look missed', async () => {
    lookups.length = 0;
    await pool.prepare(request(mixed));
    expect(lookups).toHaveLength(2);
    expect(lookups[1]).toEqual(['sale"2']);
  });

  it('prepares JSON arrays and bodies that are not all UTF-8 alike', async () => {
    const array = `[${[line({ id: 'j-1', slug: 'promo' }), line({ id: 'j-2', slug: 'theirs' }), '7'].join(',')}]`;
    const expected = summary(await inProcess.prepare(request(array, 'json-array')));
    expect(expected.records).toHaveLength(1);
    expect(summary(await pool.prepare(request(array, 'json-array')))).toEqual(expected);

    const bytes = Buffer.concat([Buffer.from(`${line({ id: 'u-1', slug: 'promo' })}\n{"id":"u-2","userAgent":"`), Buffer.from([0xff]), Buffer.from('"}\n')]);
    const fromBytes = summary(await inProcess.prepare(request(Buffer.from(bytes))));
    expect(fromBytes.rejections.map((rejection) => rejection.reason)).toEqual(['line: is not valid UTF-8']);
    expect(summary(await pool.prepare(request(Buffer.from(bytes))))).toEqual(fromBytes);
  });

  it('fails a body refused whole as the in-process preparer does', async () => {
    await expect(pool.prepare(request('[{"id": ', 'json-array'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(inProcess.prepare(request('[{"id": ', 'json-array'))).rejects.toMatchObject({ code: 'bad_request' });
    const tooMany = 'x\n'.repeat(100_001);
    await expect(pool.prepare(request(tooMany))).rejects.toMatchObject({ code: 'payload_too_large' });
  });

  it('keeps up with requests in parallel and takes over their bodies', async () => {
    const bodies = Array.from({ length: 8 }, (_, round) =>
      Buffer.from(Array.from({ length: 500 }, (_, index) => line({ id: `p-${round}-${index}`, slug: 'promo' })).join('\n')),
    );
    const prepared = await Promise.all(bodies.map((body) => pool.prepare(request(body))));
    expect(prepared.map((result) => result.clicks.count)).toEqual(bodies.map(() => 500));
    // The bodies' memory moved to the workers.
    expect(bodies.every((body) => body.byteLength === 0)).toBe(true);
  });

  it('fails the requests of a worker that crashes, and carries on with new workers', async () => {
    // Beyond the partition bound, routing a click breaks an assertion: a bug, which crashes the worker.
    const broken = await createIngestPool(
      { resolveSlugs, logger: createSilentLogger(), clock: createSystemClock() },
      { partitions: 100_000, policy: parseClickValidationPolicy() },
      { workers: 1 },
    );
    try {
      const body = line({ id: 'c-1', slug: 'promo' });
      await expect(broken.prepare(request(body))).rejects.toMatchObject({ domain: 'internal' });
      await expect(broken.prepare(request(body))).rejects.toMatchObject({ domain: 'internal' });
      await expect(broken.prepare(request('{"nope": 1}'))).resolves.toMatchObject({ rejections: [{ line: 1 }] });
    } finally {
      await broken.close();
    }
  });
});
