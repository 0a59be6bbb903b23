// The archiver operator: writes every click of the log into the lake by event hour, exactly once.
// Rows go to CSV spools per (partition, hour, kind) as they are read; spools become Parquet files
// on the writer thread, renamed into place; at each checkpoint every open spool is written and
// waited for, and only then does the checkpoint commit the offsets, with one manifest row per
// file and each partition's progress. After a crash, files at or past a partition's committed
// offset were never committed and are removed before anything is written (docs/lake.md).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { limits } from '../../core/index.js';
import {
  ClickRecordLine,
  clickSpanSlots,
  createLakeWriter,
  hourLabel,
  hourMs,
  hourStartOf,
  lakeFolders,
  lakeManifestCodec,
  lakeManifestKey,
  lakeManifestView,
  removeUncommittedFiles,
  type LakeWriter,
} from '../../batch/index.js';
import type { LakeFileInput } from '../../store/index.js';
import { float64ArrayCodec, noWatermarkMs, type KeyedState, type Operator, type OperatorContext, type ViewWriter } from '../../stream/index.js';
import type { ClickRecordBatch } from './click-record-decoder.js';
import { openHourJournal, type HourJournal } from './hour-journal.js';
import type { ArchiverOptions } from './options.js';
import { removeSpools, SpoolSet } from './spool-set.js';

/** Late-ledger reason of a click whose hour had closed (its end plus the allowed lateness behind its partition's watermark). */
export const archiverLateReason = 'hour-closed';

/**
 * Progress per partition, committed with the offsets: the offset after the last row written, the
 * last manifest number, and the partition's watermark at that checkpoint (what closes hours).
 */
const nextOffsetSlot = 0;
const sequenceSlot = 1;
const watermarkSlot = 2;
const progressSlots = 3;

export class ArchiverOperator implements Operator<ClickRecordBatch> {
  readonly name = 'archiver';
  private progress!: KeyedState<Float64Array>;
  private manifest!: ViewWriter<LakeFileInput>;
  private writer: LakeWriter | undefined;
  private spools: SpoolSet | undefined;
  private readonly journals = new Map<number, HourJournal>();
  /** Rows read since the last checkpoint, per partition: the offset after the last one. */
  private readonly readUpTo = new Map<number, number>();
  private readonly line = new ClickRecordLine();

  constructor(private readonly options: ArchiverOptions) {}

  /** Declares the state and view, and starts the writer thread now: its DuckDB warms up while the job restores. */
  onStart(context: OperatorContext): void {
    this.progress = context.keyedState('progress', { codec: float64ArrayCodec(progressSlots), keysMax: limits.partitionsMax, whenFull: 'fail' });
    this.manifest = context.view(lakeManifestView, lakeManifestCodec);
    const tempDirectory = join(this.options.lakeDir, lakeFolders.spool, `duckdb-p${context.partitions[0]}`);
    rmSync(tempDirectory, { recursive: true, force: true });
    mkdirSync(tempDirectory, { recursive: true });
    this.writer = createLakeWriter({ ...this.options, tempDirectory });
  }

  /**
   * A click is late when its hour's end plus the allowed lateness is behind its partition's
   * watermark as of the last checkpoint: once a checkpoint committed that watermark, the sealer may
   * seal the hour, so from then on every click of it must go to a late file. (Judged against the
   * committed watermark rather than the moving one, a click's kind does not depend on how the log
   * happened to be cut into reads.)
   */
  processBatch(batch: ClickRecordBatch, context: OperatorContext): void {
    const spools = this.recover(context);
    const { partition, offsets, eventTimesMs, ingestTimesMs, values, spans } = batch;
    const closedBeforeMs = this.partitionProgress(partition)[watermarkSlot]! - this.options.allowedLatenessMs;
    for (let row = 0; row < batch.length; row++) {
      const offset = offsets[row]!;
      const eventTimeMs = eventTimesMs[row]!;
      const hourStartMs = hourStartOf(eventTimeMs);
      const late = hourStartMs + hourMs <= closedBeforeMs;
      if (late) context.late.record(partition, offset, eventTimeMs, archiverLateReason, hourLabel(hourStartMs));
      this.line.set(values[row]!, spans, row * clickSpanSlots, eventTimeMs, ingestTimesMs[row]!, partition, offset);
      spools.append(partition, hourStartMs, late ? 'late' : 'part', this.line);
    }
    if (batch.length > 0) this.readUpTo.set(partition, offsets[batch.length - 1]! + 1);
  }

  /** Writes every open spool and waits: the checkpoint may commit these offsets only once their rows are in place. */
  onCheckpoint(_checkpointId: number, context: OperatorContext): void {
    const spools = this.recover(context);
    spools.writeOutAll();
    for (const file of spools.written(true)) {
      const state = this.partitionProgress(file.partition);
      state[sequenceSlot] = state[sequenceSlot]! + 1;
      this.manifest.put(file.partition, lakeManifestKey(file.partition, state[sequenceSlot]!), file);
      this.progress.set(file.partition, String(file.partition), state);
    }
    for (const partition of context.partitions) {
      const state = this.partitionProgress(partition);
      state[nextOffsetSlot] = this.readUpTo.get(partition) ?? state[nextOffsetSlot]!;
      state[watermarkSlot] = context.partitionWatermarkMs(partition);
      this.progress.set(partition, String(partition), state);
    }
    this.readUpTo.clear();
  }

  /** Everything written is committed: the journals may forget their hours. */
  onCommit(): void {
    for (const journal of this.journals.values()) journal.clear();
  }

  onClose(context: OperatorContext): void {
    this.spools?.discard();
    const writer = this.writer;
    this.writer = undefined;
    void writer?.close().catch((error: unknown) => context.logger.warn({ err: error }, 'the lake writer thread did not close'));
  }

  private partitionProgress(partition: number): Float64Array {
    return this.progress.get(partition, String(partition)) ?? Float64Array.of(0, 0, noWatermarkMs);
  }

  /**
   * Once, before the first file is written (the checkpoint is restored by then): removes what a
   * crash left, files at or past each partition's committed offset, temp files and spools.
   */
  private recover(context: OperatorContext): SpoolSet {
    if (this.spools !== undefined) return this.spools;
    const { lakeDir } = this.options;
    mkdirSync(join(lakeDir, lakeFolders.journal), { recursive: true });
    mkdirSync(join(lakeDir, lakeFolders.spool), { recursive: true });
    for (const partition of context.partitions) {
      const journal = openHourJournal(join(lakeDir, lakeFolders.journal, `p${partition}.hours`));
      const committed = this.partitionProgress(partition)[nextOffsetSlot]!;
      const removed = removeUncommittedFiles(lakeDir, partition, committed, journal.hours());
      const spools = removeSpools(lakeDir, partition);
      if (removed.length > 0 || spools > 0) context.logger.info({ partition, committed, removed, spools }, 'removed files no checkpoint committed');
      journal.clear();
      this.journals.set(partition, journal);
    }
    this.spools = new SpoolSet({ options: this.options, writer: this.writer!, journal: (partition) => this.journals.get(partition)! });
    return this.spools;
  }
}
