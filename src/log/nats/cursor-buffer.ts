// The messages a read cursor was delivered and has not returned yet, and the cursor's position
// in them. Taking records, and checking that no gap in the delivered sequences hides data that
// retention removed before the reader got to it.
import { offsetRemovedError, type LogError } from '../errors.js';
import type { LogRecord } from '../types.js';
import { decodeBatch } from './batch-codec.js';
import { natsLogError } from './nats-errors.js';
import { indexOf, offsetAfter, offsetOf, sequenceOf } from './offsets.js';
import type { Delivery } from './pull-consumer.js';
import type { ReadBounds } from '../request-checks.js';

export interface BufferedMessage {
  sequence: number;
  records: readonly Uint8Array[];
  /** Set when the message can only be an error (damage, or retention passed the reader). */
  error?: LogError;
  /** The sequence the consumer was expected to deliver next, when this message came after a gap. */
  gapFrom?: number;
}

export interface CursorBuffer {
  partition: number;
  /** The offset the next record returned must be at or after: where the reader stands. */
  position: number;
  /** The consumer delivers sequences from here on: one past the last delivered. */
  resumeSequence: number;
  buffer: BufferedMessage[];
  /** The partition's retention cut as last read (cuts only grow). */
  knownCut: number;
}

/** Decodes a delivered message into the buffer, noting a gap before it. */
export function bufferDelivery(cursor: CursorBuffer, delivery: Delivery): void {
  if (delivery.sequence < cursor.resumeSequence) return;
  const message: BufferedMessage = { sequence: delivery.sequence, records: [] };
  if (delivery.sequence > cursor.resumeSequence) message.gapFrom = cursor.resumeSequence;
  cursor.resumeSequence = delivery.sequence + 1;
  const where = { partition: cursor.partition, offset: offsetOf(delivery.sequence, 0) };
  try {
    // A copy: the records returned must not pin the connection's read buffer.
    message.records = decodeBatch(delivery.msg.data.slice(), where);
  } catch (error) {
    message.error = natsLogError(error, { action: 'decode', ...where });
  }
  cursor.buffer.push(message);
}

/**
 * Marks buffered messages that came after a gap as errors if retention has cut past the gap's
 * start. The cut is read after the messages arrived, so a purge that made the gap is always seen.
 */
export async function verifyGaps(cursor: CursorBuffer, loadCut: () => Promise<number>): Promise<void> {
  const gapped = cursor.buffer.filter((message) => message.gapFrom !== undefined);
  if (gapped.length === 0) return;
  if (!gapped.some((message) => cursor.knownCut > message.gapFrom!)) cursor.knownCut = Math.max(cursor.knownCut, await loadCut());
  for (const message of gapped) {
    if (cursor.knownCut > message.gapFrom!) {
      message.error ??= offsetRemovedError(cursor.partition, offsetOf(message.gapFrom!, 0), offsetOf(cursor.knownCut, 0));
    }
    delete message.gapFrom;
  }
}

/** Takes buffered records from the cursor's position, within the read's bounds. */
export function takeRecords(cursor: CursorBuffer, bounds: ReadBounds): LogRecord[] {
  const out: LogRecord[] = [];
  let bytes = 0;
  while (cursor.buffer.length > 0 && out.length < bounds.maxRecords) {
    const message = cursor.buffer[0]!;
    if (message.gapFrom !== undefined) break;
    if (message.error) {
      if (out.length > 0) break;
      throw message.error;
    }
    let index = message.sequence === sequenceOf(cursor.position) ? indexOf(cursor.position) : 0;
    for (; index < message.records.length && out.length < bounds.maxRecords; index++) {
      const value = message.records[index]!;
      if (out.length > 0 && bytes + value.byteLength > bounds.maxBytes) break;
      out.push({ offset: offsetOf(message.sequence, index), value });
      bytes += value.byteLength;
    }
    if (index < message.records.length) {
      cursor.position = offsetOf(message.sequence, index);
      break;
    }
    cursor.buffer.shift();
    cursor.position = offsetAfter(message.sequence);
  }
  return out;
}
