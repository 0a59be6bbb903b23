// The query API's bounds: how long a series may be per interval, how many rows a breakdown or a
// ranking returns, how many links a reconciliation or a usage estimate looks at. A request past a
// bound is answered 400 naming the parameter, never cut silently.
export const queryLimits = {
  /** Buckets per series, by interval: a day of minutes, 90 days of hours, 400 days. */
  bucketsMax: { minute: 1_440, hour: 2_160, day: 400 },
  /** Breakdown rows returned at most (the `limit` parameter's ceiling; default 20). */
  breakdownRowsMax: 200,
  breakdownRowsDefault: 20,
  /** Top links of an account summary at most (default 10). */
  topLinksMax: 100,
  topLinksDefault: 10,
  /** Longest range of a breakdown, summary or reconciliation, in ms (400 days; 50 hours for reconciliation). */
  rangeMsMax: 400 * 24 * 3_600_000,
  reconciliationRangeMsMax: 50 * 3_600_000,
  /** Links a reconciliation compares at most (the report says when it stopped there). */
  reconciliationLinksMax: 5_000,
  /** Links whose open (stream) part a usage estimate adds up at most. */
  usageStreamLinksMax: 1_000,
  /** Batch runs and alerts listed at most. */
  runsMax: 200,
  /** How long a series' batch part is reused, in ms: a publication shows in stats within it. */
  batchPartTtlMs: 1_000,
  /** Batch parts (link and span) kept for reuse. */
  batchPartsCachedMax: 1_000,
  /** Merged series (link, interval, zone and span) kept for reuse while neither layer changed them. */
  seriesCachedMax: 200,
  /** Drift alerts remembered, so a repeated report does not raise the same alert again. */
  driftAlertsRememberedMax: 10_000,
} as const;
