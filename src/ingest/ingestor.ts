// The single way clicks enter the log: removes duplicates by event id, routes each click to its
// partition (by network prefix, see partitionForIp), encodes it, appends it, and resolves once
// the click is durable. Used by the redirect and by the ingest API alike: redirects submit click
// events, gathered per turn of the event loop into one append per partition (tick-batcher.ts);
// the ingest API submits clicks its workers already encoded and hashed (encoded-clicks.ts).
import type { Clock, Logger, TimerHandle } from '../core/index.js';
import { assert, errorMessage } from '../core/index.js';
import type { ClickEvent } from '../events/index.js';
import { encodeClick, partitionForIp, readClickId } from '../events/index.js';
import type { EventLog } from '../log/index.js';
import { createDedupeWindow, type DedupeWindow } from './dedupe-window.js';
import type { EncodedClicks } from './encoded-clicks.js';
import { createTickBatcher, type TickBatch } from './tick-batcher.js';

export interface IngestorOptions {
  /** Event ids remembered for deduplication (memory: about 16 bytes each). */
  dedupeIdsMax: number;
  /** How long an id is remembered, in ms (at least half of this, at most all of it). */
  dedupeWindowMs: number;
}

export interface SubmitResult {
  /** Clicks appended to the log (durable unless `durable: false` was asked for). */
  accepted: number;
  /** Clicks dropped because their id was ingested before, within the window. */
  duplicates: number;
}

export interface IngestStats {
  accepted: number;
  duplicates: number;
  appendFailures: number;
}

export interface Ingestor {
  /** The log's partition count: encoded clicks must be routed for it. */
  readonly partitions: number;
  /**
   * Appends the clicks whose ids are new. With `durable` (the default) it resolves once they are
   * durable; without it, once they are handed to the log (a crash may lose them; see docs).
   */
  submit(events: readonly ClickEvent[], options?: { durable?: boolean }): Promise<SubmitResult>;
  /**
   * Appends encoded clicks whose id hashes are new, in record order (so of two records with one id
   * the first is kept), each partition's records in one append; resolves once they are durable.
   */
  submitEncoded(clicks: EncodedClicks): Promise<SubmitResult>;
  /** Re-reads the recent log so ids ingested before a restart are still recognised. */
  restoreDedupe(): Promise<number>;
  stats(): IngestStats;
  close(): void;
}

const dedupeConsumer = 'ingest-dedupe';

