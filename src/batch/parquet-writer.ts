// Deterministic Parquet files with DuckDB: the same rows in the same order always make the same
// bytes, because every writer option that could vary is fixed here (format version, compression
// and its level, row group size) and DuckDB writes no time or host into a file. The query must
// put its rows in a total order (ORDER BY a unique key). A file is written under a temporary name,
// fsynced, and renamed into place, so a reader never sees half a file; its SHA-256 is returned for
// the record. DuckDB's own version is in each file's footer: a DuckDB upgrade may change bytes.
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { limits } from '../core/index.js';
import { LakeError } from './errors.js';
import { fileSha256, fsyncPath } from './file-sync.js';
import { tempFileName } from './lake-file-names.js';
import { sqlString } from './sql-files.js';

export interface ParquetWriteOptions {
  /** Rows per row group (default `limits.lakeRowGroupRows`; DuckDB rounds to whole 2,048-row vectors). */
  rowGroupRows?: number;
  /** Rows the query must give; any other count fails the write before the file is renamed into place. */
  expectRows?: number;
}

export interface WrittenParquetFile {
  /** Where the file is now (the path given). */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** The COPY options every lake file is written with. */
export function parquetCopyOptions(options: ParquetWriteOptions = {}): string {
  const rowGroupRows = options.rowGroupRows ?? limits.lakeRowGroupRows;
  return `(FORMAT parquet, PARQUET_VERSION V1, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE ${rowGroupRows})`;
}

/**
 * Writes the rows of `selectSql` to `path` (its folder must exist): to a temporary name beside it,
 * fsynced, renamed, the folder fsynced. Resolves once the file is durable in place.
 */
export async function writeParquetFile(connection: DuckDBConnection, selectSql: string, path: string, options: ParquetWriteOptions = {}): Promise<WrittenParquetFile> {
  const temp = join(dirname(path), tempFileName(basename(path)));
  try {
    const result = await connection.run(`COPY (${selectSql}) TO ${sqlString(temp)} ${parquetCopyOptions(options)}`);
    const rows = Number(result.rowsChanged);
    if (options.expectRows !== undefined && rows !== options.expectRows) throw new Error(`the query gave ${rows} rows, not the ${options.expectRows} expected`);
    await fsyncPath(temp);
    await rename(temp, path);
    await fsyncPath(dirname(path));
    const [{ size }, sha256] = await Promise.all([stat(path), fileSha256(path)]);
    return { path, rows, bytes: size, sha256 };
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new LakeError('write_failed', `writing the Parquet file failed: ${error instanceof Error ? error.message : String(error)}`, { path, cause: error });
  }
}
