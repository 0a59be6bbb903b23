// The ground-truth file: JSON a test or a benchmark compares the system's answers with. Count
// arrays are always [total, human, bot, fraud]; keys are the store's ids of links, users and
// accounts (the generator's own ids for worlds that were never provisioned), and each entry also
// carries its stable names (slug, e-mail, account name) for joining across runs.
import { formatDay, formatMinute, formatMonth } from './calendar.js';
import { countColumns, type CountTable } from './count-table.js';
import type { FlagCounts, TruthTables } from './ground-truth.js';

export type Counts = [total: number, human: number, bot: number, fraud: number];

export interface TruthRunInfo {
  target: string;
  seed: number;
  prefix: string;
  eventIdPrefix: string;
  startMs: number;
  /** True when event times were stamped by the server (redirect target): minute and day buckets near a boundary may then differ by a request's latency. */
  serverStampedTimes: boolean;
}

export interface GroundTruthReport {
  version: 1;
  categories: ['total', 'human', 'bot', 'fraud'];
  run: TruthRunInfo;
  /** Events handed to the target, by flag; a duplicate is counted only as a duplicate. */
  sent: FlagCounts;
  /** Events the target acknowledged; `unique` are counted in the tables below. */
  acknowledged: FlagCounts & { unique: number };
  /** Events sent and never acknowledged (failed requests, rejected lines). */
  failed: number;
  totals: Counts;
  fraudIps: string[];
  links: Record<string, { slug: string; userId: string; accountId: string; counts: Counts; distinctIps: number; perMinute: Record<string, Counts>; perDay: Record<string, Counts> }>;
  users: Record<string, { email: string; accountId: string; timeZone: string; perDay: Record<string, Counts> }>;
  accounts: Record<string, { name: string; planId: string; perMonth: Record<string, Counts> }>;
}

/** Calls `visit(entity, bucket, counts)` for each key of a table keyed `(bucket − base) × entities + entity`. */
function forEachBucket(table: CountTable, entities: number, base: number, visit: (entity: number, bucket: number, counts: Counts) => void): void {
  table.forEach((key, counts) => {
    // Keys of events before the first one are negative: take the entity as a non-negative remainder.
    const entity = ((key % entities) + entities) % entities;
    visit(entity, base + (key - entity) / entities, counts as Counts);
  });
}

/** Sorts a record's keys, so the file is the same for the same counts whatever the arrival order. */
function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function linkReport(tables: TruthTables): GroundTruthReport['links'] {
  const { world } = tables;
  const linkCount = world.links.length;
  const distinct = new Float64Array(linkCount);
  for (const key of tables.linkVisitors) distinct[key % linkCount]!++;
  const links: GroundTruthReport['links'] = {};
  const entries = world.links.map((link, index) => {
    const counts = Array.from(tables.linkTotals.subarray(index * countColumns, (index + 1) * countColumns)) as Counts;
    const user = world.users[link.userIndex]!;
    return { slug: link.slug, userId: user.id, accountId: world.accounts[link.accountIndex]!.id, counts, distinctIps: distinct[index]!, perMinute: {} as Record<string, Counts>, perDay: {} as Record<string, Counts> };
  });
  forEachBucket(tables.linkMinutes, linkCount, tables.base.minute, (link, minute, counts) => (entries[link]!.perMinute[formatMinute(minute)] = counts));
  forEachBucket(tables.linkDays, linkCount, tables.base.day, (link, day, counts) => (entries[link]!.perDay[formatDay(day)] = counts));
  entries.forEach((entry, index) => {
    if (entry.counts[0] === 0) return;
    links[world.links[index]!.id] = { ...entry, perMinute: sortedRecord(entry.perMinute), perDay: sortedRecord(entry.perDay) };
  });
  return links;
}

function userReport(tables: TruthTables): GroundTruthReport['users'] {
  const { world } = tables;
  const perDay = new Map<number, Record<string, Counts>>();
  forEachBucket(tables.userDays, world.users.length, tables.base.day, (user, day, counts) => {
    let days = perDay.get(user);
    if (!days) perDay.set(user, (days = {}));
    days[formatDay(day)] = counts;
  });
  const users: GroundTruthReport['users'] = {};
  for (const [index, days] of [...perDay].sort(([a], [b]) => a - b)) {
    const user = world.users[index]!;
    users[user.id] = { email: user.email, accountId: world.accounts[user.accountIndex]!.id, timeZone: user.timeZone, perDay: sortedRecord(days) };
  }
  return users;
}

function accountReport(tables: TruthTables): GroundTruthReport['accounts'] {
  const { world } = tables;
  const perMonth = new Map<number, Record<string, Counts>>();
  forEachBucket(tables.accountMonths, world.accounts.length, tables.base.month, (account, month, counts) => {
    let months = perMonth.get(account);
    if (!months) perMonth.set(account, (months = {}));
    months[formatMonth(month)] = counts;
  });
  const accounts: GroundTruthReport['accounts'] = {};
  for (const [index, months] of [...perMonth].sort(([a], [b]) => a - b)) {
    const account = world.accounts[index]!;
    accounts[account.id] = { name: account.name, planId: account.planId, perMonth: sortedRecord(months) };
  }
  return accounts;
}

export function buildTruthReport(tables: TruthTables, run: TruthRunInfo): GroundTruthReport {
  const totals: Counts = [0, 0, 0, 0];
  for (let index = 0; index < tables.linkTotals.length; index++) totals[index % countColumns]! += tables.linkTotals[index]!;
  const { visitors } = tables.world;
  return {
    version: 1,
    categories: ['total', 'human', 'bot', 'fraud'],
    run,
    sent: { ...tables.sent },
    acknowledged: { ...tables.acknowledged },
    failed: tables.failed,
    totals,
    fraudIps: visitors.ip.slice(visitors.humans + visitors.bots),
    links: linkReport(tables),
    users: userReport(tables),
    accounts: accountReport(tables),
  };
}
