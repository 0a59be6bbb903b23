// The write path: an append becomes one or more packed messages, published in order with a
// deterministic or once-generated Nats-Msg-Id, retried on retryable errors under the same id.
//
// The messages of one append go one after another (each after the previous one's ack): a failed
// and retried message could otherwise land after its successor and break the batch's order. Many
// appends publish at once, up to publishesInFlightMax, and large messages keep one append fast.
import { headers as natsHeaders, type PubAck } from 'nats';
import { assert, isRetryable, retry } from '../../core/index.js';
import type { AppendResult } from '../types.js';
import { batchBytes, encodeBatch } from './batch-codec.js';
import { createMessageIds } from './message-ids.js';
import { classified } from './nats-errors.js';
import { offsetOf, sequenceMax } from './offsets.js';
import { partitionSubject } from './options.js';
import { packRecords, type PackingBounds } from './packing.js';
import { createSemaphore } from './semaphore.js';
import type { NatsSession } from './session.js';

/** The header telling scans how many records a message holds without reading its payload. */
export const recordCountHeader = 'Clickflow-Records';
/** Room left in max_payload for the subject-independent headers (message id, record count). */
const headerAllowanceBytes = 256;

export interface Publisher {
  /** The largest record one message of this server holds. */
  readonly recordBytesMax: number;
  append(partition: number, records: readonly Uint8Array[], idempotencyKey: string | undefined): Promise<AppendResult>;
}

export function createPublisher(session: NatsSession): Publisher {
  const { js, clock, options } = session;
  const payloadBytesMax = session.maxPayloadBytes - headerAllowanceBytes;
  const bounds: PackingBounds = {
    recordsPerMessageMax: options.recordsPerMessageMax,
    messageBytesMax: Math.min(options.messageBytesMax, payloadBytesMax),
  };
  const inFlight = createSemaphore(options.publishesInFlightMax);
  const ids = createMessageIds();

  /** Publishes one message; `firstTry` says whether its ack answered the first attempt. */
  const publish = async (partition: number, records: readonly Uint8Array[], msgID: string): Promise<{ ack: PubAck; firstTry: boolean }> => {
    const payload = encodeBatch(records);
    const headers = natsHeaders();
    headers.set(recordCountHeader, String(records.length));
    const subject = partitionSubject(options, partition);
    let attempts = 0;
    const attempt = () => {
      attempts++;
      return inFlight.run(() => classified({ action: 'publish', partition }, () => js.publish(subject, payload, { msgID, headers, timeout: options.requestTimeoutMs })));
    };
    const ack = await retry(attempt, clock, undefined, isRetryable);
    return { ack, firstTry: attempts === 1 };
  };

  return {
    recordBytesMax: payloadBytesMax - batchBytes(1, 0),
    async append(partition, records, idempotencyKey) {
      const offsets: number[] = [];
      let duplicates = 0;
      const ranges = packRecords(records, bounds);
      for (const [index, [start, end]] of ranges.entries()) {
        const msgID = idempotencyKey === undefined ? ids.unique() : ids.idempotent(idempotencyKey, partition, index);
        const { ack, firstTry } = await publish(partition, records.slice(start, end), msgID);
        assert(ack.seq <= sequenceMax, () => `stream sequence ${ack.seq} is past what offsets can address`);
        // A duplicate's ack carries the first copy's sequence: its offsets are the first append's.
        // Only a first try's duplicate proves an earlier append; a retry's may be this call's own.
        if (ack.duplicate && firstTry && idempotencyKey !== undefined) duplicates++;
        for (let i = 0; i < end - start; i++) offsets.push(offsetOf(ack.seq, i));
      }
      return { partition, offsets, duplicate: ranges.length > 0 && duplicates === ranges.length };
    },
  };
}
