// What the counters operator keeps per link and per (link, hour), and the binary layout of both:
// one layout serves as the state value (checkpointed) and as the view row (read by the serving
// side), so a row is a partition's whole partial for its key. docs/counters.md describes the
// layouts byte by byte.
import { createHll, hllDecodeFrom, hllEncodedBytes, hllEncodeInto, type HllSketch } from '../sketch/index.js';
import { addCountsToSeries, addToSeries, createBucketSeries, restoreBucket, type BucketSeries } from './bucket-series.js';
import { readVarint, varintBytes, writeVarint, type ByteReader } from './varint.js';

export const minuteMs = 60_000;
export const quarterHourMs = 15 * minuteMs;
export const hourMs = 60 * minuteMs;
/**
 * Minute buckets kept per link: the 60 minutes shown, plus 5 for clicks stamped ahead by a
 * sender's clock (ingest allows 5 min), plus the current one.
 */
export const minuteBucketsKept = 66;
/** Quarter-hour buckets kept per link: 50 hours, today and yesterday in every time zone, DST days included. */
export const quarterBucketsKept = 200;
/** Hourly visitor sketches kept per link: the current hour and the 24 before it, plus one while the watermark catches up. */
export const visitorHoursKept = 26;

/** The views the counters operator writes (a job has one operator writing them). */
export const counterViewNames = { links: 'link_counters', visitors: 'link_visitors' } as const;

const rowVersion = 1;

/** One link's partial counters in one partition. */
export interface LinkCounters {
  /**
   * All-time clicks by kind (human, bot, suspicious: `clickKinds` order), the earliest and the
   * latest event time counted (0 while nothing is), then the open minute and the open quarter hour
   * (bucket, or -1, and its three counts), not yet in their series. One array, so a click in the
   * link's newest minute touches this block of memory only; `settleOpenBuckets` moves the open
   * buckets into the series.
   */
  readonly numbers: Float64Array;
  readonly minutes: BucketSeries;
  readonly quarters: BucketSeries;
  /** Runtime only. Marked changed in its state since the last checkpoint. */
  dirty: boolean;
  /** Runtime only. The hourly visitor slices in use, by hour modulo `visitorHoursKept`. */
  readonly slices: (VisitorSlice | undefined)[];
  /** Runtime only. The slice of the newest hour: most clicks go to it. */
  current: VisitorSlice | undefined;
  /** Runtime only. The link's id, once the operator has used it ('' when decoded from a row). */
  linkId: string;
  /** Runtime only. Counts the clicks counted, so bytes encoded ahead of a barrier are known current. */
  version: number;
  /** Runtime only. The row encoded ahead of the barrier (while the job was idle), at `encodedVersion`. */
  encoded: Uint8Array | null;
  encodedVersion: number;
}

/** One link's distinct visitors in one clock hour, in one partition: a sketch with its hour. */
export interface VisitorSlice extends HllSketch {
  /** Hours since the epoch. */
  readonly hour: number;
  /** Runtime only. Its state and view key, `visitorSliceKey(linkId, hour)`, set when the operator first uses it. */
  key: string;
  dirty: boolean;
  /** False once removed from its state (out of the window). */
  live: boolean;
  /** Runtime only, as on `LinkCounters`: counts register changes; the row encoded ahead, at its version. */
  version: number;
  encoded: Uint8Array | null;
  encodedVersion: number;
}

export function createLinkCounters(): LinkCounters {
  return {
    numbers: Float64Array.of(0, 0, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0),
    minutes: createBucketSeries(),
    quarters: createBucketSeries(),
    dirty: false,
    slices: new Array<VisitorSlice | undefined>(visitorHoursKept).fill(undefined),
    current: undefined,
    linkId: '',
    version: 0,
    encoded: null,
    encodedVersion: -1,
  };
}

export function createVisitorSlice(hour: number, key: string): VisitorSlice {
  const { sparse, sparseCount, dense } = createHll();
  return { sparse, sparseCount, dense, hour, key, dirty: false, live: true, version: 0, encoded: null, encodedVersion: -1 };
}

/** Where `LinkCounters.numbers` keeps the earliest and the latest event time counted, and the open buckets. */
export const sinceAt = 3;
export const newestAt = 4;
const openMinuteAt = 5;
const openQuarterAt = 9;
/** The numbers a row stores: totals, since, newest. */
const storedNumbers = 5;

