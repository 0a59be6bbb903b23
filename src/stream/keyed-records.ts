// A minimal record format, `{"timeMs":…,"key":"…","value":…}` as UTF-8 JSON, with its batch
// decoder: for operator tests, golden files and examples. Clicks use the binary click codec.
import { createBatchColumns } from './batch-columns.js';
import type { BatchColumns, BatchDecoder } from './types.js';

export interface KeyedRecord {
  timeMs: number;
  key: string;
  /** Default 1. */
  value?: number;
}

export interface KeyedBatch extends BatchColumns {
  readonly keys: string[];
  readonly amounts: Float64Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeKeyedRecord(record: KeyedRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

export function keyedRecordDecoder(): BatchDecoder<KeyedBatch> {
  return {
    createBatch(capacity) {
      return { ...createBatchColumns(capacity), keys: new Array<string>(capacity).fill(''), amounts: new Float64Array(capacity) };
    },
    decode(value, batch, row) {
      const record = JSON.parse(decoder.decode(value)) as Partial<KeyedRecord>;
      if (typeof record.timeMs !== 'number' || typeof record.key !== 'string') throw new TypeError('a keyed record needs a numeric timeMs and a string key');
      batch.eventTimesMs[row] = record.timeMs;
      batch.keys[row] = record.key;
      batch.amounts[row] = record.value ?? 1;
    },
  };
}
