// Proves the hourly rollup on a real lake (Parquet), DuckDB, SQLite store and orchestrator: counts
// per link and slice equal counts computed here independently (duplicates removed by id, bots,
// the fraud rule's verdicts as the stream gives them for a bursting address), a re-run is
// byte-identical, a failing data check publishes nothing, and a late file re-publishes corrected.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionForIp } from '../../../src/events/index.js';
import { judgeSortedClicks } from '../../../src/jobs/fraud/index.js';
import { ipKey, networkKey } from '../../../src/events/index.js';
import { createSilentLogger } from '../../../src/core/index.js';
import { hourlyOutputDir, hourlyOutputNames, hourlyRollupJob } from '../../../src/jobs/rollups/index.js';
import { hourMs, recordAndSeal, recordLate, writeClicks, type RawClick } from './rollup-lake.js';
import { openRollupWorld, partitions, readParquet, type RollupWorld } from './rollup-fixtures.js';

const h08 = Date.UTC(2026, 2, 8, 8);
const hour = '2026-03-08T08';
const quarterMs = 900_000;
const burstIp = '203.0.113.66';

function click(id: string, eventTimeMs: number, linkId: string, ip: string, extra: Partial<RawClick> = {}): RawClick {
  const owner = { la: ['u1', 'acc1'], lb: ['u2', 'acc1'], lc: ['u3', 'acc2'] }[linkId] ?? ['u9', 'acc9'];
  return { id, eventTimeMs, linkId, userId: owner[0]!, accountId: owner[1]!, ip, partition: partitionForIp(ip, partitions), ...extra };
}

/** The hour's clicks: people on three links, bots, a bursting address, IPv6 visitors, referrers. */
function hourClicks(): RawClick[] {
  const clicks: RawClick[] = [];
  for (let index = 0; index < 40; index++) {
    const linkId = ['la', 'lb', 'lc'][index % 3]!;
    const ip = index % 4 === 0 ? `2001:db8::${(index % 7) + 1}` : `192.0.2.${index % 9}`;
    clicks.push(click(`p${String(index).padStart(3, '0')}`, h08 + index * 80_000 + 17, linkId, ip, {
      referrer: ['https://www.Example.com/a?b', 'android-app://com.slack/', '', 'news.example.org/x'][index % 4],
      country: ['DE', 'IN', ''][index % 3],
      device: index % 5 === 0 ? 'mobile' : 'desktop',
      bot: index % 6 === 0,
    }));
  }
  // 60 clicks in 6 s from one address on link la at 08:20: the rule flags most of them.
  for (let index = 0; index < 60; index++) clicks.push(click(`b${String(index).padStart(3, '0')}`, h08 + 20 * 60_000 + index * 100, 'la', burstIp, { country: 'NL' }));
  return clicks;
}

interface Expected {
  slices: Map<string, { human: number; bot: number; suspicious: number; duplicates: number }>;
  burstFlags: number;
}

/** Counts computed from the clicks alone: first copy by (partition, offset) kept, verdicts by judgeSortedClicks. */
function expectedCounts(clicks: readonly RawClick[], duplicates: readonly RawClick[]): Expected {
  const unique = [...clicks].sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.id < b.id ? -1 : 1));
  const codes = judgeSortedClicks(
    unique.map((entry) => ({ id: entry.id, eventTimeMs: entry.eventTimeMs, ipKey: ipKey(entry.ip)!, networkKey: networkKey(entry.ip)!, partition: entry.partition })),
  );
  const slices: Expected['slices'] = new Map();
  const at = (entry: RawClick) => {
    const key = `${entry.linkId} ${entry.eventTimeMs - (entry.eventTimeMs % quarterMs)}`;
    if (!slices.has(key)) slices.set(key, { human: 0, bot: 0, suspicious: 0, duplicates: 0 });
    return slices.get(key)!;
  };
  let burstFlags = 0;
  unique.forEach((entry, index) => {
    const counts = at(entry);
    if (codes[index] !== 0) counts.suspicious++;
    else if (entry.bot === true) counts.bot++;
    else counts.human++;
    if (codes[index] !== 0 && entry.ip === burstIp) burstFlags++;
  });
  for (const entry of duplicates) at(entry).duplicates++;
  return { slices, burstFlags };
}

