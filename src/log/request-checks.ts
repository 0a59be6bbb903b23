// Checks of what callers pass in, shared by the log backends, before anything is stored or sent:
// each bad value is a user-domain LogError naming the problem, and a bad batch stores none of its
// records.
import { limits } from '../core/index.js';
import { logUsageError } from './errors.js';
import type { ReadOptions } from './types.js';

/** A backend's own bound on one record, below the contract's, and what to do about it. */
export interface BackendRecordBound {
  bytesMax: number;
  /** Says where the bound comes from and how to raise it, after "a record here holds at most N bytes". */
  advice: string;
}

export function checkPartition(partition: number, partitions: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw logUsageError(`partition ${partition} does not exist; the log has partitions 0 to ${partitions - 1}`, partition);
  }
}

/** `backendBound`: a smaller bound of the backend's own (e.g. what fits one NATS message). */
export function checkAppend(
  partition: number,
  records: readonly Uint8Array[],
  idempotencyKey: string | undefined,
  backendBound?: BackendRecordBound,
): void {
  if (!Array.isArray(records)) throw logUsageError('records must be an array of byte arrays', partition);
  if (records.length > limits.logAppendRecordsMax) {
    throw logUsageError(`an append holds at most ${limits.logAppendRecordsMax} records; got ${records.length}`, partition);
  }
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!(record instanceof Uint8Array)) throw logUsageError(`record ${i} is not a byte array`, partition);
    if (record.byteLength > limits.logRecordBytesMax) {
      throw logUsageError(`record ${i} is ${record.byteLength} bytes; a record holds at most ${limits.logRecordBytesMax} bytes`, partition);
    }
    if (backendBound !== undefined && record.byteLength > backendBound.bytesMax) {
      throw logUsageError(`record ${i} is ${record.byteLength} bytes; a record here holds at most ${backendBound.bytesMax} bytes ${backendBound.advice}`, partition);
    }
    total += record.byteLength;
  }
  if (total > limits.logAppendBytesMax) {
    throw logUsageError(`an append holds at most ${limits.logAppendBytesMax} bytes of records; got ${total} bytes`, partition);
  }
  if (idempotencyKey !== undefined) {
    const keyBytes = typeof idempotencyKey === 'string' ? Buffer.byteLength(idempotencyKey) : 0;
    if (keyBytes === 0 || keyBytes > limits.logIdempotencyKeyBytesMax) {
      throw logUsageError(`an idempotency key is a string of 1 to ${limits.logIdempotencyKeyBytesMax} bytes`, partition);
    }
  }
}

export interface ReadBounds {
  maxRecords: number;
  maxBytes: number;
  waitMs: number;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, partition: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw logUsageError(`read option ${name} must be a positive integer; got ${value}`, partition);
  return value;
}

/** The read's bounds with defaults; values above the hard limits are lowered to them. */
export function checkRead(partition: number, fromOffset: number, options: ReadOptions): ReadBounds {
  if (!Number.isSafeInteger(fromOffset) || fromOffset < 0) throw logUsageError(`offset ${fromOffset} is not a valid offset`, partition, fromOffset);
  const waitMs = options.waitMs ?? 0;
  if (!Number.isFinite(waitMs) || waitMs < 0) throw logUsageError(`read option waitMs must be zero or more; got ${waitMs}`, partition);
  return {
    maxRecords: Math.min(limits.readRecordsMax, positiveInteger(options.maxRecords, limits.logReadRecordsDefault, 'maxRecords', partition)),
    maxBytes: positiveInteger(options.maxBytes, limits.logReadBytesDefault, 'maxBytes', partition),
    waitMs: Math.min(limits.logReadWaitMsMax, waitMs),
  };
}

export function checkConsumerName(consumer: string): void {
  const bytes = typeof consumer === 'string' ? Buffer.byteLength(consumer) : 0;
  if (bytes === 0 || bytes > limits.logConsumerNameBytesMax) {
    throw logUsageError(`a consumer name is a string of 1 to ${limits.logConsumerNameBytesMax} bytes`);
  }
}