/** Moves an open bucket (at `numbers[at]`) into its series. */
function settle(numbers: Float64Array, at: number, series: BucketSeries, horizon: number): void {
  const bucket = numbers[at]!;
  if (bucket < 0) return;
  addCountsToSeries(series, bucket, numbers[at + 1]!, numbers[at + 2]!, numbers[at + 3]!, horizon);
  numbers[at] = -1;
  numbers[at + 1] = 0;
  numbers[at + 2] = 0;
  numbers[at + 3] = 0;
}

/** Moves the open minute and quarter hour into their series (before a row is encoded). */
export function settleOpenBuckets(counters: LinkCounters): void {
  settle(counters.numbers, openMinuteAt, counters.minutes, minuteBucketsKept);
  settle(counters.numbers, openQuarterAt, counters.quarters, quarterBucketsKept);
}

/**
 * A click outside the open bucket: a newer bucket closes the open one into the series and opens;
 * an older one (out of order) goes straight to the series.
 */
function countOutside(numbers: Float64Array, at: number, series: BucketSeries, bucket: number, kind: number, horizon: number): void {
  if (bucket > numbers[at]!) {
    settle(numbers, at, series, horizon);
    numbers[at] = bucket;
    numbers[at + 1 + kind] = 1;
  } else addToSeries(series, bucket, kind, horizon);
}

/** Counts one click of `kind` (see `clickKinds`) at `eventTimeMs`. */
export function countClick(counters: LinkCounters, eventTimeMs: number, kind: number): void {
  const { numbers } = counters;
  numbers[kind]!++;
  if (numbers[sinceAt] === 0 || eventTimeMs < numbers[sinceAt]!) numbers[sinceAt] = eventTimeMs;
  if (eventTimeMs > numbers[newestAt]!) numbers[newestAt] = eventTimeMs;
  const minute = Math.floor(eventTimeMs / minuteMs);
  if (minute === numbers[openMinuteAt]) numbers[openMinuteAt + 1 + kind]!++;
  else countOutside(numbers, openMinuteAt, counters.minutes, minute, kind, minuteBucketsKept);
  const quarter = Math.floor(minute / 15);
  if (quarter === numbers[openQuarterAt]) numbers[openQuarterAt + 1 + kind]!++;
  else countOutside(numbers, openQuarterAt, counters.quarters, quarter, kind, quarterBucketsKept);
}

/** The view key of a link's visitor slice: `<linkId>@<hour>`. */
export function visitorSliceKey(linkId: string, hour: number): string {
  return `${linkId}@${hour}`;
}

/** The link and hour of a visitor slice key (the hour follows the last `@`). */
export function parseVisitorSliceKey(key: string): { linkId: string; hour: number } | undefined {
  const at = key.lastIndexOf('@');
  const hour = Number(key.slice(at + 1));
  return at < 0 || !Number.isSafeInteger(hour) ? undefined : { linkId: key.slice(0, at), hour };
}

// ---- layouts --------------------------------------------------------------------------------

/** Bucket entries in a series: [bucket, human, bot, suspicious]. */
const seriesStride = 4;
/**
 * Room for the largest row: 5 numbers of up to 8 varint bytes, and per series a count and at most
 * `quarterBucketsKept + 1` entries of a step (8) and three int32 counts (5 each).
 */
const rowBytesMax = 1 + 5 * 8 + 2 * (2 + (quarterBucketsKept + 1) * 23);
/** Rows are written here in one pass, then copied out at their size. */
const rowScratch = new Uint8Array(rowBytesMax);

/**
 * Where encoded rows are copied out to: slices of large chunks, so a checkpoint's tens of
 * thousands of rows cost a view object each rather than a buffer allocation each. A chunk is never
 * reused: it is dropped when full and freed once no row in it is referenced (after the commit).
 */
const arenaChunkBytes = 1 << 20;
let arena = new Uint8Array(arenaChunkBytes);
let arenaUsed = 0;

function copyOut(source: Uint8Array, length: number): Uint8Array {
  if (length > arenaChunkBytes / 8) return source.slice(0, length);
  if (arenaUsed + length > arena.length) {
    arena = new Uint8Array(arenaChunkBytes);
    arenaUsed = 0;
  }
  const out = arena.subarray(arenaUsed, arenaUsed + length);
  out.set(source.subarray(0, length));
  arenaUsed += length;
  return out;
}

function writeSeries(out: Uint8Array, offset: number, series: BucketSeries): number {
  const { data, start, count } = series;
  let position = writeVarint(out, offset, count);
  let previous = -1;
  for (let index = start; index < start + count; index++) {
    const at = index * seriesStride;
    const bucket = data[at]!;
    position = writeVarint(out, position, previous < 0 ? bucket : bucket - previous);
    position = writeVarint(out, position, data[at + 1]!);
    position = writeVarint(out, position, data[at + 2]!);
    position = writeVarint(out, position, data[at + 3]!);
    previous = bucket;
  }
  return position;
}

