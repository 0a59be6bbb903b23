// Event-time sliding windows on a slot record: clicks per second for the last 10 s and clicks per
// 10-s bucket for the last 60 s, as rings aligned to the record's newest second. A click older than
// the newest second counts where its second or bucket is still in the ring, else nowhere (the
// windows cannot hold it; the caller still counts it for heavy hitters). The 60-s window is the
// current bucket and the five before it: 51 to 60 s, a resolution of 10 s. Seconds are rule
// seconds (small non-negative int32), so every ring position is integer arithmetic.
import type { SlotTable } from './slot-table.js';
import {
  bucketSeconds,
  bucketsInRing,
  countCeiling,
  secondsInRing,
  u16Buckets,
  u16PerRecord,
  u16Seconds,
  u32LastSecond,
  u32PerRecord,
} from './record-layout.js';

/** The 10-s bucket of a rule second. */
export function bucketOf(second: number): number {
  return (second / bucketSeconds) | 0;
}

/** Starts a fresh record's windows at `second` (its counts are zero). */
export function startWindows(table: SlotTable, slot: number, second: number): void {
  table.i32[slot * u32PerRecord + u32LastSecond] = second;
}

/** Moves the record's rings forward to `second`, clearing the seconds and buckets they leave. */
export function advanceWindows(table: SlotTable, slot: number, second: number): void {
  const { u16, i32 } = table;
  const lastAt = slot * u32PerRecord + u32LastSecond;
  const last = i32[lastAt]!;
  if (second <= last) return;
  const seconds = slot * u16PerRecord + u16Seconds;
  const secondsEnd = second - last >= secondsInRing ? last + secondsInRing : second;
  for (let t = last + 1; t <= secondsEnd; t++) u16[seconds + (t % secondsInRing)] = 0;
  const lastBucket = bucketOf(last);
  const bucket = bucketOf(second);
  const buckets = slot * u16PerRecord + u16Buckets;
  const bucketsEnd = bucket - lastBucket >= bucketsInRing ? lastBucket + bucketsInRing : bucket;
  for (let b = lastBucket + 1; b <= bucketsEnd; b++) u16[buckets + (b % bucketsInRing)] = 0;
  i32[lastAt] = second;
}

/** Counts a click at `second` (at most the record's newest second: advance first). */
export function addClick(table: SlotTable, slot: number, second: number): void {
  addClicks(table, slot, second, 1, 1);
}

/**
 * Adds `secondCount` to the second and `bucketCount` to the bucket of `second`, where they are
 * still in the rings (saturating). Restoring networks from their addresses adds whole counts.
 */
export function addClicks(table: SlotTable, slot: number, second: number, secondCount: number, bucketCount: number): void {
  const { u16 } = table;
  const last = table.i32[slot * u32PerRecord + u32LastSecond]!;
  if (last - second < secondsInRing) {
    const at = slot * u16PerRecord + u16Seconds + (second % secondsInRing);
    const count = u16[at]! + secondCount;
    u16[at] = count < countCeiling ? count : countCeiling;
  }
  const bucket = bucketOf(second);
  if (bucketOf(last) - bucket < bucketsInRing) {
    const at = slot * u16PerRecord + u16Buckets + (bucket % bucketsInRing);
    const count = u16[at]! + bucketCount;
    u16[at] = count < countCeiling ? count : countCeiling;
  }
}

/** Clicks in the 10 s ending at the record's newest second. */
export function clicks10s(table: SlotTable, slot: number): number {
  const { u16 } = table;
  const at = slot * u16PerRecord + u16Seconds;
  return u16[at]! + u16[at + 1]! + u16[at + 2]! + u16[at + 3]! + u16[at + 4]! + u16[at + 5]! + u16[at + 6]! + u16[at + 7]! + u16[at + 8]! + u16[at + 9]!;
}

/** Clicks in the six 10-s buckets ending with the record's newest one. */
export function clicks60s(table: SlotTable, slot: number): number {
  const { u16 } = table;
  const at = slot * u16PerRecord + u16Buckets;
  return u16[at]! + u16[at + 1]! + u16[at + 2]! + u16[at + 3]! + u16[at + 4]! + u16[at + 5]!;
}

/** Clicks in the record's newest (open) 10-s bucket. */
export function currentBucketClicks(table: SlotTable, slot: number): number {
  const last = table.i32[slot * u32PerRecord + u32LastSecond]!;
  return table.u16[slot * u16PerRecord + u16Buckets + (bucketOf(last) % bucketsInRing)]!;
}
