// Proves the batch layer end to end on real parts (lake Parquet files, SQLite store, DuckDB, an SMTP
// server, the orchestrator with the hourly and daily rollups, the digest and billing): each user's
// digest of their own local day and each account's invoice of the UTC month equal counts computed
// here from the generated clicks (duplicates, bots, a bursting address judged by the fraud rule);
// then a late file for a sealed hour re-runs the hour and the day, mails a correction, and, the
// month being final, becomes an adjustment line on the next month's invoice naming its month.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/batch/index.js';
import { createSilentLogger, createTestClock, type TestClock } from '../../src/core/index.js';
import { ipKey, networkKey, partitionForIp } from '../../src/events/index.js';
import { billingJob, billingJobName, type InvoiceDocument } from '../../src/jobs/billing/index.js';
import { digestJob, digestJobName } from '../../src/jobs/digest/index.js';
import { judgeSortedClicks } from '../../src/jobs/fraud/index.js';
import { dailyOutputDir, dailyRollupJob, dailyRollupJobName, hourlyRollupJob, hourlyRollupJobName, type RollupDeps } from '../../src/jobs/rollups/index.js';
import { createOrchestrator, dayPartitions, monthPartitions, partitionsCovering, type Orchestrator } from '../../src/orchestrator/index.js';
import { createSqliteStore, type Plan, type Store, type User } from '../../src/store/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { dailyFileNames, writeDailyFiles } from './digest/daily-rollup-fixture.js';
import { parseDigestMessage, type ParsedMessage } from './digest/mime.js';
import { startSmtp, type Mailbox } from './digest/smtp-mailbox.js';
import { hourMs, recordAndSeal, recordLate, writeClicks, type RawClick } from './rollups/rollup-lake.js';
import { seededRandom } from '../helpers/seeded-random.js';

const partitions = 4;
const day = '2026-10-31';
const dayBefore = '2026-10-30';
/** Every hour the days 2026-10-30 .. 2026-11-01 read (UTC+14 to UTC-12 around them) is sealed. */
const sealFromMs = Date.UTC(2026, 9, 29, 10);
const sealToMs = Date.UTC(2026, 10, 2, 12);
/** Clicks fall in the UTC days 2026-10-30, 2026-10-31 and 2026-11-01 only. */
const clicksFromMs = Date.UTC(2026, 9, 30);
const clicksToMs = Date.UTC(2026, 10, 2);
const billedDays = new Set(['2026-10-30', '2026-10-31', '2026-11-01']);

// Local days in UTC, written out by hand (not computed by Intl): Berlin is on CET (+1) since
// 2026-10-25, Los Angeles on PDT (-7) until 2026-11-01 09:00 UTC, Tokyo on +9.
const zones = {
  ada: { timeZone: 'Europe/Berlin', [dayBefore]: Date.UTC(2026, 9, 29, 23), [day]: Date.UTC(2026, 9, 30, 23), next: Date.UTC(2026, 9, 31, 23) },
  bob: { timeZone: 'America/Los_Angeles', [dayBefore]: Date.UTC(2026, 9, 30, 7), [day]: Date.UTC(2026, 9, 31, 7), next: Date.UTC(2026, 10, 1, 7) },
  kai: { timeZone: 'Asia/Tokyo', [dayBefore]: Date.UTC(2026, 9, 29, 15), [day]: Date.UTC(2026, 9, 30, 15), next: Date.UTC(2026, 9, 31, 15) },
} as const;
type Person = keyof typeof zones;

const plan: Plan = {
  id: 'tiered', name: 'Tiered', currency: 'EUR', monthlyFeeMinor: 1_000,
  tiers: [{ upToClicks: 100, pricePerThousandMinor: 0 }, { upToClicks: 300, pricePerThousandMinor: 2_000 }, { upToClicks: null, pricePerThousandMinor: 1_500 }],
};

