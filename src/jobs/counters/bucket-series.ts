// Click counts per time bucket (a minute, a quarter hour), split human / bot / suspicious, for the
// most recent buckets of one link: a sorted run of entries [bucket, human, bot, suspicious] in one
// Int32Array. Sparse, so a link clicked three times holds three entries, not a day of zeros; it
// grows by doubling up to `horizon` entries. What it keeps depends only on the clicks added, not on
// their order: the buckets in (newest − horizon, newest], newest being the latest bucket added.
// Clicks arrive nearly in order, so the usual add increments the last entry.

/** Click kinds, in entry order. A click flagged by fraud is suspicious even when it is also a bot. */
export const clickKinds = ['human', 'bot', 'suspicious'] as const;
export const humanKind = 0;
export const botKind = 1;
export const suspiciousKind = 2;

const stride = 4;

export interface BucketSeries {
  /** Entries `start .. start+count-1` (in entries) are live, sorted by bucket. */
  data: Int32Array;
  start: number;
  count: number;
}

export function createBucketSeries(capacity = 2): BucketSeries {
  return { data: new Int32Array(capacity * stride), start: 0, count: 0 };
}

/** Room for one more entry at the end: compacts to the front, or doubles up to `horizon` entries. */
function makeRoom(series: BucketSeries, horizon: number): void {
  const { data, start, count } = series;
  if ((start + count + 1) * stride <= data.length) return;
  if (start > 0 && (count + 1) * stride <= data.length) {
    data.copyWithin(0, start * stride, (start + count) * stride);
    series.start = 0;
    return;
  }
  const capacity = Math.min(horizon + 1, Math.max(2, (data.length / stride) * 2));
  const grown = new Int32Array(capacity * stride);
  grown.set(data.subarray(start * stride, (start + count) * stride));
  series.data = grown;
  series.start = 0;
}

/** Appends a newest bucket, dropping those that fall out of (bucket − horizon, bucket]. */
function append(series: BucketSeries, bucket: number, human: number, bot: number, suspicious: number, horizon: number): void {
  const cutoff = bucket - horizon;
  while (series.count > 0 && series.data[series.start * stride]! <= cutoff) {
    series.start++;
    series.count--;
  }
  if (series.count === 0) series.start = 0;
  makeRoom(series, horizon);
  const at = (series.start + series.count) * stride;
  const { data } = series;
  data[at] = bucket;
  data[at + 1] = human;
  data[at + 2] = bot;
  data[at + 3] = suspicious;
  series.count++;
}

/** Out-of-order clicks: finds or inserts their bucket among the kept ones. */
function addOlder(series: BucketSeries, bucket: number, human: number, bot: number, suspicious: number, horizon: number, newest: number): boolean {
  if (bucket <= newest - horizon) return false;
  let index = series.start + series.count - 1;
  while (index >= series.start && series.data[index * stride]! > bucket) index--;
  if (index >= series.start && series.data[index * stride] === bucket) {
    const at = index * stride;
    series.data[at + 1]! += human;
    series.data[at + 2]! += bot;
    series.data[at + 3]! += suspicious;
    return true;
  }
  // Insert after `index`: shift the later entries one place right.
  const offset = index + 1 - series.start;
  makeRoom(series, horizon);
  const at = (series.start + offset) * stride;
  const { data } = series;
  data.copyWithin(at + stride, at, (series.start + series.count) * stride);
  data[at] = bucket;
  data[at + 1] = human;
  data[at + 2] = bot;
  data[at + 3] = suspicious;
  series.count++;
  return true;
}

/**
 * Counts clicks of each kind in `bucket`. Returns false when the bucket is too old to keep (at or
 * before the newest bucket minus `horizon`): the clicks then count only in the link's totals.
 */
export function addCountsToSeries(series: BucketSeries, bucket: number, human: number, bot: number, suspicious: number, horizon: number): boolean {
  const { count } = series;
  if (count > 0) {
    const last = (series.start + count - 1) * stride;
    const newest = series.data[last]!;
    if (bucket === newest) {
      series.data[last + 1]! += human;
      series.data[last + 2]! += bot;
      series.data[last + 3]! += suspicious;
      return true;
    }
    if (bucket < newest) return addOlder(series, bucket, human, bot, suspicious, horizon, newest);
  }
  append(series, bucket, human, bot, suspicious, horizon);
  return true;
}

/** Counts one click of `kind` in `bucket` (see `addCountsToSeries`). */
export function addToSeries(series: BucketSeries, bucket: number, kind: number, horizon: number): boolean {
  return addCountsToSeries(series, bucket, kind === humanKind ? 1 : 0, kind === botKind ? 1 : 0, kind === suspiciousKind ? 1 : 0, horizon);
}

/** Calls `visit` for each kept bucket, oldest first. */
export function forEachBucket(series: BucketSeries, visit: (bucket: number, human: number, bot: number, suspicious: number) => void): void {
  const { data } = series;
  for (let index = series.start; index < series.start + series.count; index++) {
    const at = index * stride;
    visit(data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!);
  }
}

/** Appends a bucket read back from storage (bucket ascending, counts as stored). */
export function restoreBucket(series: BucketSeries, bucket: number, human: number, bot: number, suspicious: number, horizon: number): void {
  makeRoom(series, horizon);
  const at = (series.start + series.count) * stride;
  const { data } = series;
  data[at] = bucket;
  data[at + 1] = human;
  data[at + 2] = bot;
  data[at + 3] = suspicious;
  series.count++;
}
