// What the system under test should find, counted exactly from what was sent and acknowledged.
// Only unique events are counted in the tables; duplicates, late and out-of-order events are
// counted by number. Buckets: link × UTC minute, link × day in the owner's zone, user × day in
// the user's zone, account × UTC month, and the distinct addresses per link. Every table shares
// one bound on its keys (limits.loadgenTruthEntriesMax); going past it is an error, not a guess.
import { limits } from '../core/index.js';
import { dayMs, minuteMs, monthOfDay } from './calendar.js';
import { countColumns, createCountTable, spendKey, type CountTable, type KeyBudget } from './count-table.js';
import { buildTruthReport, type GroundTruthReport, type TruthRunInfo } from './truth-report.js';
import { eventFlags, type GeneratedBatch, type World } from './types.js';
import { createZoneDays, type ZoneDays } from './zone-days.js';

export interface FlagCounts {
  events: number;
  duplicates: number;
  late: number;
  outOfOrder: number;
}

export interface GroundTruth {
  /** Unique events acknowledged so far. */
  readonly uniqueEvents: number;
  /** Counts events handed to the target, by flag (whether or not they are acknowledged later). */
  noteSent(batch: GeneratedBatch, indexes?: ArrayLike<number>): void;
  /**
   * Counts acknowledged events. `eventTimeMs` replaces the generated times when the server
   * stamps its own (the redirect target passes the send time).
   */
  addAcknowledged(batch: GeneratedBatch, indexes?: ArrayLike<number>, eventTimeMs?: number): void;
  /** Counts one acknowledged unique event of `visitor` on `link` at `eventTimeMs`. */
  addEvent(link: number, eventTimeMs: number, visitor: number): void;
  /** Counts events that were sent but never acknowledged. */
  noteFailed(events: number): void;
  report(run: TruthRunInfo): GroundTruthReport;
}

export interface TruthTables {
  world: World;
  linkTotals: Float64Array;
  linkMinutes: CountTable;
  linkDays: CountTable;
  userDays: CountTable;
  accountMonths: CountTable;
  linkVisitors: Set<number>;
  sent: FlagCounts;
  acknowledged: FlagCounts & { unique: number };
  failed: number;
  /**
   * Buckets are keyed relative to the first event's minute, day and month: small keys stay
   * small integers, which V8's maps hash several times faster than large doubles.
   */
  base: { minute: number; day: number; month: number };
}

function zonesOf(world: World): ZoneDays[] {
  const byZone = new Map<string, ZoneDays>();
  return world.users.map((user) => {
    let zone = byZone.get(user.timeZone);
    if (!zone) byZone.set(user.timeZone, (zone = createZoneDays(user.timeZone)));
    return zone;
  });
}

function countFlags(counts: FlagCounts, flags: number): void {
  counts.events++;
  if ((flags & eventFlags.duplicate) !== 0) counts.duplicates++;
  else if ((flags & eventFlags.late) !== 0) counts.late++;
  else if ((flags & eventFlags.outOfOrder) !== 0) counts.outOfOrder++;
}

function eachIndex(batch: GeneratedBatch, indexes: ArrayLike<number> | undefined, visit: (index: number) => void): void {
  if (indexes === undefined) for (let index = 0; index < batch.size; index++) visit(index);
  else for (let at = 0; at < indexes.length; at++) visit(indexes[at]!);
}

export function createGroundTruth(world: World, options: { keysMax?: number } = {}): GroundTruth {
  const budget: KeyBudget = { max: options.keysMax ?? limits.loadgenTruthEntriesMax, remaining: options.keysMax ?? limits.loadgenTruthEntriesMax };
  const tables: TruthTables = {
    world,
    linkTotals: new Float64Array(world.links.length * countColumns),
    linkMinutes: createCountTable(budget),
    linkDays: createCountTable(budget),
    userDays: createCountTable(budget),
    accountMonths: createCountTable(budget),
    linkVisitors: new Set<number>(),
    sent: { events: 0, duplicates: 0, late: 0, outOfOrder: 0 },
    acknowledged: { events: 0, unique: 0, duplicates: 0, late: 0, outOfOrder: 0 },
    failed: 0,
    base: { minute: Number.NaN, day: Number.NaN, month: Number.NaN },
  };
  const zones = zonesOf(world);
  const linkCount = world.links.length;
  const { links, visitors, users, accounts } = world;
  let lastUtcDay = Number.NaN;
  let lastMonth = 0;

  const countUnique = (link: number, eventTimeMs: number, visitor: number): void => {
    const kind = visitors.kind[visitor]!;
    const { userIndex, accountIndex } = links[link]!;
    tables.linkTotals[link * countColumns]!++;
    tables.linkTotals[link * countColumns + 1 + kind]!++;
    const { base } = tables;
    const utcDay = Math.floor(eventTimeMs / dayMs);
    if (utcDay !== lastUtcDay) {
      lastUtcDay = utcDay;
      lastMonth = monthOfDay(utcDay);
      if (Number.isNaN(base.minute)) Object.assign(base, { minute: Math.floor(eventTimeMs / minuteMs), day: utcDay, month: lastMonth });
    }
    tables.linkMinutes.add((Math.floor(eventTimeMs / minuteMs) - base.minute) * linkCount + link, kind);
    const localDay = zones[userIndex]!.localDay(eventTimeMs) - base.day;
    tables.linkDays.add(localDay * linkCount + link, kind);
    tables.userDays.add(localDay * users.length + userIndex, kind);
    tables.accountMonths.add((lastMonth - base.month) * accounts.length + accountIndex, kind);
    const visitorKey = visitor * linkCount + link;
    if (!tables.linkVisitors.has(visitorKey)) {
      spendKey(budget);
      tables.linkVisitors.add(visitorKey);
    }
    tables.acknowledged.unique++;
  };

  return {
    get uniqueEvents() {
      return tables.acknowledged.unique;
    },
    noteSent(batch, indexes) {
      eachIndex(batch, indexes, (index) => countFlags(tables.sent, batch.flags[index]!));
    },
    addAcknowledged(batch, indexes, eventTimeMs) {
      eachIndex(batch, indexes, (index) => {
        const flags = batch.flags[index]!;
        countFlags(tables.acknowledged, flags);
        if ((flags & eventFlags.duplicate) === 0) countUnique(batch.link[index]!, eventTimeMs ?? batch.eventTimeMs[index]!, batch.visitor[index]!);
      });
    },
    addEvent(link, eventTimeMs, visitor) {
      tables.acknowledged.events++;
      countUnique(link, eventTimeMs, visitor);
    },
    noteFailed(events) {
      tables.failed += events;
    },
    report: (run) => buildTruthReport(tables, run),
  };
}
