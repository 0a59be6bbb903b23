// The archiver's open spools, one per (partition, hour, kind), and their hand-over to the writer
// thread. A spool is written out when it reaches its row or byte bound, when too many are open
// (the largest first), and always at a checkpoint. Every hour is journaled before its first spool
// of the interval opens, so a crash leaves no file where a restart would not look.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../../core/index.js';
import { createCsvSpool, lakeFileName, lakeFolders, rawHourPath, type CsvLine, type CsvSpool, type LakeWriter } from '../../batch/index.js';
import type { LakeFileInput, LakeFileKind } from '../../store/index.js';
import type { HourJournal } from './hour-journal.js';
import type { ArchiverOptions } from './options.js';

interface OpenSpool {
  key: string;
  partition: number;
  hourStartMs: number;
  kind: LakeFileKind;
  spool: CsvSpool;
}

export interface SpoolSetDeps {
  options: ArchiverOptions;
  writer: LakeWriter;
  journal(partition: number): HourJournal;
}

/** The spool folder's files of `partition` start with this. */
export function spoolPrefix(partition: number): string {
  return `p${partition}-`;
}

/** Removes a partition's spools: after a crash none of them was committed. */
export function removeSpools(lakeDir: string, partition: number): number {
  const folder = join(lakeDir, lakeFolders.spool);
  const names = readdirSync(folder).filter((name) => name.startsWith(spoolPrefix(partition)) && name.endsWith('.csv'));
  for (const name of names) rmSync(join(folder, name), { force: true });
  return names.length;
}

export class SpoolSet {
  private readonly open = new Map<string, OpenSpool>();
  /** What each write handed to the writer thread will be, by write id. */
  private readonly writing = new Map<number, Omit<LakeFileInput, 'rows' | 'bytes' | 'sha256'>>();
  /** The spool the last row went to: a batch's rows mostly share one. */
  private last: OpenSpool | undefined;

  constructor(private readonly deps: SpoolSetDeps) {}

  append(partition: number, hourStartMs: number, kind: LakeFileKind, line: CsvLine): void {
    let entry = this.last;
    if (entry === undefined || entry.partition !== partition || entry.hourStartMs !== hourStartMs || entry.kind !== kind) {
      entry = this.open.get(`${partition}/${hourStartMs}/${kind}`) ?? this.openSpool(partition, hourStartMs, kind, line.offset);
      this.last = entry;
    }
    entry.spool.append(line);
    const { options } = this.deps;
    if (entry.spool.rows >= options.fileRowsMax || entry.spool.bytes >= options.spoolBytesMax) this.writeOut(entry);
  }

  /** Hands every open spool to the writer. */
  writeOutAll(): void {
    for (const entry of [...this.open.values()]) this.writeOut(entry);
  }

  /** Files written since the last call, as manifest entries; with `wait`, waits for every write first. */
  written(wait: boolean): LakeFileInput[] {
    const done = wait ? this.deps.writer.drain() : this.deps.writer.poll();
    return done.map(({ id, file }) => {
      const entry = this.writing.get(id);
      assert(entry !== undefined, () => `write ${id} is unknown`);
      this.writing.delete(id);
      return { ...entry, rows: file.rows, bytes: file.bytes, sha256: file.sha256 };
    });
  }

  /** Drops open spools without writing them (the job is closing without a checkpoint). */
  discard(): void {
    for (const entry of this.open.values()) entry.spool.discard();
    this.open.clear();
    this.last = undefined;
  }

  private openSpool(partition: number, hourStartMs: number, kind: LakeFileKind, firstOffset: number): OpenSpool {
    if (this.open.size >= this.deps.options.openSpoolsMax) {
      const largest = [...this.open.values()].reduce((a, b) => (b.spool.bytes > a.spool.bytes ? b : a));
      this.writeOut(largest);
    }
    this.deps.journal(partition).add(hourStartMs);
    const name = `${spoolPrefix(partition)}h${hourStartMs}-${kind}-o${firstOffset}.csv`;
    const spool = createCsvSpool(join(this.deps.options.lakeDir, lakeFolders.spool, name), this.deps.options.spoolBufferBytes);
    const entry: OpenSpool = { key: `${partition}/${hourStartMs}/${kind}`, partition, hourStartMs, kind, spool };
    this.open.set(entry.key, entry);
    return entry;
  }

  private writeOut(entry: OpenSpool): void {
    const { spool, partition, hourStartMs, kind } = entry;
    this.open.delete(entry.key);
    if (this.last === entry) this.last = undefined;
    spool.finish();
    const { firstOffset, lastOffset } = spool;
    const folder = rawHourPath(hourStartMs);
    const path = `${folder}/${lakeFileName({ kind, partition, firstOffset, lastOffset })}`;
    mkdirSync(join(this.deps.options.lakeDir, folder), { recursive: true });
    const id = this.deps.writer.submit({ csvPath: spool.path, path: join(this.deps.options.lakeDir, path), rows: spool.rows });
    this.writing.set(id, { path, hourStartMs, kind, partition, firstOffset, lastOffset, minEventTimeMs: spool.minEventTimeMs, maxEventTimeMs: spool.maxEventTimeMs });
  }
}
