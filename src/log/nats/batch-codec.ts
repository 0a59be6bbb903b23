// The payload of one JetStream message: a batch of records, like a Kafka record batch, so that one
// publish and one ack carry hundreds of records. Layout (little-endian):
//
//   0  4  CRC-32C of bytes 4..end     7  1  reserved, 0
//   4  2  magic "CF"                  8  4  record count n (1..65,536)
//   6  1  format version 1           12  n × (u32 length, record bytes)
//
// The CRC is checked on every decode: JetStream checks its own storage, this checks the bytes end to
// end (a foreign or damaged message on the subject is an error, never records).
import { assert, crc32c, limits } from '../../core/index.js';
import { LogError } from '../errors.js';

export const batchHeaderBytes = 12;
/** Bytes a record adds to a batch besides its own: its length prefix. */
export const batchRecordOverheadBytes = 4;
const magic0 = 0x43; // 'C'
const magic1 = 0x46; // 'F'
const formatVersion = 1;

/** Encoded size of a batch holding records of `recordBytes` bytes in total. */
export function batchBytes(recordCount: number, recordBytes: number): number {
  return batchHeaderBytes + recordCount * batchRecordOverheadBytes + recordBytes;
}

export function encodeBatch(records: readonly Uint8Array[]): Uint8Array {
  assert(records.length > 0 && records.length <= limits.natsRecordsPerMessageMax, () => `a batch of ${records.length} records`);
  const total = records.reduce((sum, record) => sum + record.byteLength, 0);
  const payload = new Uint8Array(batchBytes(records.length, total));
  const view = new DataView(payload.buffer);
  payload[4] = magic0;
  payload[5] = magic1;
  payload[6] = formatVersion;
  view.setUint32(8, records.length, true);
  let at = batchHeaderBytes;
  for (const record of records) {
    view.setUint32(at, record.byteLength, true);
    payload.set(record, at + batchRecordOverheadBytes);
    at += batchRecordOverheadBytes + record.byteLength;
  }
  view.setUint32(0, crc32c(payload.subarray(4)), true);
  return payload;
}

export interface BatchContext {
  partition?: number;
  offset?: number;
}

function corrupt(problem: string, context: BatchContext): LogError {
  const where = context.partition === undefined ? '' : `partition ${context.partition}, offset ${context.offset}: `;
  return new LogError(`${where}not a clickflow record batch (${problem})`, {
    domain: 'external',
    code: 'log_corrupt',
    partition: context.partition,
    offset: context.offset,
  });
}

/** The records of a batch, as views into `payload`. Throws a `log_corrupt` LogError on any damage. */
export function decodeBatch(payload: Uint8Array, context: BatchContext = {}): Uint8Array[] {
  if (payload.byteLength < batchHeaderBytes) throw corrupt(`${payload.byteLength} bytes is shorter than a header`, context);
  if (payload[4] !== magic0 || payload[5] !== magic1) throw corrupt('bad magic', context);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (view.getUint32(0, true) !== crc32c(payload.subarray(4))) throw corrupt('checksum mismatch', context);
  if (payload[6] !== formatVersion || payload[7] !== 0) throw corrupt(`unknown format version ${payload[6]}.${payload[7]}`, context);
  const count = view.getUint32(8, true);
  if (count === 0 || count > limits.natsRecordsPerMessageMax) throw corrupt(`record count ${count}`, context);
  const records: Uint8Array[] = new Array<Uint8Array>(count);
  let at = batchHeaderBytes;
  for (let i = 0; i < count; i++) {
    if (at + batchRecordOverheadBytes > payload.byteLength) throw corrupt(`record ${i} runs past the end`, context);
    const length = view.getUint32(at, true);
    const start = at + batchRecordOverheadBytes;
    if (start + length > payload.byteLength) throw corrupt(`record ${i} runs past the end`, context);
    records[i] = payload.subarray(start, start + length);
    at = start + length;
  }
  if (at !== payload.byteLength) throw corrupt(`${payload.byteLength - at} bytes after the last record`, context);
  return records;
}
