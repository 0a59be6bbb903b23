// The fraud rule over a sealed hour, in the order the stream would see it: per log partition, by
// (event time, id), one rule per partition with fresh state (judgeSortedClicks's contract). DuckDB
// sorts and computes IPv4 keys; only four numbers per click cross into JavaScript, a column chunk
// at a time, and only the flagged clicks go back (file index, row, code), appended in bulk to the
// `verdicts` table that hour-groups.sql joins.
import type { DuckDBConnection, DuckDBDataChunk, DuckDBDoubleVector, DuckDBIntegerVector, DuckDBVarCharVector } from '@duckdb/node-api';
import { InternalError } from '../../core/index.js';
import { ipKey, networkKey } from '../../events/index.js';
import { createFraudRule, type FraudRule, type FraudRuleOptions } from '../fraud/index.js';
import { loadSql } from '../../batch/index.js';

const fraudInputSql = loadSql(import.meta.url, 'hour-fraud-input.sql');
const ipv6Sql = loadSql(import.meta.url, 'hour-ipv6.sql');

export interface FraudPassFile {
  /** The log partition of the file's clicks. */
  partition: number;
  rows: number;
}

export interface FraudPassReport {
  judged: number;
  flagged: number;
  /** Time spent in the rule itself (JavaScript), in ms. */
  ruleMs: number;
  /** Time from the first query to the last verdict appended, in ms. */
  totalMs: number;
}

/** Growable (file index, row, code) triples of flagged clicks. */
class Flags {
  files = new Int32Array(1024);
  rows = new Int32Array(1024);
  codes = new Uint8Array(1024);
  length = 0;
  push(file: number, row: number, code: number): void {
    if (this.length === this.files.length) {
      const grow = <T extends Int32Array | Uint8Array>(from: T, to: T): T => (to.set(from), to);
      this.files = grow(this.files, new Int32Array(this.length * 2));
      this.rows = grow(this.rows, new Int32Array(this.length * 2));
      this.codes = grow(this.codes, new Uint8Array(this.length * 2));
    }
    this.files[this.length] = file;
    this.rows[this.length] = row;
    this.codes[this.length++] = code;
  }
}

async function forEachChunk(connection: DuckDBConnection, sql: string, onChunk: (chunk: DuckDBDataChunk, rows: number) => void): Promise<void> {
  const result = await connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    onChunk(chunk, chunk.rowCount);
  }
}

/** Keys of the hour's IPv6 addresses by global row (file start + row); NaN-free only where set. */
async function ipv6Keys(connection: DuckDBConnection, starts: Int32Array | number[], total: number): Promise<{ keys: Float64Array; networks: Float64Array } | undefined> {
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

/**
 * Judges every deduplicated click of the hour (the view `hour_clicks` and table `duplicate_rows`
 * must exist) and fills the table `verdicts (file_index, file_row, code)` with the flagged ones.
 */
export async function runFraudPass(connection: DuckDBConnection, files: readonly FraudPassFile[], options: FraudRuleOptions, partitions: number): Promise<FraudPassReport> {
  const started = performance.now();
  const starts = new Int32Array(files.length);
  let total = 0;
  files.forEach((file, index) => {
    starts[index] = total;
    total += file.rows;
  });
  const v6 = await ipv6Keys(connection, starts, total);
  const rules: (FraudRule | undefined)[] = new Array<FraudRule | undefined>(partitions);
  const lastTime = new Float64Array(partitions).fill(-Infinity);
  const flags = new Flags();
  let judged = 0;
  let ruleMs = 0;
  await forEachChunk(connection, fraudInputSql, (chunk, rows) => {
    const fileIndexes = chunk.getColumnVector(0) as DuckDBIntegerVector;
    const fileRows = chunk.getColumnVector(1) as DuckDBIntegerVector;
    const times = chunk.getColumnVector(2) as DuckDBDoubleVector;
    const keys = chunk.getColumnVector(3) as DuckDBDoubleVector;
    const ruleStarted = performance.now();
    for (let row = 0; row < rows; row++) {
      const file = fileIndexes.getItem(row)!;
      const fileRow = fileRows.getItem(row)!;
      const time = times.getItem(row)!;
      const partition = files[file]!.partition;
      // The order is DuckDB's ORDER BY; a rule fed out of order would judge differently.
      if (time < lastTime[partition]!) throw new InternalError(`the fraud input of partition ${partition} is not in event-time order at row ${judged}`);
      lastTime[partition] = time;
      const rule = (rules[partition] ??= createFraudRule(options));
      const ipv4 = keys.getItem(row);
      let code: number;
      if (ipv4 !== null) {
        code = rule.observe(ipv4, Math.floor(ipv4 / 256), time);
      } else {
        const at = starts[file]! + fileRow;
        code = rule.observe(v6!.keys[at]!, v6!.networks[at]!, time);
      }
      if (code !== 0) flags.push(file, fileRow, code);
    }
    ruleMs += performance.now() - ruleStarted;
    judged += rows;
  });
  await connection.run('CREATE TABLE verdicts (file_index INTEGER NOT NULL, file_row INTEGER NOT NULL, code TINYINT NOT NULL)');
  const appender = await connection.createAppender('verdicts');
  for (let index = 0; index < flags.length; index++) {
    appender.appendInteger(flags.files[index]!);
    appender.appendInteger(flags.rows[index]!);
    appender.appendTinyInt(flags.codes[index]!);
    appender.endRow();
  }
  appender.closeSync();
  return { judged, flagged: flags.length, ruleMs, totalMs: performance.now() - started };
}
