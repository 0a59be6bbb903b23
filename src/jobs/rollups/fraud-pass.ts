// The fraud rule over a sealed hour, in the order the stream would see it: per log partition, by
// (event time, id), one rule per partition with fresh state (judgeSortedClicks's contract). DuckDB
// sorts and computes IPv4 keys; only four numbers per click cross into JavaScript, a column chunk
// at a time, gathered into batches per lane (partitions are independent, so lanes are threads);
// only the flagged clicks come back (file index, row, code), appended in bulk to the `verdicts`
// table that hour-groups.sql joins.
import type { DuckDBConnection, DuckDBDataChunk, DuckDBDoubleVector, DuckDBIntegerVector, DuckDBVarCharVector } from '@duckdb/node-api';
import { InternalError } from '../../core/index.js';
import { ipKey, networkKey } from '../../events/index.js';
import type { FraudRuleOptions } from '../fraud/index.js';
import { loadSql } from '../../batch/index.js';
import { newClickBatch, type ClickBatchArrays, type FlagList } from './fraud-batch.js';
import { openFraudLanes, type FraudLane } from './fraud-lanes.js';
import { rollupLimits } from './options.js';

const fraudInputSql = loadSql(import.meta.url, 'hour-fraud-input.sql');
const ipv6Sql = loadSql(import.meta.url, 'hour-ipv6.sql');
/** Clicks per batch handed to a lane: 36 bytes each, 1.2 MB a batch. */
const batchRows = 32_768;

export interface FraudPassFile {
  /** The log partition of the file's clicks. */
  partition: number;
  rows: number;
}

export interface FraudPassReport {
  judged: number;
  flagged: number;
  /** Threads the rule ran on. */
  threads: number;
  /** Time until DuckDB handed over the first sorted chunk (the sort), in ms. */
  sortMs: number;
  /** Time from the first query to the last verdict appended, in ms. */
  totalMs: number;
}

async function forEachChunk(connection: DuckDBConnection, sql: string, onChunk: (chunk: DuckDBDataChunk, rows: number) => void | Promise<void>): Promise<void> {
  const result = await connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    await onChunk(chunk, chunk.rowCount);
  }
}

/** Keys of the hour's IPv6 addresses by global row (file start + row in file). */
async function ipv6Keys(connection: DuckDBConnection, starts: Int32Array, total: number): Promise<{ keys: Float64Array; networks: Float64Array } | undefined> {
  let keys: Float64Array | undefined;
  let networks: Float64Array | undefined;
  const cache = new Map<string, [number, number]>();
  await forEachChunk(connection, ipv6Sql, (chunk, rows) => {
    keys ??= new Float64Array(total);
    networks ??= new Float64Array(total);
    const files = chunk.getColumnVector(0) as DuckDBIntegerVector;
    const fileRows = chunk.getColumnVector(1) as DuckDBIntegerVector;
    const ips = chunk.getColumnVector(2) as DuckDBVarCharVector;
    for (let row = 0; row < rows; row++) {
      const ip = ips.getItem(row)!;
      let entry = cache.get(ip);
      if (entry === undefined) {
        const key = ipKey(ip);
        const network = networkKey(ip);
        if (key === undefined || network === undefined) throw new InternalError(`the lake holds ${JSON.stringify(ip.slice(0, 64))}, which is not an IP address`);
        entry = [key, network];
        cache.set(ip, entry);
      }
      const at = starts[files.getItem(row)!]! + fileRows.getItem(row)!;
      keys![at] = entry[0];
      networks![at] = entry[1];
    }
  });
  return keys === undefined ? undefined : { keys, networks: networks! };
}

