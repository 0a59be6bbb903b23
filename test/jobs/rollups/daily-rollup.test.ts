// Proves the daily rollup over real hourly rollups: each user's day runs from their own local
// midnight to the next (Asia/Kolkata +5:30, America/New_York on the 23-hour day clocks spring
// forward, Pacific/Kiritimati +14, UTC, and a user the store does not know, counted in UTC), the UTC
// day equals its 24 hours, visitors are exact, a re-run is identical, and a late click re-opens the
// hour and re-runs the day with the click counted.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionForIp } from '../../../src/events/index.js';
import { dailyOutputDir } from '../../../src/jobs/rollups/index.js';
import { hourMs, recordAndSeal, recordLate, writeClicks, type RawClick } from './rollup-lake.js';
import { openRollupWorld, partitions, readParquet, type RollupWorld } from './rollup-fixtures.js';

const day = '2026-03-08';
const dayStart = Date.UTC(2026, 2, 8);
// Local midnights of 2026-03-08 and 2026-03-09 in UTC, written out by hand (not computed by Intl).
const zones = {
  kolkata: { timeZone: 'Asia/Kolkata', start: Date.UTC(2026, 2, 7, 18, 30), end: Date.UTC(2026, 2, 8, 18, 30) },
  newYork: { timeZone: 'America/New_York', start: Date.UTC(2026, 2, 8, 5), end: Date.UTC(2026, 2, 9, 4) },
  kiritimati: { timeZone: 'Pacific/Kiritimati', start: Date.UTC(2026, 2, 7, 10), end: Date.UTC(2026, 2, 8, 10) },
  utc: { timeZone: 'UTC', start: dayStart, end: dayStart + 24 * hourMs },
} as const;

describe('daily rollup', () => {
  let world: RollupWorld;
  beforeEach(async () => {
    world = await openRollupWorld(Date.UTC(2026, 2, 9, 13));
  });
  afterEach(async () => world.close());

  it("counts each user's own local day, the UTC day as the sum of its hours, exact visitors; re-runs identically; re-runs after a late click", async () => {
    const account = await world.store.accounts.create({ name: 'Acme', planId: 'free' });
    const users: Record<string, string> = {};
    const storedZones: Record<string, string> = {};
    for (const [name, zone] of Object.entries(zones)) {
      const user = await world.store.users.create({ accountId: account.id, email: `${name}@acme.example`, timeZone: zone.timeZone });
      users[name] = user.id;
      storedZones[name] = user.timeZone; // as the store keeps it (Intl's canonical name, e.g. Asia/Calcutta)
    }
    const clicks: RawClick[] = [];
    const add = (user: string, linkId: string, eventTimeMs: number, ip: string, country = 'DE') => {
      clicks.push({ id: `c${clicks.length}`, eventTimeMs, linkId, userId: user, accountId: account.id, ip, country, partition: partitionForIp(ip, partitions) });
    };
    for (const [name, zone] of Object.entries(zones)) {
      const user = users[name]!;
      add(user, `l-${name}`, zone.start - 1, '192.0.2.1'); // the day before, in the user's zone
      add(user, `l-${name}`, zone.start, '192.0.2.1');
      add(user, `l-${name}`, zone.start + 5 * hourMs + 7, '192.0.2.2', 'IN');
      add(user, `l-${name}`, zone.end - 1, '192.0.2.1');
      add(user, `l-${name}`, zone.end, '192.0.2.3'); // the day after
    }
    add('usr_gone', 'l-gone', dayStart + 3 * hourMs, '192.0.2.9'); // not in the store: a UTC day
    const first = Date.UTC(2026, 2, 7, 9);
    await recordAndSeal(world.store, await writeClicks(world.duckdb, world.lakeDir, clicks), first, Date.UTC(2026, 2, 9, 13));

    const report = await world.orchestrator.backfill('daily-rollup', day, day);
    expect(report).toMatchObject({ succeeded: 1, failed: 0 });
    const run = report.runs[0]!;
    expect(run.upstream.map((input) => input.partition)).toEqual(Array.from({ length: 50 }, (_, index) => new Date(Date.UTC(2026, 2, 7, 10) + index * hourMs).toISOString().slice(0, 13)));
    expect(Object.keys(run.inputHashes)).toEqual(['zones']);

    const dir = dailyOutputDir(world.dataDir, day);
    const zoneLinks = await readParquet(world.duckdb, join(dir, 'zone-links.parquet'));
    const byLink = new Map(zoneLinks.map((row) => [row.link_id, row]));
    for (const name of Object.keys(zones)) {
      expect(byLink.get(`l-${name}`)).toMatchObject({ user_id: users[name], time_zone: storedZones[name], day, human: 3, bot: 0, suspicious: 0, duplicates: 0, visitors: 2, human_visitors: 2 });
    }
    expect(byLink.get('l-gone')).toMatchObject({ user_id: 'usr_gone', time_zone: 'UTC', human: 1 });
    const breakdowns = await readParquet(world.duckdb, join(dir, 'zone-breakdowns.parquet'), 'link_id, dimension, value');
    expect(breakdowns.filter((row) => row.link_id === 'l-kolkata' && row.dimension === 'country').map((row) => [row.value, row.human])).toEqual([['DE', 2], ['IN', 1]]);

    // The UTC day, computed from the clicks: those with event times in [day, day + 24 h).
    const utcLinks = await readParquet(world.duckdb, join(dir, 'utc-links.parquet'));
    const expectedUtc = new Map<string, number>();
    for (const entry of clicks) if (entry.eventTimeMs >= dayStart && entry.eventTimeMs < dayStart + 24 * hourMs) expectedUtc.set(entry.linkId, (expectedUtc.get(entry.linkId) ?? 0) + 1);
    expect(new Map(utcLinks.map((row) => [row.link_id, row.human]))).toEqual(expectedUtc);

    const again = await world.orchestrator.runPartition('daily-rollup', day);
    expect(again).toMatchObject({ status: 'succeeded', outputHash: run.outputHash, outputChanged: false });

    // A late click for New York's evening (hour 20 UTC) re-opens that hour; the day follows.
    const late: RawClick[] = [{ id: 'late-ny', eventTimeMs: Date.UTC(2026, 2, 8, 20, 10), linkId: 'l-newYork', userId: users.newYork!, accountId: account.id, ip: '192.0.2.77', partition: partitionForIp('192.0.2.77', partitions) }];
    await recordLate(world.store, await writeClicks(world.duckdb, world.lakeDir, late, 'late', 1_000));
    await world.orchestrator.reopen('hourly-rollup', '2026-03-08T20');
    await world.orchestrator.idle();
    const [latest] = await world.orchestrator.listRuns({ job: 'daily-rollup', partition: day, limit: 1 });
    expect(latest).toMatchObject({ status: 'succeeded', trigger: 'reopen', outputChanged: true });
    const rerun = new Map((await readParquet(world.duckdb, join(dir, 'zone-links.parquet'))).map((row) => [row.link_id, row]));
    expect(rerun.get('l-newYork')).toMatchObject({ human: 4, visitors: 3 });
    expect(rerun.get('l-kolkata')).toEqual(byLink.get('l-kolkata'));
  });
});
