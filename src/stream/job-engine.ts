// The synchronous core of a stream job, shared by the worker runner and the test harness: decodes
// a read into the job's batch once, drives every operator with the tagged messages, moves the
// watermarks, fires windows and timers, and collects a checkpoint at a barrier. It does no I/O:
// the runner feeds it reads and commits what it collects.
import { assert, AssertionFailure, ClickflowError, type Clock, type Logger } from '../core/index.js';
import type { LogRecord } from '../log/index.js';
import type { RestoredStreamCheckpoint, StreamCheckpoint, StreamCommitReport } from '../store/index.js';
import { StreamError } from './errors.js';
import { createLateLedgerBuffer } from './late-ledger.js';
import { deliver } from './messages.js';
import { createOperatorRuntime, type JobShared, type OperatorRuntime } from './operator-runtime.js';
import { restoreEngineState } from './engine-restore.js';
import { collectEngineMetrics } from './engine-metrics.js';
import { noWatermarkMs, type BatchColumns, type CheckpointMetrics, type JobDefinition, type LateLedger, type LiveMessage, type StreamMessage, type StreamMetrics } from './types.js';
import { createViewBuffer } from './view-buffer.js';
import { createWatermarkTracker } from './watermarks.js';

export interface JobEngineOptions {
  partitions: readonly number[];
  /** Most records per processRecords call: the batch's capacity. */
  batchCapacity: number;
  outOfOrdernessMs: number;
  idleTimeoutMs: number;
  lateRowsPerCheckpointMax: number;
  liveMessagesPerBatchMax: number;
}

export interface JobEngineDeps {
  clock: Clock;
  logger: Logger;
  /** Receives live messages after each batch, watermark or timer round (at least once). */
  onLive?(messages: readonly LiveMessage[]): void;
}

export interface JobEngine {
  readonly job: string;
  /** The job's `commitsOverlap`: batches may be processed while a checkpoint commits. */
  readonly commitsOverlap: boolean;
  readonly partitions: readonly number[];
  /**
   * Declares every operator's state (each operator's onStart); returns the views a restore must
   * read, those states stored as views (`ViewStoredCodec`) are kept in. `start` declares when this
   * was not called.
   */
  declare(): readonly string[];
  /** Restores the checkpoint (declaring first if need be); partitions never committed start at `startOffsets[partition]`. */
  start(restored: RestoredStreamCheckpoint, startOffsets: readonly number[]): void;
  nextOffset(partition: number): number;
  /** One read's records, and the offset to read from next. */
  processRecords(partition: number, records: readonly LogRecord[], nextOffset: number): void;
  /** A read found nothing new in `partition`. */
  observeEmpty(partition: number): void;
  /** Moves a partition's watermark explicitly (a punctuation); backwards is a bug. */
  advanceWatermarkTo(partition: number, watermarkMs: number): void;
  /** Advances idle partitions on the clock and fires due processing-time timers. */
  tick(): void;
  /** Nothing to read this moment: operators' deferred work (`onIdle`). */
  idle(): void;
  nextProcessingTimerMs(): number | undefined;
  /** State, view and ledger rows waiting for the next checkpoint. */
  pendingRows(): number;
  /** Whether a checkpoint now would write anything (rows, or a moved offset or watermark). */
  hasChanges(): boolean;
  /** Delivers the barrier and collects the checkpoint. After a failed commit the engine must be discarded. */
  barrier(): StreamCheckpoint;
  committed(checkpoint: StreamCheckpoint, report: StreamCommitReport, timing: { durationMs: number; commitMs: number }): void;
  end(): void;
  watermarkMs(): number;
  metrics(): StreamMetrics;
}

/** The ledger's operator name for records the decoder refused. */
const decoderName = 'decoder';

class JobEngineImpl<B extends BatchColumns> implements JobEngine {
  readonly job: string;
  readonly commitsOverlap: boolean;
  readonly partitions: readonly number[];
  private readonly shared: JobShared;
  private readonly runtimes: OperatorRuntime<B>[];
  private readonly batch: B;
  private readonly dataMessage: StreamMessage<B>;
  private readonly decoderLedger: LateLedger;
  private readonly offsets = new Map<number, number>();
  private readonly committedOffsets = new Map<number, number>();
  private readonly committedWatermarks = new Map<number, number>();
  private checkpointId = 0;
  private started = false;
  private declared = false;
  private readonly counters = { events: 0, batches: 0, checkpoints: 0, startedAtMs: 0, lastCommitAtMs: 0 };
  private lastCheckpoint: CheckpointMetrics | null = null;