async function appendVerdicts(connection: DuckDBConnection, lists: readonly FlagList[]): Promise<number> {
  await connection.run('CREATE TABLE verdicts (file_index INTEGER NOT NULL, file_row INTEGER NOT NULL, code TINYINT NOT NULL)');
  const appender = await connection.createAppender('verdicts');
  let flagged = 0;
  for (const flags of lists) {
    for (let index = 0; index < flags.length; index++) {
      appender.appendInteger(flags.files[index]!);
      appender.appendInteger(flags.rows[index]!);
      appender.appendTinyInt(flags.codes[index]!);
      appender.endRow();
    }
    flagged += flags.length;
  }
  appender.closeSync();
  return flagged;
}

/** Which lane judges each partition: the partitions present, dealt round-robin. */
function laneOfPartition(files: readonly FraudPassFile[], partitions: number, lanes: number): Int32Array {
  const laneOf = new Int32Array(partitions);
  [...new Set(files.map((file) => file.partition))].sort((a, b) => a - b).forEach((partition, index) => (laneOf[partition] = index % lanes));
  return laneOf;
}

/**
 * Judges every deduplicated click of the hour (the view `hour_clicks` and table `duplicate_rows`
 * must exist) and fills the table `verdicts (file_index, file_row, code)` with the flagged ones.
 */
/** `threads`: 0 for automatic (see the `fraudThreads` option). */
export async function runFraudPass(connection: DuckDBConnection, files: readonly FraudPassFile[], options: FraudRuleOptions, partitions: number, threads: number): Promise<FraudPassReport> {
  const started = performance.now();
  const starts = new Int32Array(files.length);
  let total = 0;
  files.forEach((file, index) => {
    starts[index] = total;
    total += file.rows;
  });
  const v6 = await ipv6Keys(connection, starts, total);
  const wanted = threads > 0 ? threads : total >= rollupLimits.fraudThreadClicksMin ? rollupLimits.fraudThreadsAuto : 1;
  const laneCount = Math.max(1, Math.min(wanted, new Set(files.map((file) => file.partition)).size));
  const lanes: FraudLane[] = openFraudLanes(options, laneCount);
  const laneOf = laneOfPartition(files, partitions, laneCount);
  const batches: ClickBatchArrays[] = lanes.map(() => newClickBatch(batchRows));
  let judged = 0;
  let sortMs = 0;
  try {
    await forEachChunk(connection, fraudInputSql, async (chunk, rows) => {
      if (judged === 0) sortMs = performance.now() - started;
      const fileIndexes = chunk.getColumnVector(0) as DuckDBIntegerVector;
      const fileRows = chunk.getColumnVector(1) as DuckDBIntegerVector;
      const times = chunk.getColumnVector(2) as DuckDBDoubleVector;
      const keys = chunk.getColumnVector(3) as DuckDBDoubleVector;
      for (let row = 0; row < rows; row++) {
        const file = fileIndexes.getItem(row)!;
        const fileRow = fileRows.getItem(row)!;
        const partition = files[file]!.partition;
        const lane = laneOf[partition]!;
        const batch = batches[lane]!;
        const at = batch.length++;
        batch.times[at] = times.getItem(row)!;
        const ipv4 = keys.getItem(row);
        if (ipv4 !== null) {
          batch.keys[at] = ipv4;
          batch.networks[at] = Math.floor(ipv4 / 256);
        } else {
          batch.keys[at] = v6!.keys[starts[file]! + fileRow]!;
          batch.networks[at] = v6!.networks[starts[file]! + fileRow]!;
        }
        batch.partitions[at] = partition;
        batch.files[at] = file;
        batch.rows[at] = fileRow;
        if (batch.length === batchRows) {
          await lanes[lane]!.submit(batch);
          batches[lane] = newClickBatch(batchRows);
        }
      }
      judged += rows;
    });
    for (const [lane, batch] of batches.entries()) if (batch.length > 0) await lanes[lane]!.submit(batch);
    const lists = await Promise.all(lanes.map((lane) => lane.finish()));
    const flagged = await appendVerdicts(connection, lists);
    return { judged, flagged, threads: laneCount, sortMs, totalMs: performance.now() - started };
  } finally {
    await Promise.all(lanes.map((lane) => lane.close()));
  }
}
