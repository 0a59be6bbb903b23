// Proves the outbox mode and the ledger's crash handling: without SMTP each digest is an .eml file
// whose bytes are re-made exactly from the numbers in the ledger (same Date, Message-ID and
// boundary), a run that fails between intent and delivery leaves a pending intent that the next
// run delivers with the same bytes, and a re-run writes nothing new and hashes the same.
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../../../src/core/index.js';
import { createOrchestrator } from '../../../src/orchestrator/index.js';
import { createSqliteStore } from '../../../src/store/index.js';
import { buildDigestMessage, digestJob, parseDigestOptions, type DigestMessageInput } from '../../../src/jobs/digest/index.js';
import { dailyRollupJobName } from '../../../src/jobs/rollups/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { expectedLinks, fixtureDailyJob, generateClicks, seededRandom, type FixtureClick } from './daily-rollup-fixture.js';
import { parseDigestMessage } from './mime.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const day = '2026-03-29';
const before = '2026-03-28';

describe('digest outbox', () => {
  it('writes .eml files, resumes an interrupted send with the same bytes, and re-runs idempotently', async () => {
    const temp = await makeTempDir('clickflow-outbox-');
    const clock = createTestClock(Date.UTC(2026, 2, 31));
    const store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: join(temp.path, 'store.db') });
    cleanups.push(async () => {
      await store.close();
      await temp.remove();
    });
    const account = await store.accounts.create({ name: 'Acme', planId: 'free' });
    const users = [
      await store.users.create({ accountId: account.id, email: 'ann@example.com', name: 'Ann', timeZone: 'Europe/Berlin' }),
      await store.users.create({ accountId: account.id, email: 'ben@example.com', name: 'Ben', timeZone: 'Australia/Adelaide' }),
    ];
    const random = seededRandom(11);
    const clicks: FixtureClick[] = [];
    for (const user of users) {
      const link = await store.links.create(account.id, { slug: `s-${user.name.toLowerCase()}`, targetUrl: 'https://example.com/', userId: user.id });
      clicks.push(...generateClicks(random, before, { accountId: account.id, userId: user.id, linkId: link.id }, 50));
      clicks.push(...generateClicks(random, day, { accountId: account.id, userId: user.id, linkId: link.id }, 80));
    }
    const options = { dataDir: temp.path, from: 'Clicks <digest@clicks.example>' };
    const orchestrator = createOrchestrator(
      { store, clock, logger: createSilentLogger() },
      { jobs: [fixtureDailyJob(temp.path, () => clicks), { ...digestJob({ store }, options), retry: { retries: 0 } }], concurrency: 1 },
    );
    cleanups.push(() => orchestrator.stop());
    await orchestrator.backfill(dailyRollupJobName, before, day);

    // The outbox folder of the day is blocked by a file: the first delivery fails after its intent.
    const outbox = join(temp.path, 'outbox', day);
    await rm(join(temp.path, 'outbox'), { recursive: true, force: true });
    await writeFile(join(temp.path, 'outbox'), 'not a folder');
    const failed = await orchestrator.runPartition('digest', day);
    expect(failed).toMatchObject({ status: 'failed', errorDomain: 'external' });
    const firstUser = [...users].sort((a, b) => (a.id < b.id ? -1 : 1))[0]!;
    const intent = await store.digests.latest(firstUser.id, day);
    expect(intent).toMatchObject({ status: 'pending', version: 1, transport: 'outbox' });

    await rm(join(temp.path, 'outbox'));
    const run = await orchestrator.runPartition('digest', day);
    expect(run).toMatchObject({ status: 'succeeded' });
    const files = (await readdir(outbox)).sort();
    expect(files).toEqual(users.map((user) => `${user.id}.v1.eml`).sort());

    for (const user of users) {
      const entry = (await store.digests.latest(user.id, day))!;
      expect(entry).toMatchObject({ status: 'sent', location: join(outbox, `${user.id}.v1.eml`) });
      const raw = await readFile(entry.location);
      expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(entry.contentHash);
      // The ledger's numbers render to the very same bytes.
      const rebuilt = await buildDigestMessage(JSON.parse(entry.reportJson) as DigestMessageInput, { email: user.email, name: user.name }, parseDigestOptions(options).from);
      expect(rebuilt.raw.equals(raw)).toBe(true);
      const message = parseDigestMessage(raw);
      const expected = [...expectedLinks(clicks, day, user.id).values()][0]!;
      expect(message.text).toContain(`/s-${user.name.toLowerCase()} | ${expected.human} | ${expected.visitors} | `);
      expect(message.headers.get('to')).toBe(`${user.name} <${user.email}>`);
    }
    // The interrupted intent kept its hash and creation time: it was resumed, not made anew.
    expect(await store.digests.latest(firstUser.id, day)).toMatchObject({ contentHash: intent!.contentHash, createdAtMs: intent!.createdAtMs });

    const contents = await Promise.all(files.map((file) => readFile(join(outbox, file))));
    const again = await orchestrator.runPartition('digest', day);
    expect(again).toMatchObject({ status: 'succeeded', outputHash: run.outputHash, outputChanged: false });
    expect((await readdir(outbox)).sort()).toEqual(files);
    expect(await Promise.all(files.map((file) => readFile(join(outbox, file))))).toEqual(contents);
  });
});