/** The plan's usage price, tier by tier (independent of src/jobs/billing/tiers.ts). */
function expectedUsage(billable: number): number {
  return Math.max(0, Math.min(billable, 300) - 100) * 2 + Math.floor((Math.max(0, billable - 300) * 1_500 + 500) / 1_000);
}

/** Referrers as clicks carry them, and the lower-cased host the rollups reduce them to. */
const referrers = [['', ''], ['https://T.co/abc', 't.co'], ['https://news.example/x?y=1', 'news.example'], ['android-app://com.slack/', 'com.slack']] as const;
const countries = ['DE', 'US', 'JP', ''] as const;
const devices = ['desktop', 'mobile', 'tablet'] as const;

interface Click extends RawClick {
  /** A copy with the same id and a later offset: a client retry. */
  copy?: true;
}

interface World {
  temp: TempDir;
  clock: TestClock;
  store: Store;
  duckdb: DuckDBConnection;
  mailbox: Mailbox;
  orchestrator: Orchestrator;
  users: Record<Person, User>;
  /** link id → [owner, slug] */
  links: Map<string, [Person, string]>;
  clicks: Click[];
  close(): Promise<void>;
}

function makeClick(world: Pick<World, 'clicks'>, owner: User, linkId: string, eventTimeMs: number, ip: string, extra: Partial<RawClick> = {}): Click {
  const click: Click = { id: `c${String(world.clicks.length).padStart(5, '0')}`, eventTimeMs, linkId, userId: owner.id, accountId: owner.accountId, ip, partition: partitionForIp(ip, partitions), ...extra };
  world.clicks.push(click);
  return click;
}

/** Clicks over each user's two local days (and Bob's next one, in November's bill only), with copies, bots and a burst. */
function generateClicks(world: Pick<World, 'clicks' | 'users' | 'links'>): void {
  const random = seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * random() * values.length)]!;
  for (const [linkId, [person]] of world.links) {
    const zone = zones[person];
    const spans = [[zone[dayBefore], zone[day]], [zone[day], zone.next], ...(person === 'bob' ? [[zone.next, zone.next + 12 * hourMs]] : [])] as [number, number][];
    for (const [from, to] of spans) {
      const start = Math.max(from, clicksFromMs);
      const end = Math.min(to, clicksToMs);
      for (let index = 0; index < 45 + Math.floor(random() * 40); index++) {
        const [referrer] = pick(referrers);
        const click = makeClick(world, world.users[person], linkId, start + Math.floor(random() * (end - start)), `10.${Object.keys(zones).indexOf(person)}.${Math.floor(random() * 3)}.${Math.floor(random() * 40)}`, {
          referrer, country: pick(countries), device: pick(devices), bot: random() < 0.1,
        });
        if (random() < 0.06) world.clicks.push({ ...click, copy: true });
      }
    }
  }
  // 60 clicks in 6 s from one address on Bob's first link, in his evening of the day.
  const bobLink = [...world.links].find(([, [person]]) => person === 'bob')![0];
  for (let index = 0; index < 60; index++) makeClick(world, world.users.bob, bobLink, Date.UTC(2026, 9, 31, 23, 20) + index * 100, '203.0.113.66', { country: 'NL' });
}

async function writeLake(world: World, clicks: readonly Click[], kind: 'part' | 'late', firstOffset: number): Promise<ReturnType<typeof writeClicks>> {
  const lakeDir = join(world.temp.path, 'lake');
  const originals = await writeClicks(world.duckdb, lakeDir, clicks.filter((click) => !click.copy), kind, firstOffset);
  const copies = clicks.filter((click) => click.copy);
  return [...originals, ...(copies.length === 0 ? [] : await writeClicks(world.duckdb, lakeDir, copies, kind, firstOffset + 50_000))];
}

// Expected numbers, from the clicks alone -------------------------------------------------------

interface Judged {
  click: Click;
  cls: 'human' | 'bot' | 'suspicious';
}

