// A spool: the CSV lines of one future lake file, buffered in memory and written to a file in the
// spool folder whenever the buffer fills, so a file of millions of rows costs one buffer of memory.
// It knows the offsets and event times of its rows: the file's name and manifest entry need them.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { assert } from '../core/index.js';
import { clickCsvLineBytesMax, type CsvLine } from './click-csv.js';

export interface CsvSpool {
  readonly path: string;
  readonly rows: number;
  /** CSV bytes so far, buffered and written. */
  readonly bytes: number;
  /** Offsets of the first and last row appended (rows come in offset order). */
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly minEventTimeMs: number;
  readonly maxEventTimeMs: number;
  /** Rows come in offset order. */
  append(line: CsvLine): void;
  /** Writes what is buffered and closes the file; the spool takes no more rows. */
  finish(): void;
  /** Closes and removes the file. */
  discard(): void;
}

class CsvSpoolImpl implements CsvSpool {
  rows = 0;
  bytes = 0;
  firstOffset = -1;
  lastOffset = -1;
  minEventTimeMs = Number.POSITIVE_INFINITY;
  maxEventTimeMs = Number.NEGATIVE_INFINITY;
  private readonly buffer: Buffer;
  private used = 0;
  private fd: number | undefined;
  private finished = false;

  constructor(
    readonly path: string,
    bufferBytes: number,
  ) {
    assert(bufferBytes >= 2 * clickCsvLineBytesMax, () => `a spool buffer of ${bufferBytes} bytes cannot hold two of the longest lines`);
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  append(line: CsvLine): void {
    const { offset, eventTimeMs } = line;
    assert(!this.finished, 'a row appended to a finished spool');
    assert(offset > this.lastOffset, () => `spool ${this.path}: offset ${offset} after ${this.lastOffset}`);
    if (this.buffer.length - this.used < clickCsvLineBytesMax) this.writeBuffer();
    const end = line.write(this.buffer, this.used);
    assert(end - this.used < clickCsvLineBytesMax, 'a CSV line was longer than its bound');
    this.bytes += end - this.used;
    this.used = end;
    if (this.rows === 0) this.firstOffset = offset;
    this.lastOffset = offset;
    this.rows++;
    if (eventTimeMs < this.minEventTimeMs) this.minEventTimeMs = eventTimeMs;
    if (eventTimeMs > this.maxEventTimeMs) this.maxEventTimeMs = eventTimeMs;
  }

  finish(): void {
    assert(!this.finished, 'a spool finished twice');
    this.writeBuffer();
    closeSync(this.fd!);
    this.fd = undefined;
    this.finished = true;
  }

  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.finished = true;
    rmSync(this.path, { force: true });
  }

  private writeBuffer(): void {
    this.fd ??= openSync(this.path, 'w');
    for (let written = 0; written < this.used; ) written += writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
  }
}

/** A new, empty spool that will write to `path` (created on the first write, replaced if it exists). */
export function createCsvSpool(path: string, bufferBytes: number): CsvSpool {
  return new CsvSpoolImpl(path, bufferBytes);
}
