// What the archiver's thread and its writer thread say to each other. Replies go over a message
// port and are counted in shared memory, so the archiver can wait for them synchronously (its
// operator callbacks are synchronous) with Atomics.wait and take them with receiveMessageOnPort.
import type { MessagePort } from 'node:worker_threads';
import type { WrittenParquetFile } from './parquet-writer.js';

export interface LakeWriterThreadData {
  port: MessagePort;
  /** Int32Array slots: `replies` (replies posted so far) and `fatal` (1 once the thread is broken). */
  shared: SharedArrayBuffer;
  duckdbThreads: number;
  duckdbMemoryMib: number;
  /** DuckDB's scratch folder (sorts that outgrow memory spill there). */
  tempDirectory: string;
  rowGroupRows: number;
}

export const sharedSlots = { replies: 0, fatal: 1 } as const;
export const sharedSlotCount = 2;

/** Write the CSV spool at `csvPath` (exactly `rows` lines) as the raw lake file `path`, then remove the spool. */
export interface WriteRequest {
  id: number;
  csvPath: string;
  path: string;
  rows: number;
}

export type WriterReply =
  | { type: 'written'; id: number; file: WrittenParquetFile }
  | { type: 'failed'; id: number; message: string; code: string };
