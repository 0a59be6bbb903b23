// The operator test harness (CONVENTIONS.md rule 9): runs a job's engine synchronously on a test
// clock, feeds records and watermarks, snapshots into an in-memory checkpoint store, restores a
// fresh job from it (as after a crash), and collects what came out: view rows, live messages and
// the late ledger. The harness keeps every record it was fed, per partition, as a tiny log, so a
// restored job can replay from its checkpointed offsets exactly as a worker re-reads the log.
import { createTestClock, createSilentLogger, limits, type Logger, type TestClock } from '../core/index.js';
import type { LogRecord } from '../log/index.js';
import type { StreamCheckpoint } from '../store/index.js';
import { createJobEngine, type JobEngine } from './job-engine.js';
import { createMemoryCheckpointStore, type MemoryCheckpointStore } from './memory-checkpoint-store.js';
import type { JobDefinition, LiveMessage, StreamMetrics } from './types.js';

export interface OperatorHarnessOptions {
  /** Default [0]. */
  partitions?: readonly number[];
  /** Default: a test clock at 2026-01-01. */
  clock?: TestClock;
  /** Default `limits.streamOutOfOrdernessMsDefault`. */
  outOfOrdernessMs?: number;
  /** Default `limits.streamIdleTimeoutMsDefault`. */
  idleTimeoutMs?: number;
  /** Records per processed batch (longer feeds are split); default 1,024. */
  batchCapacity?: number;
  lateRowsPerCheckpointMax?: number;
  logger?: Logger;
}

export interface OperatorHarness {
  readonly clock: TestClock;
  readonly store: MemoryCheckpointStore;
  readonly engine: JobEngine;
  /** Every live message emitted, in order. */
  readonly live: LiveMessage[];
  /** Appends records to `partition`'s log and processes them as one read. */
  process(partition: number, values: readonly Uint8Array[]): void;
  /** Processes what the log holds past the engine's offsets (after `restore`). */
  replay(): void;
  /** A read of `partition` found nothing new (the partition is caught up). */
  readEmpty(partition: number): void;
  /** Moves the test clock: idle partitions advance, processing-time timers fire. */
  advanceClock(deltaMs: number): void;
  /** Feeds a watermark to `partition`, or to every partition; moving one backwards fails an assertion. */
  watermark(watermarkMs: number, partition?: number): void;
  /** Takes a checkpoint and commits it to the harness's store. */
  snapshot(): StreamCheckpoint;
  /** A new harness with a fresh job, same clock, store and log, restored from the last snapshot. */
  restore(): OperatorHarness;
  /** Delivers `end` (onClose) after a last snapshot. */
  close(): void;
  metrics(): StreamMetrics;
}

interface HarnessShared {
  job: () => JobDefinition;
  options: Required<Omit<OperatorHarnessOptions, 'clock'>>;
  clock: TestClock;
  store: MemoryCheckpointStore;
  logs: Map<number, Uint8Array[]>;
}

function openHarness(shared: HarnessShared): OperatorHarness {
  const { options, clock, store, logs } = shared;
  const live: LiveMessage[] = [];
  const definition = shared.job();
  const engine = createJobEngine(definition, { clock, logger: options.logger, onLive: (messages) => live.push(...messages) }, {
    partitions: options.partitions,
    batchCapacity: options.batchCapacity,
    outOfOrdernessMs: options.outOfOrdernessMs,
    idleTimeoutMs: options.idleTimeoutMs,
    lateRowsPerCheckpointMax: options.lateRowsPerCheckpointMax,
    liveMessagesPerBatchMax: limits.streamLiveMessagesPerBatchMax,
  });
  const views = engine.declare();
  engine.start(store.loadSync(definition.name, options.partitions, views), []);

  const feed = (partition: number): void => {
    const log = logs.get(partition) ?? [];
    for (let offset = engine.nextOffset(partition); offset < log.length; offset = engine.nextOffset(partition)) {
      const end = Math.min(log.length, offset + options.batchCapacity);
      const records: LogRecord[] = [];
      for (let index = offset; index < end; index++) records.push({ offset: index, value: log[index]! });
      engine.processRecords(partition, records, end);
    }
  };
  const harness: OperatorHarness = {
    clock,
    store,
    engine,
    live,
    process(partition, values) {
      const log = logs.get(partition) ?? [];
      logs.set(partition, log);
      log.push(...values);
      feed(partition);
    },
    replay: () => options.partitions.forEach(feed),
    readEmpty: (partition) => engine.observeEmpty(partition),
    advanceClock(deltaMs) {
      clock.advance(deltaMs);
      engine.tick();
    },
    watermark(watermarkMs, partition) {
      for (const target of partition === undefined ? options.partitions : [partition]) engine.advanceWatermarkTo(target, watermarkMs);
    },
    snapshot() {
      const checkpoint = engine.barrier();
      const report = store.commitSync(definition.name, checkpoint);
      engine.committed(checkpoint, report, { durationMs: 0, commitMs: 0 });
      return checkpoint;
    },
    restore: () => openHarness(shared),
    close() {
      harness.snapshot();
      engine.end();
    },
    metrics: () => engine.metrics(),
  };
  return harness;
}

/** A harness for the job `job()` builds (called again, for a fresh job, by every `restore`). */
export function createOperatorHarness(job: () => JobDefinition, options: OperatorHarnessOptions = {}): OperatorHarness {
  const clock = options.clock ?? createTestClock();
  return openHarness({
    job,
    clock,
    store: createMemoryCheckpointStore(clock),
    logs: new Map(),
    options: {
      partitions: options.partitions ?? [0],
      outOfOrdernessMs: options.outOfOrdernessMs ?? limits.streamOutOfOrdernessMsDefault,
      idleTimeoutMs: options.idleTimeoutMs ?? limits.streamIdleTimeoutMsDefault,
      batchCapacity: options.batchCapacity ?? 1_024,
      lateRowsPerCheckpointMax: options.lateRowsPerCheckpointMax ?? limits.streamLateRowsPerCheckpointMax,
      logger: options.logger ?? createSilentLogger(),
    },
  });
}