/** What the orchestrator hands a run, for calling a job with other options directly. */
function context(runId: number) {
  return { job: 'hourly-rollup', partition: hour, bounds: { startMs: h08, endMs: h08 + hourMs }, runId, attempt: 1, signal: new AbortController().signal, clock: world.clock, logger: createSilentLogger(), upstream: [] };
}
let world: RollupWorld;

describe('hourly rollup', () => {
  beforeEach(async () => {
    world = await openRollupWorld(h08 + 2 * hourMs);
  });
  afterEach(async () => world.close());

  it('counts each link and slice as computed independently, agrees with the stream on the bursting address, and re-runs byte for byte', async () => {
    const clicks = hourClicks();
    // Client retries the ingest window missed: copies with the same id, later in the same partition's log.
    const duplicates = [clicks[3]!, clicks[10]!, clicks[10]!, clicks[45]!].map((entry) => ({ ...entry }));
    const files = [...(await writeClicks(world.duckdb, world.lakeDir, clicks)), ...(await writeClicks(world.duckdb, world.lakeDir, duplicates, 'part', 1_000))];
    await recordAndSeal(world.store, files, h08, h08 + hourMs);
    const expected = expectedCounts(clicks, duplicates);
    expect(expected.burstFlags).toBeGreaterThan(30);

    const run = await world.orchestrator.runPartition('hourly-rollup', hour);
    expect(run).toMatchObject({ status: 'succeeded', outputChanged: true });
    const seal = (await world.store.lakeSeals.get(h08))!;
    expect(run.inputHashes).toEqual({ [`lake/${hour}@v1`]: `sha256:${seal.manifestSha256}` });
    const dir = hourlyOutputDir(world.dataDir, hour);
    expect(run.outputs.map((output) => output.location)).toEqual(hourlyOutputNames.map((name) => join(dir, name)));

    const slices = await readParquet(world.duckdb, join(dir, 'slices.parquet'));
    const got = new Map(slices.map((row) => [`${String(row.link_id)} ${Number(row.slice_start_ms)}`, { human: row.human, bot: row.bot, suspicious: row.suspicious, duplicates: row.duplicates }]));
    expect(got).toEqual(expected.slices);
    expect(slices.map((row) => `${String(row.link_id)} ${Number(row.slice_start_ms)}`)).toEqual([...got.keys()].sort((a, b) => (a < b ? -1 : 1)));

    // The store's view: the same slices, exact visitors per link, referrer hosts.
    const published = await world.store.batchViews.linkSlices('la', h08, h08 + hourMs);
    expect(published.map((entry) => [entry.sliceStartMs, entry.human, entry.bot, entry.suspicious, entry.duplicates])).toEqual(
      [...expected.slices].filter(([key]) => key.startsWith('la ')).map(([key, counts]) => [Number(key.split(' ')[1]), counts.human, counts.bot, counts.suspicious, counts.duplicates]),
    );
    const visitorsLa = new Set(clicks.filter((entry) => entry.linkId === 'la').map((entry) => entry.ip)).size;
    expect(await world.store.batchViews.linkHourVisitors('la', h08, h08 + hourMs)).toEqual([{ hourStartMs: h08, visitors: visitorsLa }]);
    const referrers = await world.store.batchViews.linkBreakdown('lb', 'referrer', h08, h08 + hourMs, 10);
    expect(referrers.map((row) => row.value).sort()).toEqual(['', 'com.slack', 'news.example.org', 'www.example.com']);
    expect(await world.store.batchViews.hours(h08, h08 + hourMs)).toEqual([expect.objectContaining({ runId: run.id, version: 1, corrected: false, outputHash: run.outputHash })]);

    // A re-run reads the same bytes and writes the same bytes.
    const before = await Promise.all(hourlyOutputNames.map((name) => readFile(join(dir, name))));
    const again = await world.orchestrator.runPartition('hourly-rollup', hour);
    expect(again).toMatchObject({ status: 'succeeded', outputHash: run.outputHash, outputChanged: false });
    const after = await Promise.all(hourlyOutputNames.map((name) => readFile(join(dir, name))));
    after.forEach((bytes, index) => expect(bytes.equals(before[index]!)).toBe(true));
    expect((await world.store.batchViews.hours(h08, h08 + hourMs))[0]?.runId).toBe(again.id);

    // The rule on two worker threads (partitions spread over them) gives the same verdicts.
    const job = hourlyRollupJob({ store: world.store, lake: world.lake, clock: world.clock, logger: createSilentLogger() }, { dataDir: world.dataDir, partitions, fraudThreads: 2 });
    const threaded = await job.run(context(again.id + 1));
    expect(threaded.outputHash).toBe(run.outputHash);
  });

  it('fails a data check, publishes nothing, keeps what was published and alerts', async () => {
    const clicks = hourClicks().slice(0, 20);
    await recordAndSeal(world.store, await writeClicks(world.duckdb, world.lakeDir, clicks), h08, h08 + hourMs);
    const first = await world.orchestrator.runPartition('hourly-rollup', hour);
    expect(first.status).toBe('succeeded');
    const dir = hourlyOutputDir(world.dataDir, hour);
    const published = await Promise.all(hourlyOutputNames.map((name) => readFile(join(dir, name))));

    // A late file where link lb belongs to another user: the check on link owners fails.
    const bad = [click('late-bad', h08 + 50 * 60_000, 'lb', '192.0.2.200', { userId: 'u-other' })];
    expect((await recordLate(world.store, await writeClicks(world.duckdb, world.lakeDir, bad, 'late', 5_000)))[0]?.version).toBe(2);
    const failed = await world.orchestrator.runPartition('hourly-rollup', hour);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'data_check_failed', errorDomain: 'internal' });
    expect(failed.message).toMatch(/data check "a link belongs to one user and account" failed, nothing was published: \{"link_id":"lb","owners":2\}/);
    expect((await readdir(dir)).sort()).toEqual([...hourlyOutputNames].sort());
    const kept = await Promise.all(hourlyOutputNames.map((name) => readFile(join(dir, name))));
    kept.forEach((bytes, index) => expect(bytes.equals(published[index]!)).toBe(true));
    expect(await world.store.batchViews.hours(h08, h08 + hourMs)).toEqual([expect.objectContaining({ runId: first.id, version: 1, corrected: false })]);
    expect((await world.orchestrator.listAlerts({ job: 'hourly-rollup' })).length).toBe(1);

  });

  it('re-publishes a re-opened hour as corrected, with the late click counted and its duplicate removed', async () => {
    const clicks = hourClicks().slice(0, 20);
    await recordAndSeal(world.store, await writeClicks(world.duckdb, world.lakeDir, clicks), h08, h08 + hourMs);
    const first = await world.orchestrator.runPartition('hourly-rollup', hour);
    const totals = await world.store.batchViews.accountTotals('acc2', h08, h08 + hourMs);
    const late = [click('late-ok', h08 + 55 * 60_000, 'lc', '198.51.100.7'), { ...clicks[2]!, partition: partitionForIp(clicks[2]!.ip, partitions) }];
    expect(late[1]!.linkId).toBe('lc');
    const [reopened] = await recordLate(world.store, await writeClicks(world.duckdb, world.lakeDir, late, 'late', 7_000));
    expect(reopened?.version).toBe(2);
    await world.orchestrator.reopen('hourly-rollup', hour);
    await world.orchestrator.idle();
    const [latest] = await world.orchestrator.listRuns({ job: 'hourly-rollup', partition: hour, limit: 1 });
    expect(latest).toMatchObject({ status: 'succeeded', trigger: 'reopen', outputChanged: true, inputHashes: { [`lake/${hour}@v2`]: `sha256:${reopened!.manifestSha256}` } });
    expect(latest!.outputHash).not.toBe(first.outputHash);
    expect(await world.store.batchViews.hours(h08, h08 + hourMs)).toEqual([expect.objectContaining({ runId: latest!.id, version: 2, corrected: true })]);
    expect(await world.store.batchViews.accountTotals('acc2', h08, h08 + hourMs)).toEqual({ ...totals, human: totals.human + 1, duplicates: totals.duplicates + 1 });
  });
});
