// The scale-out EventLog backend: one JetStream stream, one subject per partition, records packed
// into messages. docs/log-nats.md describes the layout, offsets, durability and deduplication.
import { limits, namespaced, type Clock, type Logger } from '../../core/index.js';
import type { EventLog, PartitionStats } from '../types.js';
import { createConsumerOffsetStore } from './consumer-offsets.js';
import { createCursorPool } from './cursor-pool.js';
import { createLifecycle } from '../lifecycle.js';
import { endOffsetOf, offsetOf } from './offsets.js';
import { parseNatsLogOptions, type NatsLogOptions } from './options.js';
import { createPublisher } from './publisher.js';
import { checkAppend, checkPartition, checkRead } from '../request-checks.js';
import { createRetentionCuts } from './retention-cuts.js';
import { applyRetention } from './retention.js';
import { createSemaphore } from './semaphore.js';
import { closeSession, openSession, type NatsSession } from './session.js';
import { createTally, type PartitionTally } from './tally.js';
import { createTailTracker } from './tail-tracker.js';

export interface NatsLogDeps {
  clock: Clock;
  /** Receives connection trouble and stream creation notes. */
  logger: Logger;
}

function partitionStats(partition: number, tally: PartitionTally, cut: number): PartitionStats {
  return {
    partition,
    startOffset: offsetOf(cut, 0),
    endOffset: endOffsetOf(tally.lastSequence, cut),
    records: tally.records,
    bytes: tally.bytes,
  };
}

/** What reads pull at most: bytes per pull, per long poll, and pulls at once over all cursors. */
function pullSizes(session: NatsSession) {
  // Room for the server's largest message and its headers, so no pull is refused for one message.
  const waitPullBytes = session.maxPayloadBytes + 64 * 1024;
  const pullBytes = Math.max(limits.natsReadPullBytesMax, waitPullBytes);
  return { pullBytes, waitPullBytes, pullSlots: createSemaphore(Math.max(1, Math.floor(limits.natsReadPullBytesInFlightMax / pullBytes))) };
}

export async function createNatsLog(deps: NatsLogDeps, input: NatsLogOptions = {}): Promise<EventLog> {
  const options = parseNatsLogOptions(input);
  const session = await openSession(deps.clock, namespaced(deps.logger, 'log.nats'), options);
  const cuts = createRetentionCuts(session);
  const publisher = createPublisher(session);
  const consumers = createConsumerOffsetStore(session);
  const tail = createTailTracker(session);
  const sizes = pullSizes(session);
  const lastSequence = async (partition: number) => (await tail.lastSequences())[partition];
  const cursors = createCursorPool((partition) => ({ session, partition, cuts, lastSequence, ...sizes }));
  const tally = createTally(session);
  // Stats and retention share the tally: one at a time.
  const maintenance = createSemaphore(1);
  const lifecycle = createLifecycle();
  const afterPurge = () => {
    cursors.renew();
    tail.renew();
    tally.renew();
  };

  const close = async (): Promise<void> => {
    const settled = lifecycle.close();
    // Long polls in progress answer at once (empty); appends in progress finish first.
    cursors.close();
    await settled;
    tail.close();
    tally.close();
    await closeSession(session);
  };
  let closed: Promise<void> | undefined;

  return {
    kind: 'nats',
    partitions: options.partitions,
    append: (partition, records, appendOptions) =>
      lifecycle.run(async () => {
        checkPartition(partition, options.partitions);
        checkAppend(partition, records, appendOptions?.idempotencyKey, {
          bytesMax: publisher.recordBytesMax,
          advice: "(one message of this NATS server; a record is never split across messages: raise the server's max_payload)",
        });
        return publisher.append(partition, records, appendOptions?.idempotencyKey);
      }),
    read: (partition, fromOffset, readOptions = {}) =>
      lifecycle.run(() => {
        checkPartition(partition, options.partitions);
        return cursors.read(partition, fromOffset, checkRead(partition, fromOffset, readOptions));
      }),
    endOffsets: () =>
      lifecycle.run(async () => {
        const [lastSequences, cutPoints] = await Promise.all([tail.lastSequences(), cuts.load()]);
        return cutPoints.map((cut, partition) => endOffsetOf(lastSequences[partition], cut));
      }),
    startOffsets: () => lifecycle.run(async () => (await cuts.load()).map((cut) => offsetOf(cut, 0))),
    stats: () =>
      lifecycle.run(() =>
        maintenance.run(async () => {
          const [tallies, cutPoints] = await Promise.all([tally.current(), cuts.load()]);
          return tallies.map((partitionTally, partition) => partitionStats(partition, partitionTally, cutPoints[partition]!));
        }),
      ),
    commitConsumerOffsets: (consumer, offsets) => lifecycle.run(() => consumers.commit(consumer, offsets)),
    consumerOffsets: (consumer) => lifecycle.run(() => consumers.read(consumer)),
    applyRetention: () => lifecycle.run(() => maintenance.run(() => applyRetention({ session, tally, cuts, afterPurge }))),
    close: () => (closed ??= close()),
  };
}