  constructor(
    private readonly definition: JobDefinition<B>,
    private readonly deps: JobEngineDeps,
    private readonly options: JobEngineOptions,
  ) {
    this.job = definition.name;
    this.commitsOverlap = definition.commitsOverlap === true;
    this.partitions = [...options.partitions].sort((a, b) => a - b);
    const time = { watermarkMs: noWatermarkMs };
    this.shared = {
      job: this.job,
      partitions: this.partitions,
      clock: deps.clock,
      logger: deps.logger,
      time,
      watermarks: createWatermarkTracker({ partitions: this.partitions, outOfOrdernessMs: options.outOfOrdernessMs, idleTimeoutMs: options.idleTimeoutMs }),
      views: createViewBuffer(this.job),
      late: createLateLedgerBuffer(options.lateRowsPerCheckpointMax, time, () => deps.clock.nowMs()),
      live: { messages: [], dropped: 0, max: options.liveMessagesPerBatchMax },
      declaredKeys: { total: 0 },
    };
    const names = new Set<string>();
    this.runtimes = definition.operators.map((operator) => {
      assert(!names.has(operator.name), () => `job ${this.job}: two operators are named ${operator.name}`);
      names.add(operator.name);
      return createOperatorRuntime(operator, this.shared);
    });
    this.batch = definition.decoder.createBatch(options.batchCapacity);
    assert(this.batch.offsets.length >= options.batchCapacity, 'the decoder made a batch smaller than asked');
    this.dataMessage = { kind: 'data', batch: this.batch };
    this.decoderLedger = this.shared.late.forOperator(decoderName);
  }

  declare(): readonly string[] {
    assert(!this.declared, `job ${this.job} declared twice`);
    this.declared = true;
    for (const runtime of this.runtimes) runtime.start();
    const views = new Set<string>();
    for (const runtime of this.runtimes) for (const table of runtime.tables.values()) if (table.storedInView !== undefined) views.add(table.storedInView);
    return [...views];
  }

  start(restored: RestoredStreamCheckpoint, startOffsets: readonly number[]): void {
    assert(!this.started, `job ${this.job} started twice`);
    this.started = true;
    if (!this.declared) this.declare();
    restoreEngineState(this.shared, this.runtimes, restored, startOffsets, {
      offsets: this.offsets,
      committedOffsets: this.committedOffsets,
      committedWatermarks: this.committedWatermarks,
    });
    this.checkpointId = restored.checkpointId;
    this.shared.time.watermarkMs = this.shared.watermarks.jobWatermarkMs();
    this.counters.startedAtMs = this.deps.clock.nowMs();
    this.counters.lastCommitAtMs = this.counters.startedAtMs;
  }

  nextOffset(partition: number): number {
    const offset = this.offsets.get(partition);
    assert(offset !== undefined, () => `job ${this.job} does not run partition ${partition}`);
    return offset;
  }

  processRecords(partition: number, records: readonly LogRecord[], nextOffset: number): void {
    assert(this.started, 'records before start');
    assert(records.length <= this.options.batchCapacity, () => `a read of ${records.length} records is over the batch capacity ${this.options.batchCapacity}`);
    assert(nextOffset >= this.nextOffset(partition), () => `partition ${partition}: next offset ${nextOffset} is behind ${this.nextOffset(partition)}`);
    const maxEventTimeMs = this.decode(partition, records);
    this.offsets.set(partition, nextOffset);
    this.shared.watermarks.observe(partition, maxEventTimeMs, this.deps.clock.nowMs());
    const batch = this.batch;
    if (batch.length > 0) {
      for (const runtime of this.runtimes) this.deliverTo(runtime, this.dataMessage, partition, batch.offsets[0]);
      this.counters.events += batch.length;
      this.counters.batches++;
    }
    this.applyWatermark();
    this.flushLive();
  }

