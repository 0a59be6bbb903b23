// Click fixtures for the stream tests: realistic clicks spread over partitions by visitor network,
// event times rising with a little disorder (less than the out-of-orderness, so none is late),
// and the ground truth of the example job computed straight from the records.
import { encodeClick, partitionForIp, readClickHeader, sampleClickEvent } from '../../src/events/index.js';
import type { Store, ViewRow } from '../../src/store/index.js';
import { float64Codec, type MemoryCheckpointStore } from '../../src/stream/index.js';
import { exampleView } from './example-job.js';

export interface ClickFixtureOptions {
  count: number;
  partitions: number;
  /** Event time of the first click. */
  startMs: number;
  /** Event time added per click (default 10 ms: 6,000 clicks a minute). */
  stepMs?: number;
  /** Largest backwards jitter of an event time (default 1,000 ms). */
  jitterMs?: number;
  /** Distinct links (default 40). */
  links?: number;
}

/** Encoded clicks per partition, in append order. */
export function makeClicks(options: ClickFixtureOptions): Uint8Array[][] {
  const { count, partitions, startMs, stepMs = 10, jitterMs = 1_000, links = 40 } = options;
  const byPartition: Uint8Array[][] = Array.from({ length: partitions }, () => []);
  for (let index = 0; index < count; index++) {
    const jitter = (index * 7919) % (jitterMs + 1);
    const eventTimeMs = startMs + index * stepMs - jitter;
    const event = sampleClickEvent(index, { eventTimeMs, ingestTimeMs: eventTimeMs + 5, linkId: `lnk_${index % links}` });
    byPartition[partitionForIp(event.ip, partitions)]!.push(encodeClick(event));
  }
  return byPartition;
}

/** `<partition>/<linkId>@<minuteStart>` → clicks, straight from the records. */
export function groundTruth(byPartition: readonly (readonly Uint8Array[])[]): Map<string, number> {
  const truth = new Map<string, number>();
  byPartition.forEach((records, partition) => {
    for (const record of records) {
      const header = readClickHeader(record);
      const key = `${partition}/${header.linkId}@${Math.floor(header.eventTimeMs / 60_000) * 60_000}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
    }
  });
  return truth;
}

const counts = float64Codec();

function toCounts(rows: readonly ViewRow[]): Map<string, number> {
  return new Map(rows.map((row) => [`${row.partition}/${row.key}`, counts.decode(row.value)]));
}

/** The example job's committed view rows, in the ground truth's shape. */
export async function committedCounts(store: Store): Promise<Map<string, number>> {
  const rows: ViewRow[] = [];
  let after: string | undefined;
  do {
    const page = await store.views.list(exampleView, { limit: 1_000, after });
    rows.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return toCounts(rows);
}

export function memoryCommittedCounts(store: MemoryCheckpointStore): Map<string, number> {
  return toCounts(store.viewRows(exampleView));
}

export function sortedEntries(map: ReadonlyMap<string, number>): [string, number][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