/**
 * The fraud rule's tables sized to this small lake, in the hourly rollup and in the test's own
 * verdicts alike: a few hundred addresses never fill them, so no address is evicted and the
 * verdicts are those of the default tables, which take a second or more to allocate per hour.
 */
const ruleTables = { ipsMax: 4_096, networksMax: 4_096 };

/** Unique clicks with their class: the fraud rule over each UTC hour (as the hourly rollup runs it), then the bot flag. */
function judge(clicks: readonly Click[]): Judged[] {
  const byHour = new Map<number, Click[]>();
  for (const click of clicks) {
    if (click.copy) continue;
    const hour = click.eventTimeMs - (click.eventTimeMs % hourMs);
    if (!byHour.has(hour)) byHour.set(hour, []);
    byHour.get(hour)!.push(click);
  }
  const judged: Judged[] = [];
  for (const hourClicks of byHour.values()) {
    const sorted = [...hourClicks].sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.id < b.id ? -1 : 1));
    const codes = judgeSortedClicks(sorted.map((click) => ({ id: click.id, eventTimeMs: click.eventTimeMs, ipKey: ipKey(click.ip)!, networkKey: networkKey(click.ip)!, partition: click.partition })), ruleTables);
    sorted.forEach((click, index) => judged.push({ click, cls: codes[index] !== 0 ? 'suspicious' : click.bot === true ? 'bot' : 'human' }));
  }
  return judged;
}

interface ExpectedLink {
  human: number;
  bot: number;
  suspicious: number;
  visitors: number;
}

function expectedDay(judged: readonly Judged[], person: Person, localDay: typeof day | typeof dayBefore, userId: string): { links: Map<string, ExpectedLink>; top: Map<string, number> } {
  const from = zones[person][localDay];
  const to = localDay === day ? zones[person].next : zones[person][day];
  const links = new Map<string, ExpectedLink & { ips: Set<string> }>();
  const top = new Map<string, number>();
  for (const { click, cls } of judged) {
    if (click.userId !== userId || click.eventTimeMs < from || click.eventTimeMs >= to) continue;
    let link = links.get(click.linkId);
    if (!link) links.set(click.linkId, (link = { human: 0, bot: 0, suspicious: 0, visitors: 0, ips: new Set() }));
    link[cls]++;
    if (cls === 'human') {
      link.ips.add(click.ip);
      top.set(click.country ?? '', (top.get(click.country ?? '') ?? 0) + 1);
    }
  }
  return { links: new Map([...links].map(([id, { ips, ...counts }]) => [id, { ...counts, visitors: ips.size }])), top };
}

function expectedInvoice(clicks: readonly Click[], judged: readonly Judged[], accountId: string, month: string) {
  const { startMs, endMs } = monthPartitions.bounds(month);
  const inMonth = (click: Click) => click.accountId === accountId && click.eventTimeMs >= startMs && click.eventTimeMs < endMs;
  const unique = judged.filter(({ click }) => inMonth(click));
  return {
    total: clicks.filter(inMonth).length,
    duplicate: clicks.filter((click) => inMonth(click) && click.copy).length,
    bot: unique.filter(({ cls }) => cls === 'bot').length,
    suspicious: unique.filter(({ cls }) => cls === 'suspicious').length,
    billable: unique.filter(({ cls }) => cls === 'human').length,
  };
}

