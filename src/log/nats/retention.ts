// applyRetention: removes each partition's oldest messages past the age or size limits, and says
// exactly what went. JetStream's own max_age and max_bytes are not used: they apply to the whole
// stream (not per partition), remove data the moment a write crosses them, and tell no reader.
// Here the removed range of each partition is scanned first (headers only), its cut point is
// recorded in the KV bucket, and only then is it purged: a reader behind the cut gets an error.
import { mapBounded } from './semaphore.js';
import { limits } from '../../core/index.js';
import type { RetentionReport } from '../types.js';
import { createHeaderScanner, type ScannedMessage } from './header-scanner.js';
import { classified } from './nats-errors.js';
import { allPartitionsSubject, partitionSubject } from './options.js';
import type { RetentionCuts } from './retention-cuts.js';
import type { NatsSession } from './session.js';
import type { Tally } from './tally.js';

export interface RetentionContext {
  session: NatsSession;
  tally: Tally;
  cuts: RetentionCuts;
  /**
   * Called after each purge. nats-server 2.9 can leave a consumer's pending count stale after a
   * purge, and then never answer its pulls for what is there now: the log's consumers are made
   * anew rather than waiting for such a pull to count as stalled.
   */
  afterPurge(): void;
}

interface Removal {
  messages: number;
  records: number;
  bytes: number;
  lastSequence: number;
}

function addTo(removals: Map<number, Removal>, message: ScannedMessage): void {
  const removal = removals.get(message.partition) ?? { messages: 0, records: 0, bytes: 0, lastSequence: 0 };
  removal.messages++;
  removal.records += message.records;
  removal.bytes += message.storedBytes;
  removal.lastSequence = message.sequence;
  removals.set(message.partition, removal);
}

/** Scans from the stream's start up to the first message newer than the age limit. */
async function expired(context: RetentionContext): Promise<{ removals: Map<number, Removal>; below: number }> {
  const { session } = context;
  const cutoffMs = session.clock.nowMs() - session.options.retentionMs;
  const removals = new Map<number, Removal>();
  let below = 0;
  const scanner = createHeaderScanner(session, { filterSubject: allPartitionsSubject(session.options), startSequence: 1 });
  try {
    await scanner.drain((message) => {
      if (message.timestampMs >= cutoffMs) return false;
      addTo(removals, message);
      below = message.sequence + 1;
    });
  } finally {
    scanner.close();
  }
  return { removals, below };
}

/** Scans one partition from its oldest message until what is left fits the size limit. */
async function oversized(context: RetentionContext, partition: number, excessBytes: number, newest: number): Promise<Removal | undefined> {
  const { session } = context;
  const removals = new Map<number, Removal>();
  const scanner = createHeaderScanner(session, { filterSubject: partitionSubject(session.options, partition), startSequence: 1 });
  try {
    await scanner.drain((message) => {
      // The newest message stays whatever its size, so a partition is never emptied by size.
      if ((removals.get(partition)?.bytes ?? 0) >= excessBytes || message.sequence >= newest) return false;
      addTo(removals, message);
    });
  } finally {
    scanner.close();
  }
  return removals.get(partition);
}

/** Records the cuts, then purges; returns the totals and subtracts them from the tally. */
async function remove(context: RetentionContext, removals: Map<number, Removal>, purge: () => Promise<void>, report: RetentionReport): Promise<void> {
  if (removals.size === 0) return;
  await context.cuts.raise(new Map([...removals].map(([partition, removal]) => [partition, removal.lastSequence + 1])));
  await purge();
  context.afterPurge();
  for (const [partition, removal] of removals) {
    context.tally.subtract(partition, removal);
    report.removedUnits += removal.messages;
    report.removedRecords += removal.records;
    report.removedBytes += removal.bytes;
  }
}

export async function applyRetention(context: RetentionContext): Promise<RetentionReport> {
  const { session } = context;
  const { jsm, options } = session;
  const report: RetentionReport = { removedUnits: 0, removedRecords: 0, removedBytes: 0 };
  await context.tally.current();
  if (options.retentionMs > 0) {
    const { removals, below } = await expired(context);
    // Messages below `below` are exactly the expired ones, of every partition: one purge.
    await remove(context, removals, () => classified({ action: 'purge expired messages' }, () => jsm.streams.purge(options.stream, { seq: below })).then(() => undefined), report);
  }
  if (options.retentionBytes > 0) {
    const tallies = await context.tally.current();
    const over = tallies.flatMap((tally, partition) => (tally.bytes > options.retentionBytes ? [partition] : []));
    const found = await mapBounded(over, limits.natsRequestsInFlightMax, async (partition) => {
      const tally = tallies[partition]!;
      return [partition, await oversized(context, partition, tally.bytes - options.retentionBytes, tally.lastSequence ?? 0)] as const;
    });
    const removals = new Map(found.flatMap(([partition, removal]) => (removal ? [[partition, removal] as const] : [])));
    await remove(context, removals, async () => {
      await mapBounded([...removals], limits.natsRequestsInFlightMax, ([partition, removal]) =>
        classified({ action: 'purge old messages', partition }, () =>
          jsm.streams.purge(options.stream, { filter: partitionSubject(options, partition), seq: removal.lastSequence + 1 }),
        ),
      );
    }, report);
  }
  if (report.removedUnits > 0) await context.tally.persist();
  return report;
}
