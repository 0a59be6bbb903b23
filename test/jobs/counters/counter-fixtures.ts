// Fixtures for the counters tests: clicks as records, a flagging operator standing in for fraud,
// a log filled by the load generator, and readers that merge a link's committed rows over
// partitions as the serving side does.
import { encodeClick, partitionForIp, sampleClickEvent, type ClickEvent } from '../../../src/events/index.js';
import {
  counterViewNames,
  createCountersOperator,
  decodeCounterRow,
  decodeVisitorSlice,
  mergeCounterRows,
  parseVisitorSliceKey,
  type MergedCounters,
  type VisitorSlice,
} from '../../../src/jobs/counters/index.js';
import { toClickEvents, type LoadGenerator } from '../../../src/loadgen/index.js';
import type { EventLog } from '../../../src/log/index.js';
import type { Store, ViewRow } from '../../../src/store/index.js';
import { clickHeaderDecoder, type ClickBatch, type JobDefinition, type Operator } from '../../../src/stream/index.js';

/** A click of `linkId` at `eventTimeMs` from `ip`, bot or not. */
export function click(linkId: string, eventTimeMs: number, ip: string, bot = false, seed = 0): ClickEvent {
  return sampleClickEvent(seed, { linkId, eventTimeMs, ingestTimeMs: eventTimeMs + 2, ip, bot, device: bot ? 'bot' : 'desktop' });
}

/** The nth distinct IPv4 address from 11.0.0.1 on (n < 2^24), or an IPv6 one when `v6`. */
export function address(n: number, v6 = false): string {
  if (v6) return `2001:db8:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}::1`;
  const value = 0x0b000001 + n;
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** Records per partition, each click in the partition of its visitor's network. */
export function byPartition(events: readonly ClickEvent[], partitions: number): Uint8Array[][] {
  const records: Uint8Array[][] = Array.from({ length: partitions }, () => []);
  for (const event of events) records[partitionForIp(event.ip, partitions)]!.push(encodeClick(event));
  return records;
}

/** Stands in for the fraud operator: flags clicks from the given addresses' keys as suspicious. */
export function flaggingOperator(suspiciousIpKeys: ReadonlySet<number>): Operator<ClickBatch> {
  return {
    name: 'flagger',
    processBatch(batch) {
      for (let row = 0; row < batch.length; row++) if (suspiciousIpKeys.has(batch.ipKeys[row]!)) batch.flags[row] = 1;
    },
  };
}

/** The counters operator alone, or after a flagging operator. */
export function countersTestJob(suspiciousIpKeys?: ReadonlySet<number>): () => JobDefinition {
  return () => {
    const counters = createCountersOperator();
    const operators = suspiciousIpKeys === undefined ? [counters] : [flaggingOperator(suspiciousIpKeys), counters];
    return { name: 'counters', decoder: clickHeaderDecoder(), operators } as unknown as JobDefinition;
  };
}

/** Every link's counters merged over partitions, from `link_counters` rows. */
export function mergedByLink(rows: readonly ViewRow[]): Map<string, MergedCounters> {
  const byLink = new Map<string, ReturnType<typeof decodeCounterRow>[]>();
  for (const row of rows) {
    if (row.view !== counterViewNames.links) continue;
    const list = byLink.get(row.key) ?? [];
    list.push(decodeCounterRow(row.value));
    byLink.set(row.key, list);
  }
  return new Map([...byLink].map(([linkId, list]) => [linkId, mergeCounterRows(list)]));
}

/** A link's visitor slices over partitions, from `link_visitors` rows. */
export function slicesOf(rows: readonly ViewRow[], linkId: string): VisitorSlice[] {
  return rows.filter((row) => row.view === counterViewNames.visitors && parseVisitorSliceKey(row.key)?.linkId === linkId).map((row) => decodeVisitorSlice(row.value));
}

/** Appends `clicks` load-generated clicks to `log`, each in its visitor's partition, in batches of 10,000. */
export async function appendGeneratedClicks(log: EventLog, generator: LoadGenerator, clicks: number): Promise<void> {
  const records: Uint8Array[][] = Array.from({ length: log.partitions }, () => []);
  for (let made = 0; made < clicks; made += 10_000) {
    const batch = generator.nextBatch(Math.min(10_000, clicks - made));
    const events = toClickEvents(generator.world, batch, { eventIdPrefix: generator.eventIdPrefix, ingestTimeMs: batch.eventTimeMs[batch.size - 1]! + 5, source: 'redirect' });
    for (const event of events) records[partitionForIp(event.ip, log.partitions)]!.push(encodeClick(event));
  }
  for (const [partition, partitionRecords] of records.entries()) {
    for (let start = 0; start < partitionRecords.length; start += 10_000) await log.append(partition, partitionRecords.slice(start, start + 10_000));
  }
}

/** Every committed row of `view`, page by page. */
export async function allViewRows(store: Store, view: string): Promise<ViewRow[]> {
  const rows: ViewRow[] = [];
  let after: string | undefined;
  do {
    const page = await store.views.list(view, { limit: 1_000, after });
    rows.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return rows;
}

/** Every link's committed counters, merged over partitions. */
export async function committedCounters(store: Store): Promise<Map<string, MergedCounters>> {
  const byLink = new Map<string, ViewRow[]>();
  for (const row of await allViewRows(store, counterViewNames.links)) byLink.set(row.key, [...(byLink.get(row.key) ?? []), row]);
  return new Map([...byLink].map(([linkId, rows]) => [linkId, mergeCounterRows(rows.map((row) => decodeCounterRow(row.value)))]));
}
