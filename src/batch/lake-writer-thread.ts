// The writer thread: turns CSV spools into raw lake files with DuckDB, one at a time in arrival
// order, while the archiver's own thread goes on reading the log. Each reply is posted, then
// counted in shared memory and the waiting thread woken.
import { rm } from 'node:fs/promises';
import { workerData } from 'node:worker_threads';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ClickflowError, errorMessage } from '../core/index.js';
import { sharedSlots, type LakeWriterThreadData, type WriteRequest, type WriterReply } from './lake-writer-protocol.js';
import { writeParquetFile } from './parquet-writer.js';
import { loadSql, renderSql, sqlString } from './sql-files.js';

const data = workerData as LakeWriterThreadData;
const counters = new Int32Array(data.shared);
const rawFromCsv = loadSql(import.meta.url, 'raw-from-csv.sql');

function reply(message: WriterReply): void {
  data.port.postMessage(message);
  Atomics.add(counters, sharedSlots.replies, 1);
  Atomics.notify(counters, sharedSlots.replies);
}

/** A broken thread says so in shared memory, so a waiting archiver fails instead of waiting on. */
function markFatal(): void {
  Atomics.store(counters, sharedSlots.fatal, 1);
  Atomics.notify(counters, sharedSlots.replies);
}
process.on('uncaughtException', markFatal);
process.on('unhandledRejection', markFatal);

async function connect(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(data.duckdbThreads),
    memory_limit: `${data.duckdbMemoryMib}MiB`,
    temp_directory: data.tempDirectory,
    preserve_insertion_order: 'true',
  });
  return instance.connect();
}

const connection = connect();
let queue = Promise.resolve();

async function write(request: WriteRequest): Promise<void> {
  try {
    const select = renderSql(rawFromCsv, { csv: sqlString(request.csvPath) });
    const file = await writeParquetFile(await connection, select, request.path, { rowGroupRows: data.rowGroupRows, expectRows: request.rows });
    await rm(request.csvPath, { force: true });
    reply({ type: 'written', id: request.id, file });
  } catch (error) {
    reply({ type: 'failed', id: request.id, message: errorMessage(error), code: error instanceof ClickflowError ? error.code : 'error' });
  }
}

data.port.on('message', (request: WriteRequest) => {
  queue = queue.then(() => write(request));
});
