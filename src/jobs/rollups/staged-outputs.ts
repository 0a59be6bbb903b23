// Outputs that are published together or not at all. Each table is written with DuckDB to a
// temporary name in its folder (the orchestrator's `temporaryOutputPath`, so
// `removeAbandonedOutputs` clears what a killed run leaves), fsynced and hashed; only when every
// file is written and every data check has passed are they renamed into place, then the folder
// synced. A failure before that removes the temporary files and leaves the published ones as they were.
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parquetCopyOptions, sqlString } from '../../batch/index.js';
import { combineHashes, fsyncPath, hashFile, temporaryOutputPath } from '../../orchestrator/index.js';
import type { BatchRunOutput } from '../../store/index.js';

export interface StagedFile {
  name: string;
  path: string;
  temporary: string;
  rows: number;
  bytes: number;
  hash: string;
}

export interface StagedOutputs {
  readonly dir: string;
  readonly files: readonly StagedFile[];
  /** Writes the rows of `selectSql` (in a total order) as `name` under a temporary name. */
  stage(name: string, selectSql: string): Promise<StagedFile>;
  /** Renames every staged file into place (after a last look at the signal) and syncs the folder. */
  publish(signal?: AbortSignal): Promise<void>;
  /** Removes the staged files not yet published. */
  discard(): Promise<void>;
  /** `combineHashes` over (name, hash) of every file, in staging order: the run's output hash. */
  outputHash(): string;
  outputs(): BatchRunOutput[];
}

export async function stageOutputs(connection: DuckDBConnection, dir: string): Promise<StagedOutputs> {
  await mkdir(dir, { recursive: true });
  const files: StagedFile[] = [];
  let published = false;
  return {
    dir,
    files,
    async stage(name, selectSql) {
      const temporary = temporaryOutputPath(dir, name);
      const file: StagedFile = { name, path: join(dir, name), temporary, rows: 0, bytes: 0, hash: '' };
      files.push(file);
      const result = await connection.run(`COPY (${selectSql}) TO ${sqlString(temporary)} ${parquetCopyOptions()}`);
      await fsyncPath(temporary, 'r+');
      const content = await hashFile(temporary);
      Object.assign(file, { rows: Number(result.rowsChanged), bytes: content.bytes, hash: content.hash });
      return file;
    },
    async publish(signal) {
      signal?.throwIfAborted();
      for (const file of files) await rename(file.temporary, file.path);
      published = true;
      await fsyncPath(dir, 'r');
    },
    async discard() {
      if (published) return;
      await Promise.all(files.map((file) => rm(file.temporary, { force: true })));
    },
    outputHash: () => combineHashes(files.flatMap((file) => [file.name, file.hash])),
    outputs: () => files.map((file) => ({ location: file.path, rows: file.rows, bytes: file.bytes })),
  };
}