  observeEmpty(partition: number): void {
    this.nextOffset(partition);
    this.shared.watermarks.observeEmpty(partition, this.deps.clock.nowMs());
  }

  advanceWatermarkTo(partition: number, watermarkMs: number): void {
    this.shared.watermarks.advanceTo(partition, watermarkMs);
    this.applyWatermark();
    this.flushLive();
  }

  tick(): void {
    const nowMs = this.deps.clock.nowMs();
    this.shared.watermarks.advanceIdle(nowMs);
    this.applyWatermark();
    for (const runtime of this.runtimes) {
      runtime.timers.fireDue('processing-time', nowMs, (timer) => this.guard(runtime, () => runtime.operator.onTimer?.(timer, runtime.context), timer.partition));
    }
    this.flushLive();
  }

  nextProcessingTimerMs(): number | undefined {
    let next: number | undefined;
    for (const runtime of this.runtimes) {
      const due = runtime.timers.nextDueMs('processing-time');
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    return next;
  }

  pendingRows(): number {
    let rows = this.shared.views.pendingRows() + this.shared.late.pendingRows();
    for (const runtime of this.runtimes) for (const table of runtime.tables.values()) rows += table.pendingRows();
    return rows;
  }

  hasChanges(): boolean {
    if (this.pendingRows() > 0) return true;
    return this.partitions.some(
      (partition) =>
        this.offsets.get(partition) !== this.committedOffsets.get(partition) ||
        this.shared.watermarks.partitionWatermarkMs(partition) !== this.committedWatermarks.get(partition),
    );
  }

  barrier(): StreamCheckpoint {
    const checkpointId = ++this.checkpointId;
    const message: StreamMessage<B> = { kind: 'barrier', checkpointId };
    for (const runtime of this.runtimes) this.deliverTo(runtime, message);
    const checkpoint: StreamCheckpoint = { checkpointId, positions: [], stateDeletions: [], stateUpserts: [], views: [], lateEvents: [], lateCounts: [] };
    for (const runtime of this.runtimes) for (const table of runtime.tables.values()) table.collect(checkpoint.stateUpserts, checkpoint.stateDeletions);
    checkpoint.views = this.shared.views.drain();
    const ledger = this.shared.late.drain();
    checkpoint.lateEvents = ledger.events;
    checkpoint.lateCounts = ledger.counts;
    checkpoint.positions = this.partitions.map((partition) => ({
      partition,
      nextOffset: this.nextOffset(partition),
      watermarkMs: this.shared.watermarks.partitionWatermarkMs(partition),
      expectedNextOffset: this.committedOffsets.get(partition) ?? null,
    }));
    this.flushLive();
    return checkpoint;
  }

  committed(checkpoint: StreamCheckpoint, report: StreamCommitReport, timing: { durationMs: number; commitMs: number }): void {
    assert(report.checkpointId === checkpoint.checkpointId, 'a commit report for another checkpoint');
    for (const position of checkpoint.positions) {
      this.committedOffsets.set(position.partition, position.nextOffset);
      this.committedWatermarks.set(position.partition, position.watermarkMs);
    }
    this.counters.checkpoints++;
    this.counters.lastCommitAtMs = report.committedAtMs;
    this.lastCheckpoint = {
      checkpointId: checkpoint.checkpointId,
      durationMs: timing.durationMs,
      commitMs: timing.commitMs,
      stateRows: checkpoint.stateUpserts.length + checkpoint.stateDeletions.length,
      viewRows: checkpoint.views.length,
      lateRows: checkpoint.lateEvents.length,
      rows: report.rows,
      bytes: report.bytes,
      committedAtMs: report.committedAtMs,
    };
    const info = { checkpointId: checkpoint.checkpointId, committedAtMs: report.committedAtMs, views: checkpoint.views };
    for (const runtime of this.runtimes) this.guard(runtime, () => runtime.operator.onCommit?.(info, runtime.context));
    this.flushLive();
  }

  idle(): void {
    for (const runtime of this.runtimes) if (runtime.operator.onIdle !== undefined) this.guard(runtime, () => runtime.operator.onIdle!(runtime.context));
  }

  end(): void {
    const message: StreamMessage<B> = { kind: 'end' };
    for (const runtime of this.runtimes) this.deliverTo(runtime, message);
    this.flushLive();
  }

  watermarkMs(): number {
    return this.shared.time.watermarkMs;
  }

  metrics(): StreamMetrics {
    return collectEngineMetrics(this.shared, this.runtimes, {
      offsets: this.offsets,
      events: this.counters.events,
      batches: this.counters.batches,
      checkpoints: this.counters.checkpoints,
      lastCheckpoint: this.lastCheckpoint,
      checkpointAgeMs: this.deps.clock.nowMs() - this.counters.lastCommitAtMs,
    });
  }

  /** Decodes `records` into the batch once for every operator; returns the newest event time. */
  private decode(partition: number, records: readonly LogRecord[]): number {
    const { batch } = this;
    const decoder = this.definition.decoder;
    batch.partition = partition;
    let row = 0;
    let maxEventTimeMs = noWatermarkMs;
    for (let index = 0; index < records.length; index++) {
      const record = records[index]!;
      try {
        decoder.decode(record.value, batch, row);
      } catch (error) {
        this.refuse(partition, record.offset, error);
        continue;
      }
      const eventTimeMs = batch.eventTimesMs[row]!;
      if (!Number.isSafeInteger(eventTimeMs)) {
        this.refuse(partition, record.offset, new Error(`the decoder set event time ${eventTimeMs}, not a whole number of ms`));
        continue;
      }
      batch.offsets[row] = record.offset;
      batch.values[row] = record.value;
      if (eventTimeMs > maxEventTimeMs) maxEventTimeMs = eventTimeMs;
      row++;
    }
    batch.length = row;
    return maxEventTimeMs;
  }

  /** A record the decoder refused is ledgered, never dropped silently; the job goes on. */
  private refuse(partition: number, offset: number, error: unknown): void {
    this.decoderLedger.record(partition, offset, 0, 'undecodable');
    if (error instanceof AssertionFailure) throw error;
    this.deps.logger.warn({ job: this.job, partition, offset, err: error }, 'a record could not be decoded; it is in the late ledger as undecodable');
  }

  /** Applies the job watermark if it advanced: windows fire, event-time timers run, state expires, then onWatermark. */
  private applyWatermark(): void {
    const { time } = this.shared;
    const watermarkMs = this.shared.watermarks.jobWatermarkMs();
    const previousMs = time.watermarkMs;
    if (watermarkMs <= previousMs) {
      assert(watermarkMs === previousMs, () => `job ${this.job}: the watermark moved backwards (${watermarkMs} < ${previousMs})`);
      return;
    }
    time.watermarkMs = watermarkMs;
    const message: StreamMessage<B> = { kind: 'watermark', watermarkMs };
    for (const runtime of this.runtimes) {
      this.guard(runtime, () => {
        for (const window of runtime.windows) window.advance(previousMs, watermarkMs);
        runtime.timers.fireDue('event-time', watermarkMs, (timer) => runtime.operator.onTimer?.(timer, runtime.context));
        for (const table of runtime.tables.values()) table.expire(watermarkMs);
      });
      this.deliverTo(runtime, message);
    }
  }

  private deliverTo(runtime: OperatorRuntime<B>, message: StreamMessage<B>, partition?: number, offset?: number): void {
    this.guard(runtime, () => deliver(runtime.operator, message, runtime.context), partition, offset);
  }

  /** Runs operator code; an unclassified failure becomes a StreamError saying where it happened. */
  private guard(runtime: OperatorRuntime<B>, work: () => void, partition?: number, offset?: number): void {
    try {
      work();
    } catch (error) {
      if (error instanceof ClickflowError || error instanceof AssertionFailure) throw error;
      throw new StreamError('operator_failed', `the operator threw: ${error instanceof Error ? error.message : String(error)}`, {
        job: this.job,
        operator: runtime.operator.name,
        partition,
        offset,
        cause: error,
      });
    }
  }

  private flushLive(): void {
    const { live } = this.shared;
    if (live.messages.length === 0) return;
    const messages = live.messages;
    live.messages = [];
    this.deps.onLive?.(messages);
  }
}

export function createJobEngine<B extends BatchColumns>(definition: JobDefinition<B>, deps: JobEngineDeps, options: JobEngineOptions): JobEngine {
  return new JobEngineImpl(definition, deps, options);
}
