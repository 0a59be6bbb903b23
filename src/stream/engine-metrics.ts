// The engine's metrics in one object: progress, watermarks, the late ledger, state and the last
// checkpoint's duration, rows, bytes and age.
import type { JobShared, OperatorRuntime } from './operator-runtime.js';
import type { BatchColumns, CheckpointMetrics, StreamMetrics } from './types.js';

export interface EngineCounters {
  offsets: ReadonlyMap<number, number>;
  events: number;
  batches: number;
  checkpoints: number;
  lastCheckpoint: CheckpointMetrics | null;
  checkpointAgeMs: number;
}

export function collectEngineMetrics<B extends BatchColumns>(shared: JobShared, runtimes: readonly OperatorRuntime<B>[], counters: EngineCounters): StreamMetrics {
  const nowMs = shared.clock.nowMs();
  let stateKeys = 0;
  let stateEvictions = 0;
  let stateExpirations = 0;
  for (const runtime of runtimes) {
    for (const table of runtime.tables.values()) {
      stateKeys += table.size();
      stateEvictions += table.counters.evictions;
      stateExpirations += table.counters.expirations;
    }
  }
  return {
    job: shared.job,
    partitions: shared.partitions.map((partition) => ({
      partition,
      nextOffset: counters.offsets.get(partition) ?? 0,
      watermarkMs: shared.watermarks.partitionWatermarkMs(partition),
      idle: shared.watermarks.isIdle(partition, nowMs),
    })),
    watermarkMs: shared.time.watermarkMs,
    eventsProcessed: counters.events,
    batchesProcessed: counters.batches,
    lateEvents: Object.fromEntries(shared.late.totals),
    lateRowsOverflowed: shared.late.overflowed(),
    liveMessagesDropped: shared.live.dropped,
    stateKeys,
    stateEvictions,
    stateExpirations,
    checkpoints: counters.checkpoints,
    lastCheckpoint: counters.lastCheckpoint,
    checkpointAgeMs: counters.checkpointAgeMs,
  };
}
