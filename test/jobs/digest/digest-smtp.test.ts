// Proves the daily digest end to end over a real SMTP server: each user with clicks gets one
// multipart message whose text and HTML parts carry the per-link numbers, top lists, change
// against the day before and suspicious/bot clicks apart, all equal to numbers computed here from
// the generated clicks; a re-run sends nothing; late data that changes the numbers materially
// sends one short correction, a small change none; with SMTP down the run is retried, alerted,
// and the next run delivers.
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, type TestClock } from '../../../src/core/index.js';
import { createOrchestrator, type Orchestrator } from '../../../src/orchestrator/index.js';
import { createSqliteStore, type Store, type User } from '../../../src/store/index.js';
import { digestJob, type DigestOptionsInput } from '../../../src/jobs/digest/index.js';
import { dailyRollupJobName } from '../../../src/jobs/rollups/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { expectedLinks, expectedTop, fixtureDailyJob, generateClicks, seededRandom, type FixtureClick } from './daily-rollup-fixture.js';
import { parseDigestMessage, type ParsedMessage } from './mime.js';
import { startSmtp } from './smtp-mailbox.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const day = '2026-11-24';
const before = '2026-11-23';

interface World {
  clock: TestClock;
  store: Store;
  dataDir: string;
  users: User[];
  linkSlugs: Map<string, string>;
  clicks: FixtureClick[];
}

async function makeWorld(): Promise<World> {
  const temp = await makeTempDir('clickflow-digest-');
  const clock = createTestClock(Date.UTC(2026, 10, 26, 7));
  const store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: `${temp.path}/store.db` });
  cleanups.push(async () => {
    await store.close();
    await temp.remove();
  });
  const account = await store.accounts.create({ name: 'Acme', planId: 'pro' });
  const users = [
    await store.users.create({ accountId: account.id, email: 'ada@example.com', name: 'Ada', timeZone: 'Europe/Berlin' }),
    await store.users.create({ accountId: account.id, email: 'bob@example.com', name: 'Bob', timeZone: 'America/New_York' }),
    await store.users.create({ accountId: account.id, email: 'cy@example.com', name: 'Cy', timeZone: 'Asia/Tokyo' }),
  ];
  const random = seededRandom(7);
  const linkSlugs = new Map<string, string>();
  const clicks: FixtureClick[] = [];
  for (const [index, user] of users.entries()) {
    for (let l = 0; l < 3; l++) {
      const link = await store.links.create(account.id, { slug: `u${index}l${l}`, targetUrl: `https://example.com/${index}/${l}`, userId: user.id });
      linkSlugs.set(link.id, link.slug);
      const owner = { accountId: account.id, userId: user.id, linkId: link.id };
      clicks.push(...generateClicks(random, before, owner, 40 + 30 * l));
      // Cy had clicks the day before only: no digest for the day.
      if (index !== 2) clicks.push(...generateClicks(random, day, owner, 60 + 50 * l));
    }
  }
  return { clock, store, dataDir: temp.path, users, linkSlugs, clicks };
}

function orchestratorFor(world: World, options: DigestOptionsInput, retry?: { retries: number; initialDelayMs: number; maxDelayMs: number }): Orchestrator {
  const digest = digestJob({ store: world.store }, { dataDir: world.dataDir, from: 'clickflow <digest@clicks.example>', ...options });
  const orchestrator = createOrchestrator(
    { store: world.store, clock: world.clock, logger: createSilentLogger() },
    { jobs: [fixtureDailyJob(world.dataDir, () => world.clicks), retry ? { ...digest, retry } : digest], concurrency: 1 },
  );
  cleanups.push(() => orchestrator.stop());
  return orchestrator;
}

function numbersOf(text: string): number {
  return Number(text.replaceAll(',', ''));
}