function checkDigest(world: World, judged: readonly Judged[], person: Person, message: ParsedMessage): void {
  const user = world.users[person];
  const today = expectedDay(judged, person, day, user.id);
  const before = expectedDay(judged, person, dayBefore, user.id);
  const totals = { human: 0, bot: 0, suspicious: 0 };
  for (const [linkId, link] of today.links) {
    const slug = world.links.get(linkId)![1];
    const line = message.text.split('\n').find((row) => row.startsWith(`/${slug} | `));
    expect(line, `${person}: the line of /${slug}`).toBeDefined();
    const [, clicks, visitors, change, suspicious, bot] = line!.split(' | ').map((field) => field.replaceAll(',', ''));
    expect([Number(clicks), Number(visitors), Number(suspicious), Number(bot)], `${person}: /${slug}`).toEqual([link.human, link.visitors, link.suspicious, link.bot]);
    const delta = link.human - (before.links.get(linkId)?.human ?? 0);
    expect(change!.startsWith(delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '±0'), `${person}: change of /${slug} is ${delta}: ${change}`).toBe(true);
    totals.human += link.human;
    totals.bot += link.bot;
    totals.suspicious += link.suspicious;
  }
  const beforeHuman = [...before.links.values()].reduce((sum, link) => sum + link.human, 0);
  expect(message.text).toContain(`Human clicks: ${totals.human.toLocaleString('en-US')} (`);
  expect(message.text).toContain(`against the day before: ${beforeHuman.toLocaleString('en-US')})`);
  expect(message.text).toContain(`Flagged, not counted above: ${totals.suspicious} suspicious, ${totals.bot} bot`);
  const countriesTop = [...today.top].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([value, count]) => `${value === '' ? 'unknown' : value} ${count}`);
  expect(message.text).toContain(`Top countries: ${countriesTop.join(', ')}`);
}

async function openWorld(): Promise<World> {
  const temp = await makeTempDir('clickflow-batch-');
  const clock = createTestClock(Date.UTC(2026, 10, 2, 13));
  const logger = createSilentLogger();
  const store = createSqliteStore({ clock, logger }, { path: join(temp.path, 'store.sqlite') });
  const lake = openLake({ dir: join(temp.path, 'lake'), store });
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const duckdb = await instance.connect();
  const mailbox = await startSmtp();
  await store.plans.put(plan);
  const acme = await store.accounts.create({ name: 'Acme', planId: plan.id });
  const globex = await store.accounts.create({ name: 'Globex', planId: plan.id });
  const users = {
    ada: await store.users.create({ accountId: acme.id, email: 'ada@acme.example', name: 'Ada', timeZone: zones.ada.timeZone }),
    bob: await store.users.create({ accountId: acme.id, email: 'bob@acme.example', name: 'Bob', timeZone: zones.bob.timeZone }),
    kai: await store.users.create({ accountId: globex.id, email: 'kai@globex.example', name: 'Kai', timeZone: zones.kai.timeZone }),
  };
  const links = new Map<string, [Person, string]>();
  for (const person of Object.keys(zones) as Person[]) {
    for (const index of [0, 1]) {
      const link = await store.links.create(users[person].accountId, { slug: `${person}-${index}`, targetUrl: `https://example.com/${person}/${index}`, userId: users[person].id });
      links.set(link.id, [person, link.slug]);
    }
  }
  const rollupDeps: RollupDeps = { store, lake, clock, logger };
  const rollupOptions = { dataDir: temp.path, partitions, duckdbThreads: 1, duckdbMemoryMib: 256, fraud: ruleTables };
  const billing = billingJob({ store, clock }, { dataDir: temp.path, duckdbThreads: 1, duckdbMemoryMib: 256 });
  const jobs = [
    { ...hourlyRollupJob(rollupDeps, rollupOptions), retry: { retries: 0 } },
    { ...dailyRollupJob(rollupDeps, rollupOptions), retry: { retries: 0 } },
    { ...digestJob({ store }, { dataDir: temp.path, from: 'clickflow <digest@clicks.example>', smtpHost: '127.0.0.1', smtpPort: mailbox.port, duckdbThreads: 1, duckdbMemoryMib: 256 }), retry: { retries: 0 } },
    // A month reads only its days that hold clicks: every day of a month would be about 770
    // hourly runs, a minute on a loaded machine. The job is the real one otherwise.
    { ...billing, retry: { retries: 0 }, upstream: [{ job: dailyRollupJobName, partitions: (month: string) => partitionsCovering(dayPartitions, monthPartitions.bounds(month)).filter((id) => billedDays.has(id)) }] },
  ];
  const orchestrator = createOrchestrator({ store, clock, logger }, { jobs, concurrency: 1, pollIntervalMs: 60_000 });
  const world: World = {
    temp, clock, store, duckdb, mailbox, orchestrator, users, links, clicks: [],
    async close() {
      await orchestrator.stop();
      await mailbox.close();
      duckdb.closeSync();
      instance.closeSync();
      await store.close();
      await temp.remove();
    },
  };
  generateClicks(world);
  await recordAndSeal(store, await writeLake(world, world.clicks, 'part', 0), sealFromMs, sealToMs);
  return world;
}

