// Watermarks: per partition, the highest event time seen minus the allowed out-of-orderness; for
// the job, the minimum over its partitions. A partition with nothing to read for `idleTimeoutMs`
// advances on the clock instead (now minus the out-of-orderness), so a quiet partition never
// stalls the job. A watermark never moves backwards: asserted here, where it is made, and again
// by the engine, where it is used.
import { assert } from '../core/index.js';
import { noWatermarkMs } from './types.js';

export interface WatermarkTrackerOptions {
  partitions: readonly number[];
  outOfOrdernessMs: number;
  idleTimeoutMs: number;
}

export interface WatermarkTracker {
  /** A read of `partition` returned records whose newest event time is `maxEventTimeMs`. */
  observe(partition: number, maxEventTimeMs: number, nowMs: number): void;
  /** A read of `partition` found nothing new. */
  observeEmpty(partition: number, nowMs: number): void;
  /** Advances every partition idle for at least the idle timeout to `nowMs` minus the out-of-orderness. */
  advanceIdle(nowMs: number): void;
  /** Moves a partition's watermark to `watermarkMs` (a punctuation); moving it backwards is a bug. */
  advanceTo(partition: number, watermarkMs: number): void;
  /** Sets a partition's checkpointed watermark; only before the first observation. */
  restore(partition: number, watermarkMs: number): void;
  partitionWatermarkMs(partition: number): number;
  /** The minimum over the partitions. */
  jobWatermarkMs(): number;
  isIdle(partition: number, nowMs: number): boolean;
}

interface PartitionMark {
  watermarkMs: number;
  /** When reads started coming back empty; NaN while the last read had records. */
  emptySinceMs: number;
}

export function createWatermarkTracker(options: WatermarkTrackerOptions): WatermarkTracker {
  const { outOfOrdernessMs, idleTimeoutMs } = options;
  assert(options.partitions.length > 0, 'a watermark tracker needs at least one partition');
  const marks = new Map<number, PartitionMark>(options.partitions.map((partition) => [partition, { watermarkMs: noWatermarkMs, emptySinceMs: Number.NaN }]));
  const ordered = [...marks.values()];
  let started = false;
  let lastJobWatermarkMs = noWatermarkMs;

  const mark = (partition: number): PartitionMark => {
    const found = marks.get(partition);
    assert(found !== undefined, () => `partition ${partition} is not one of this job's (${options.partitions.join(', ')})`);
    return found;
  };
  const raise = (target: PartitionMark, candidateMs: number): void => {
    const previousMs = target.watermarkMs;
    if (candidateMs > previousMs) target.watermarkMs = candidateMs;
    assert(target.watermarkMs >= previousMs, 'a partition watermark moved backwards');
  };
  const idle = (target: PartitionMark, nowMs: number): boolean => !Number.isNaN(target.emptySinceMs) && nowMs - target.emptySinceMs >= idleTimeoutMs;

  return {
    observe(partition, maxEventTimeMs, nowMs) {
      started = true;
      const target = mark(partition);
      target.emptySinceMs = Number.NaN;
      // A click stamped ahead of real time (sender clock skew) must not drag the watermark ahead
      // of the clock: every punctual click after it would be late.
      if (maxEventTimeMs > noWatermarkMs) raise(target, Math.min(maxEventTimeMs, nowMs) - outOfOrdernessMs);
    },
    observeEmpty(partition, nowMs) {
      started = true;
      const target = mark(partition);
      if (Number.isNaN(target.emptySinceMs)) target.emptySinceMs = nowMs;
    },
    advanceIdle(nowMs) {
      for (const target of ordered) if (idle(target, nowMs)) raise(target, nowMs - outOfOrdernessMs);
    },
    advanceTo(partition, watermarkMs) {
      const target = mark(partition);
      assert(watermarkMs >= target.watermarkMs, () => `partition ${partition}: watermark ${watermarkMs} is behind ${target.watermarkMs}; watermarks never move backwards`);
      started = true;
      raise(target, watermarkMs);
    },
    restore(partition, watermarkMs) {
      assert(!started, 'watermarks are restored before the first observation');
      mark(partition).watermarkMs = watermarkMs;
    },
    partitionWatermarkMs: (partition) => mark(partition).watermarkMs,
    jobWatermarkMs() {
      let lowest = Number.POSITIVE_INFINITY;
      for (const target of ordered) if (target.watermarkMs < lowest) lowest = target.watermarkMs;
      if (started) assert(lowest >= lastJobWatermarkMs, () => `the job watermark moved backwards: ${lowest} < ${lastJobWatermarkMs}`);
      lastJobWatermarkMs = lowest;
      return lowest;
    },
    isIdle: (partition, nowMs) => idle(mark(partition), nowMs),
  };
}
