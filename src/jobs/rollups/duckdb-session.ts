// One DuckDB database per run, in memory, with bounded threads and memory; what does not fit
// spills to a scratch folder under the rollups folder. Closed whatever the run's outcome.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../batch/index.js';

export interface DuckdbSession {
  connection: DuckDBConnection;
  close(): void;
}

export async function openDuckdbSession(options: { rollupsDir: string; threads: number; memoryMib: number }): Promise<DuckdbSession> {
  const scratch = join(options.rollupsDir, '.duckdb-tmp');
  await mkdir(scratch, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads),
    memory_limit: `${options.memoryMib}MiB`,
    // Extensions come with the package or not at all: a batch run never downloads code.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  await connection.run(`SET temp_directory = ${sqlString(scratch)}`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `work` with a fresh session, closing it after. */
export async function withDuckdb<T>(options: { rollupsDir: string; threads: number; memoryMib: number }, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const session = await openDuckdbSession(options);
  try {
    return await work(session.connection);
  } finally {
    session.close();
  }
}
