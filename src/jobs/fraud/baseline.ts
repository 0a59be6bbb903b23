// An address's baseline: the EWMA of its clicks per closed 10-s bucket and of their variance
// (West's exponentially weighted variance). A bucket is folded in when the address's first click
// of a later bucket arrives; the empty buckets between are folded in closed form, so a long pause
// costs one multiplication, not one step per bucket. Stored as f32 in the record: the same inputs
// give the same bits in the stream and in batch.
import type { SlotTable } from './slot-table.js';
import { bucketOf } from './window-counts.js';
import { bucketSeconds, bucketsInRing, f32Mean, f32Variance, u16Buckets, u16PerRecord, u32LastSecond, u32PerRecord } from './record-layout.js';

export interface BaselineModel {
  /** Weight of a new bucket (from the half-life). */
  readonly alpha: number;
  /** (1 - alpha)^n for n empty buckets, n up to the idle time-to-live. */
  readonly decay: Float64Array;
}

export function createBaselineModel(halfLifeSeconds: number, idleSeconds: number): BaselineModel {
  const alpha = 1 - 2 ** (-bucketSeconds / halfLifeSeconds);
  const decay = new Float64Array(Math.ceil(idleSeconds / bucketSeconds) + 2);
  for (let n = 0; n < decay.length; n++) decay[n] = (1 - alpha) ** n;
  return { alpha, decay };
}

/**
 * Folds the buckets that close when the record moves to `second`: the bucket of its newest second
 * (still in the ring), then the empty ones up to the bucket of `second`. Call before advancing.
 */
export function foldClosedBuckets(model: BaselineModel, table: SlotTable, slot: number, second: number): void {
  const last = table.i32[slot * u32PerRecord + u32LastSecond]!;
  const lastBucket = bucketOf(last);
  const closing = bucketOf(second) - lastBucket;
  if (closing <= 0) return;
  const { f32 } = table;
  const at = slot * u32PerRecord;
  const count = table.u16[slot * u16PerRecord + u16Buckets + (lastBucket % bucketsInRing)]!;
  let mean = f32[at + f32Mean]!;
  let variance = f32[at + f32Variance]!;
  const diff = count - mean;
  const increment = model.alpha * diff;
  mean += increment;
  variance = (1 - model.alpha) * (variance + diff * increment);
  const empty = closing - 1;
  if (empty > 0) {
    const factor = empty < model.decay.length ? model.decay[empty]! : 0;
    variance = factor * (variance + mean * mean * (1 - factor));
    mean *= factor;
  }
  f32[at + f32Mean] = mean;
  f32[at + f32Variance] = variance;
}

/** The z-score of `count` against the record's baseline, with the deviation floored at `deviationMin`. */
export function zScoreOf(table: SlotTable, slot: number, count: number, deviationMin: number): number {
  const at = slot * u32PerRecord;
  const deviation = Math.max(Math.sqrt(table.f32[at + f32Variance]!), deviationMin);
  return (count - table.f32[at + f32Mean]!) / deviation;
}