describe('the batch layer end to end', () => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld();
  }, 30_000);
  afterAll(async () => world?.close());

  it('mails each user their local day and invoices each account its UTC month, as counted from the clicks; late data corrects both', async () => {
    const { orchestrator, store, users, mailbox } = world;
    const judged = judge(world.clicks);
    expect(judged.filter(({ click, cls }) => cls === 'suspicious' && click.ip === '203.0.113.66').length).toBeGreaterThan(30);
    expect(world.clicks.filter((click) => click.copy).length).toBeGreaterThan(10);

    // The digest of 2026-10-31 builds its days (and their 74 hours) first.
    const digests = await orchestrator.backfill(digestJobName, day, day);
    expect(digests).toMatchObject({ succeeded: 1, failed: 0 });
    expect(mailbox.received.map((mail) => mail.to[0]).sort()).toEqual([users.ada.email, users.bob.email, users.kai.email].sort());
    for (const mail of mailbox.received) {
      const person = (Object.keys(users) as Person[]).find((name) => users[name].email === mail.to[0])!;
      const message = parseDigestMessage(mail.raw);
      expect(message.text).toContain(`your links on Saturday, 31 October 2026 (${users[person].timeZone}):`);
      checkDigest(world, judged, person, message);
    }

    // The test's daily rollup fixture writes exactly the columns the real job writes.
    const fixtureDir = join(world.temp.path, 'fixture');
    await writeDailyFiles(fixtureDir, day, []);
    for (const name of dailyFileNames) {
      const schema = async (path: string) => (await world.duckdb.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).getRows().map((row) => `${String(row[0])} ${String(row[1])}`);
      expect(await schema(join(dailyOutputDir(fixtureDir, day), name)), name).toEqual(await schema(join(dailyOutputDir(world.temp.path, day), name)));
    }

    // Within the grace period October is not billed; after it, one final invoice per account.
    expect(await orchestrator.runPartition(billingJobName, '2026-10')).toMatchObject({ status: 'skipped' });
    world.clock.advanceTo(Date.UTC(2026, 10, 4, 1));
    expect(await orchestrator.backfill(billingJobName, '2026-10', '2026-10')).toMatchObject({ succeeded: 1 });
    const invoices = new Map<string, { total: number; billable: number }>();
    for (const accountId of [users.ada.accountId, users.kai.accountId]) {
      const expected = expectedInvoice(world.clicks, judged, accountId, '2026-10');
      const record = (await store.invoices.get(accountId, '2026-10'))!;
      expect(record, accountId).toMatchObject({ status: 'final', clicks: expected, billableClicks: expected.billable, totalMinor: 1_000 + expectedUsage(expected.billable) });
      invoices.set(accountId, { total: record.totalMinor, billable: expected.billable });
    }
    const acmeOctober = (await store.invoices.get(users.ada.accountId, '2026-10'))!;
    const octoberFiles = await Promise.all(Object.values(acmeOctober.files).map((path) => readFile(path)));

    // Late data: 25 human clicks on Ada's first link at 14:xx UTC on the 31st (her afternoon), a late file for a sealed hour.
    const [adaLink, [, adaSlug]] = [...world.links].find(([, [person, slug]]) => person === 'ada' && slug.endsWith('-0'))!;
    const adaHumanBefore = expectedDay(judged, 'ada', day, users.ada.id).links.get(adaLink)!.human;
    const late = Array.from({ length: 25 }, (_, index) => makeClick(world, users.ada, adaLink, Date.UTC(2026, 9, 31, 14, 5) + index * 60_000, `198.51.100.${index}`, { country: 'DE' }));
    await recordLate(store, await writeLake(world, late, 'late', 200_000));
    await orchestrator.reopen(hourlyRollupJobName, '2026-10-31T14');
    await orchestrator.idle();
    const [rerun] = await orchestrator.listRuns({ job: dailyRollupJobName, partition: day, limit: 1 });
    expect(rerun).toMatchObject({ status: 'succeeded', trigger: 'reopen', outputChanged: true });

    // One correction, to Ada, naming her link; the others' digests did not change.
    expect(mailbox.received).toHaveLength(4);
    const correction = mailbox.received[3]!;
    expect(correction.to).toEqual([users.ada.email]);
    const parsed = parseDigestMessage(correction.raw);
    expect(parsed.headers.get('subject')).toBe(`Correction: your links on ${day}`);
    expect(parsed.text).toContain(`/${adaSlug}: ${adaHumanBefore} → ${adaHumanBefore + 25} (+25)`);
    expect(await store.digests.latest(users.ada.id, day)).toMatchObject({ version: 2, kind: 'correction', status: 'sent' });
    expect(await store.digests.latest(users.bob.id, day)).toMatchObject({ version: 1 });

    // October's invoice is final: untouched; the difference waits as an adjustment.
    expect(await store.invoices.get(users.ada.accountId, '2026-10')).toEqual(acmeOctober);
    expect(await Promise.all(Object.values(acmeOctober.files).map((path) => readFile(path)))).toEqual(octoberFiles);
    const octoberBillable = invoices.get(users.ada.accountId)!.billable;
    const lateAmount = expectedUsage(octoberBillable + 25) - expectedUsage(octoberBillable);
    expect(await store.invoices.adjustmentsFor(users.ada.accountId, '2026-10')).toEqual([
      expect.objectContaining({ forMonth: '2026-10', clicks: { total: 25, duplicate: 0, bot: 0, suspicious: 0, billable: 25 }, amountMinor: lateAmount, appliedMonth: null }),
    ]);
    expect(await store.invoices.adjustmentsFor(users.kai.accountId, '2026-10')).toEqual([]);

    // November, once final, carries it as a line naming October.
    world.clock.advanceTo(Date.UTC(2026, 11, 4, 1));
    expect(await orchestrator.backfill(billingJobName, '2026-11', '2026-11')).toMatchObject({ succeeded: 1 });
    const november = expectedInvoice(world.clicks, judge(world.clicks), users.ada.accountId, '2026-11');
    expect(november.billable).toBeGreaterThan(0);
    const record = (await store.invoices.get(users.ada.accountId, '2026-11'))!;
    expect(record).toMatchObject({ clicks: november, totalMinor: 1_000 + expectedUsage(november.billable) + lateAmount });
    const document = JSON.parse(await readFile(record.files.json, 'utf8')) as InvoiceDocument;
    expect(document.lines.filter((line) => line.kind === 'adjustment')).toEqual([
      expect.objectContaining({ forMonth: '2026-10', quantity: 25, amountMinor: lateAmount, description: expect.stringContaining('Adjustment for 2026-10: +25 billable clicks') as unknown as string }),
    ]);
    expect((await store.invoices.adjustmentsFor(users.ada.accountId, '2026-10'))[0]).toMatchObject({ appliedMonth: '2026-11' });
  }, 60_000);
});