export function createIngestor(deps: { log: EventLog; clock: Clock; logger: Logger }, options: IngestorOptions): Ingestor {
  const { log, clock, logger } = deps;
  const window = createDedupeWindow({ capacity: options.dedupeIdsMax, windowMs: options.dedupeWindowMs });
  const stats: IngestStats = { accepted: 0, duplicates: 0, appendFailures: 0 };
  const snapshots = createRestartPoints(deps, options.dedupeWindowMs);
  // A failed append forgets its ids again, so that the failed request's retry is accepted.
  const batcher = createTickBatcher(log, (ids, error) => {
    for (const id of ids) window.remove(id);
    stats.appendFailures++;
    logger.error({ err: errorMessage(error), clicks: ids.length }, 'append of clicks failed');
  });

  // An id is remembered as soon as its click is handed to the log, so a copy arriving while the
  // first is still in flight counts as a duplicate at once. Not an async function: a redirect's
  // click costs one promise reaction on its batch's promise, shared by every click of the batch.
  const submit = (events: readonly ClickEvent[], durable: boolean): Promise<SubmitResult> => {
    const nowMs = clock.nowMs();
    let accepted = 0;
    let first: TickBatch | undefined;
    let others: TickBatch[] | undefined;
    for (const event of events) {
      const record = encodeClick(event);
      if (window.checkAndAdd(event.id, nowMs)) continue;
      accepted++;
      const batch = batcher.add(partitionForIp(event.ip, log.partitions), record, event.id);
      if (first === undefined) first = batch;
      else if (batch !== first && !(others ??= []).includes(batch)) others.push(batch);
    }
    const result: SubmitResult = { accepted, duplicates: events.length - accepted };
    const count = (): SubmitResult => {
      stats.accepted += result.accepted;
      stats.duplicates += result.duplicates;
      return result;
    };
    if (first === undefined || !durable) return Promise.resolve(count());
    const appended = others === undefined ? first.done : Promise.all([first.done, ...others.map((batch) => batch.done)]);
    return appended.then(count);
  };

  const submitEncoded = async (clicks: EncodedClicks): Promise<SubmitResult> => {
    const nowMs = clock.nowMs();
    const { bytes, ends, partitions, idHashes } = clicks;
    const byPartition: Uint8Array[][] = [];
    const fresh: number[] = [];
    for (let index = 0, start = 0; index < clicks.count; start = ends[index]!, index++) {
      if (window.checkAndAddHash(idHashes[2 * index]!, idHashes[2 * index + 1]!, nowMs)) continue;
      fresh.push(index);
      const partition = partitions[index]!;
      assert(partition < log.partitions, 'encoded clicks are routed for this log');
      (byPartition[partition] ??= []).push(new Uint8Array(bytes.buffer, bytes.byteOffset + start, ends[index]! - start));
    }
    try {
      const appends: Promise<unknown>[] = [];
      byPartition.forEach((records, partition) => appends.push(log.append(partition, records)));
      await Promise.all(appends);
    } catch (error) {
      for (const index of fresh) window.removeHash(idHashes[2 * index]!, idHashes[2 * index + 1]!);
      stats.appendFailures++;
      throw error;
    }
    const duplicates = clicks.count - fresh.length;
    stats.accepted += fresh.length;
    stats.duplicates += duplicates;
    return { accepted: fresh.length, duplicates };
  };

  return {
    partitions: log.partitions,
    submit: (events, submitOptions) => submit(events, submitOptions?.durable ?? true),
    submitEncoded,
    restoreDedupe: () => restoreDedupe(log, window, clock),
    stats: () => ({ ...stats }),
    close: () => snapshots.close(),
  };
}

/**
 * Every half window, the log's end offsets are noted; the note from a half window earlier is
 * committed as the `ingest-dedupe` consumer's position, so that on restart reading from it to the
 * end covers at least half a window of recent ids.
 */
function createRestartPoints(deps: { log: EventLog; clock: Clock; logger: Logger }, windowMs: number): { close(): void } {
  let older: number[] | undefined;
  let timer: TimerHandle | undefined;
  let closed = false;
  const tick = async (): Promise<void> => {
    const ends = await deps.log.endOffsets();
    if (older) await deps.log.commitConsumerOffsets(dedupeConsumer, new Map(older.map((offset, partition) => [partition, offset])));
    older = ends;
  };
  const schedule = (): void => {
    if (closed) return;
    timer = deps.clock.setTimer(windowMs / 2, () => {
      tick()
        .catch((error: unknown) => deps.logger.warn({ err: errorMessage(error) }, 'could not note the dedupe restart point'))
        .finally(schedule);
    });
  };
  schedule();
  return {
    close() {
      closed = true;
      timer?.cancel();
    },
  };
}

async function restoreDedupe(log: EventLog, window: DedupeWindow, clock: Clock): Promise<number> {
  const from = await log.consumerOffsets(dedupeConsumer);
  const starts = await log.startOffsets();
  const ends = await log.endOffsets();
  if (from.size === 0) {
    // First start on this log: everything from here on is covered by restart points.
    await log.commitConsumerOffsets(dedupeConsumer, new Map(ends.map((offset, partition) => [partition, offset])));
    return 0;
  }
  let restored = 0;
  const nowMs = clock.nowMs();
  for (let partition = 0; partition < log.partitions; partition++) {
    let offset = Math.max(from.get(partition) ?? ends[partition]!, starts[partition]!);
    while (offset < ends[partition]!) {
      const batch = await log.read(partition, offset, { maxRecords: 10_000 });
      if (batch.records.length === 0) break;
      for (const record of batch.records) window.checkAndAdd(readClickId(record.value), nowMs);
      restored += batch.records.length;
      offset = batch.nextOffset;
    }
  }
  return restored;
}
