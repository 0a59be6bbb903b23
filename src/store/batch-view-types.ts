// The batch layer's views in the serving store: what the hourly rollup publishes for the query API
// (final and corrected numbers per link and 15-minute slice). Written by the rollup jobs
// (src/jobs/rollups), read by the serving layer (src/serve/query). docs/rollups.md describes them.

/** Clicks by class, as the speed layer splits them: suspicious wins over bot; the three add up. */
export interface ClassCounts {
  human: number;
  bot: number;
  suspicious: number;
}

/** One link's clicks in one 15-minute UTC slice, as the hourly rollup computed them. */
export interface BatchLinkSlice extends ClassCounts {
  linkId: string;
  userId: string;
  accountId: string;
  /** Start of the 15-minute slice (UTC, epoch ms); every UTC offset is a whole number of slices. */
  sliceStartMs: number;
  /** Extra copies of clicks removed by event id (not in the counts). */
  duplicates: number;
}

/** A breakdown row: clicks of one value of one dimension. */
export interface BatchBreakdownRow extends ClassCounts {
  value: string;
}

export type BatchBreakdownDimension = 'country' | 'referrer' | 'device';

/** What one hour's published batch view is: which run made it, from which version of the hour. */
export interface BatchHourView {
  /** The hourly partition, e.g. `2026-11-25T08`. */
  hour: string;
  hourStartMs: number;
  runId: number;
  /** The lake hour's seal version the run read: 1 on time, more after late clicks re-opened it. */
  version: number;
  /** True when published after a re-open (version > 1): the numbers are `corrected`. */
  corrected: boolean;
  publishedAtMs: number;
  /** Output hash of the run, as recorded in its batch run. */
  outputHash: string;
}

/** Everything the hourly rollup publishes for one hour; replaces what was published for it. */
export interface BatchHourPublication {
  view: Omit<BatchHourView, 'publishedAtMs' | 'corrected'>;
  slices: readonly BatchLinkSlice[];
  /** Exact distinct visitor addresses per link in the hour. */
  visitors: readonly { linkId: string; visitors: number }[];
  /** Per link and dimension: clicks per value in the hour. */
  breakdowns: readonly { linkId: string; dimension: BatchBreakdownDimension; value: string; human: number; bot: number; suspicious: number }[];
}

/** Published batch views; the rollup jobs write them, the query API reads them. */
export interface BatchViewRepository {
  /**
   * Replaces the hour's published rows in one transaction. A publication older than the one
   * stored (lower version, or same version and lower run id) is ignored and returns false.
   */
  publishHour(publication: BatchHourPublication): Promise<boolean>;
  /** The hours with a published view whose start is in [fromMs, toMs), ascending. */
  hours(fromMs: number, toMs: number): Promise<BatchHourView[]>;
  /** The newest hour with a published view, or undefined. */
  latestHour(): Promise<BatchHourView | undefined>;
  /**
   * A value that changes whenever any hour is published or re-published (null before the first):
   * readers keep what they read from the views until it changes.
   */
  publicationMarker(): Promise<string | null>;
  /** One link's slices whose start is in [fromMs, toMs), ascending. */
  linkSlices(linkId: string, fromMs: number, toMs: number): Promise<BatchLinkSlice[]>;
  /** One link's exact distinct visitors per published hour in [fromMs, toMs), ascending. */
  linkHourVisitors(linkId: string, fromMs: number, toMs: number): Promise<{ hourStartMs: number; visitors: number }[]>;
  /** One link's clicks per value of `dimension` over the published hours in [fromMs, toMs), most clicks first. */
  linkBreakdown(linkId: string, dimension: BatchBreakdownDimension, fromMs: number, toMs: number, limit: number): Promise<BatchBreakdownRow[]>;
  /** An account's links ranked by clicks (all classes) over [fromMs, toMs), with their class counts. */
  accountTopLinks(accountId: string, fromMs: number, toMs: number, limit: number): Promise<(ClassCounts & { linkId: string; duplicates: number })[]>;
  /** An account's class counts and duplicates over [fromMs, toMs). */
  accountTotals(accountId: string, fromMs: number, toMs: number): Promise<ClassCounts & { duplicates: number }>;
}