/** Checks one received digest against the clicks. */
function checkDigest(world: World, user: User, message: ParsedMessage): void {
  const expected = expectedLinks(world.clicks, day, user.id);
  const previous = expectedLinks(world.clicks, before, user.id);
  let human = 0;
  let suspicious = 0;
  let bot = 0;
  for (const [linkId, link] of expected) {
    const slug = world.linkSlugs.get(linkId)!;
    const line = message.text.split('\n').find((row) => row.startsWith(`/${slug} | `));
    expect(line, `text line of /${slug}`).toBeDefined();
    const [, clicks, visitors, change, suspiciousText, botText] = line!.split(' | ');
    expect(numbersOf(clicks!)).toBe(link.human);
    expect(numbersOf(visitors!)).toBe(link.visitors);
    expect(numbersOf(suspiciousText!)).toBe(link.suspicious);
    expect(numbersOf(botText!)).toBe(link.bot);
    const delta = link.human - (previous.get(linkId)?.human ?? 0);
    expect(change!.startsWith(delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '±0')).toBe(true);
    const row = new RegExp(`<tr data-link="/${slug}"><td>/${slug}</td><td[^>]*>([\\d,]+)</td><td[^>]*>([\\d,]+)</td><td[^>]*>[^<]+</td><td[^>]*>([\\d,]+)</td><td[^>]*>([\\d,]+)</td></tr>`).exec(message.html);
    expect(row, `HTML row of /${slug}`).not.toBeNull();
    expect(row!.slice(1).map(numbersOf)).toEqual([link.human, link.visitors, link.suspicious, link.bot]);
    human += link.human;
    suspicious += link.suspicious;
    bot += link.bot;
  }
  const beforeHuman = [...previous.values()].reduce((sum, link) => sum + link.human, 0);
  expect(message.text).toContain(`Human clicks: ${human.toLocaleString('en-US')} (`);
  expect(message.text).toContain(`the day before: ${beforeHuman.toLocaleString('en-US')})`);
  expect(message.text).toContain(`Flagged, not counted above: ${suspicious} suspicious, ${bot} bot`);
  expect(message.html).toContain(`<strong data-total="human">${human.toLocaleString('en-US')}</strong>`);
  expect(message.html).toContain(`<span data-total="suspicious">${suspicious}</span>`);
  const countries = expectedTop(world.clicks, day, user.id, 'country', 5).map(([value, count]) => `${value === '' ? 'unknown' : value} ${count}`);
  expect(message.text).toContain(`Top countries: ${countries.join(', ')}`);
  const devices = expectedTop(world.clicks, day, user.id, 'device', 5).map(([value, count]) => `${value} ${count}`);
  expect(message.text).toContain(`Top devices: ${devices.join(', ')}`);
  const referrers = expectedTop(world.clicks, day, user.id, 'referrer', 5);
  for (const [value, count] of referrers) expect(message.html).toContain(`<li data-value="${value}">${value === '' ? '(direct)' : value}: ${count}</li>`);
}