/** Encodes the link's row (settling its open buckets first). */
export function encodeLinkCounters(counters: LinkCounters): Uint8Array {
  settleOpenBuckets(counters);
  const { numbers } = counters;
  const out = rowScratch;
  out[0] = rowVersion;
  let position = 1;
  // human, bot, suspicious, sinceMs, newestMs: the order of `numbers`.
  for (let index = 0; index < storedNumbers; index++) position = writeVarint(out, position, numbers[index]!);
  position = writeSeries(out, position, counters.minutes);
  position = writeSeries(out, position, counters.quarters);
  return copyOut(out, position);
}

/** One bucket of a decoded row. */
export interface BucketCounts {
  /** Minutes (or quarter hours) since the epoch. */
  bucket: number;
  human: number;
  bot: number;
  suspicious: number;
}

/** A `link_counters` row as the serving side reads it. */
export interface CounterRow {
  human: number;
  bot: number;
  suspicious: number;
  sinceMs: number;
  newestMs: number;
  minutes: BucketCounts[];
  quarters: BucketCounts[];
}

function readSeries(reader: ByteReader, horizon: number): BucketCounts[] {
  const count = readVarint(reader);
  if (count > horizon) throw new RangeError(`a series holds ${count} buckets, over ${horizon}`);
  const buckets: BucketCounts[] = [];
  let bucket = 0;
  for (let index = 0; index < count; index++) {
    const step = readVarint(reader);
    if (index > 0 && step === 0) throw new RangeError('buckets of a series must ascend');
    bucket = index === 0 ? step : bucket + step;
    buckets.push({ bucket, human: readVarint(reader), bot: readVarint(reader), suspicious: readVarint(reader) });
  }
  return buckets;
}

/** Reads a `link_counters` row (or state value); throws RangeError on a malformed one. */
export function decodeCounterRow(bytes: Uint8Array): CounterRow {
  if (bytes[0] !== rowVersion) throw new RangeError(`counters row version ${bytes[0]}; this reader knows ${rowVersion}`);
  const reader: ByteReader = { bytes, offset: 1 };
  const [human, bot, suspicious, sinceMs, newestMs] = [readVarint(reader), readVarint(reader), readVarint(reader), readVarint(reader), readVarint(reader)];
  const minutes = readSeries(reader, minuteBucketsKept);
  const quarters = readSeries(reader, quarterBucketsKept);
  if (reader.offset !== bytes.length) throw new RangeError(`${bytes.length - reader.offset} bytes follow a counters row`);
  return { human, bot, suspicious, sinceMs, newestMs, minutes, quarters };
}

export function decodeLinkCounters(bytes: Uint8Array): LinkCounters {
  const row = decodeCounterRow(bytes);
  const counters = createLinkCounters();
  counters.numbers.set([row.human, row.bot, row.suspicious, row.sinceMs, row.newestMs]);
  for (const { bucket, human, bot, suspicious } of row.minutes) restoreBucket(counters.minutes, bucket, human, bot, suspicious, minuteBucketsKept);
  for (const { bucket, human, bot, suspicious } of row.quarters) restoreBucket(counters.quarters, bucket, human, bot, suspicious, quarterBucketsKept);
  return counters;
}

export function encodeVisitorSlice(slice: VisitorSlice): Uint8Array {
  const length = 1 + varintBytes(slice.hour) + hllEncodedBytes(slice);
  const out = rowScratch.length >= length ? rowScratch : new Uint8Array(length);
  out[0] = rowVersion;
  const end = hllEncodeInto(slice, out, writeVarint(out, 1, slice.hour));
  if (end !== length) throw new RangeError(`a visitor row came out ${end} bytes, not ${length}`);
  return copyOut(out, length);
}

/** Reads a `link_visitors` row (or state value); throws RangeError on a malformed one. */
export function decodeVisitorSlice(bytes: Uint8Array): VisitorSlice {
  if (bytes[0] !== rowVersion) throw new RangeError(`visitor row version ${bytes[0]}; this reader knows ${rowVersion}`);
  const reader: ByteReader = { bytes, offset: 1 };
  const hour = readVarint(reader);
  const end = { offset: 0 };
  const { sparse, sparseCount, dense } = hllDecodeFrom(bytes, reader.offset, end);
  if (end.offset !== bytes.length) throw new RangeError(`${bytes.length - end.offset} bytes follow a visitor row`);
  return { sparse, sparseCount, dense, hour, key: '', dirty: false, live: true, version: 0, encoded: null, encodedVersion: -1 };
}