describe('digest over SMTP', () => {
  it('mails each user with clicks once, with numbers equal to the clicks; a re-run sends nothing; late data sends one correction', async () => {
    const world = await makeWorld();
    const mailbox = await startSmtp();
    cleanups.push(() => mailbox.close());
    const orchestrator = orchestratorFor(world, { smtpHost: '127.0.0.1', smtpPort: mailbox.port, smtpUser: 'digest', smtpPassword: 'secret' });
    await orchestrator.backfill(dailyRollupJobName, before, day);
    const run = await orchestrator.runPartition('digest', day);
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(mailbox.auth[0]).toBe('digest:secret');

    const [ada, bob, cy] = world.users as [User, User, User];
    expect(mailbox.received.map((mail) => mail.to[0]).sort()).toEqual([ada.email, bob.email]);
    for (const mail of mailbox.received) {
      expect(mail.from).toBe('digest@clicks.example');
      const user = mail.to[0] === ada.email ? ada : bob;
      const message = parseDigestMessage(mail.raw);
      expect(message.headers.get('content-type')).toMatch(/^multipart\/alternative/);
      expect(message.headers.get('message-id')).toMatch(new RegExp(`^<digest\\.${day}\\.v1\\.[0-9a-f]{24}@clicks\\.example>$`));
      expect(message.headers.get('date')).toBe('Wed, 25 Nov 2026 12:00:00 +0000');
      checkDigest(world, user, message);
    }
    const ledger = await world.store.digests.listForAccount(ada.accountId, 10);
    expect(ledger.map((send) => [send.userId, send.version, send.kind, send.transport]).sort()).toEqual([[ada.id, 1, 'digest', 'smtp'], [bob.id, 1, 'digest', 'smtp']].sort());
    expect(await world.store.digests.latest(cy.id, day)).toBeUndefined();

    // A forced re-run on the same input sends nothing and hashes the same.
    const again = await orchestrator.runPartition('digest', day);
    expect(again).toMatchObject({ status: 'succeeded', outputHash: run.outputHash, outputChanged: false });
    expect(mailbox.received).toHaveLength(2);

    // Late data: 30 more human clicks on one of Ada's links (material), 2 on Bob's (not material).
    const adaLink = [...world.linkSlugs].find(([, slug]) => slug === 'u0l0')![0];
    const bobLink = [...world.linkSlugs].find(([, slug]) => slug === 'u1l0')![0];
    const late = (owner: User, linkId: string, count: number): FixtureClick[] =>
      Array.from({ length: count }, (_, i) => ({ day, accountId: owner.accountId, userId: owner.id, linkId, cls: 'human', country: 'DE', referrer: '', device: 'mobile', ip: `192.0.2.${i}`, duplicate: false }));
    const adaBefore = expectedLinks(world.clicks, day, ada.id).get(adaLink)!.human;
    world.clicks.push(...late(ada, adaLink, 30), ...late(bob, bobLink, 2));
    await orchestrator.reopen(dailyRollupJobName, day);
    await orchestrator.idle();
    expect(mailbox.received).toHaveLength(3);
    const correction = mailbox.received[2]!;
    expect(correction.to).toEqual([ada.email]);
    const parsed = parseDigestMessage(correction.raw);
    expect(parsed.headers.get('subject')).toBe(`Correction: your links on ${day}`);
    expect(parsed.headers.get('message-id')).toMatch(new RegExp(`^<digest\\.${day}\\.v2\\.`));
    expect(parsed.text).toContain(`/u0l0: ${adaBefore} → ${adaBefore + 30} (+30)`);
    expect(parsed.html).toContain(`<li data-change="/u0l0">/u0l0: ${adaBefore} → ${adaBefore + 30} (+30)</li>`);
    expect(await world.store.digests.latest(ada.id, day)).toMatchObject({ version: 2, kind: 'correction', status: 'sent' });
    expect(await world.store.digests.latest(bob.id, day)).toMatchObject({ version: 1 });
  });

  it('retries a run while the SMTP server is down, alerts when it stays down, and the next run delivers', async () => {
    const world = await makeWorld();
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    const orchestrator = orchestratorFor(world, { smtpHost: '127.0.0.1', smtpPort: port, smtpTimeoutMs: 2_000 }, { retries: 1, initialDelayMs: 1_000, maxDelayMs: 1_000 });
    await orchestrator.backfill(dailyRollupJobName, before, day);
    let failed: Awaited<ReturnType<Orchestrator['runPartition']>> | undefined;
    void orchestrator.runPartition('digest', day).then((run) => (failed = run));
    for (let i = 0; i < 500 && failed === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      world.clock.advance(100);
    }
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, errorDomain: 'external', errorCode: 'smtp_unavailable' });
    expect((await orchestrator.listAlerts({ job: 'digest' }))[0]).toMatchObject({ kind: 'run_failed', partition: day, runId: failed!.id });
    // The intent of the first user is left pending: the next run sends it and the rest.
    const pending = await Promise.all(world.users.map((user) => world.store.digests.latest(user.id, day)));
    expect(pending.filter((entry) => entry?.status === 'pending')).toHaveLength(1);

    const mailbox = await startSmtp(port);
    cleanups.push(() => mailbox.close());
    const next = await orchestrator.runPartition('digest', day);
    expect(next).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(mailbox.received).toHaveLength(2);
    for (const user of world.users.slice(0, 2)) expect(await world.store.digests.latest(user.id, day)).toMatchObject({ version: 1, status: 'sent' });
  });
});
