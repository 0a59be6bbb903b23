// The link counters' public names: the operator and its jobs, the row layouts of its views, the
// merge the serving side does over partitions, and days in time zones. docs/counters.md explains them.
export { createCountersOperator, countersOperatorName } from './counters-operator.js';
export { countersJob, speedJob, countersJobName, speedJobName, countersStreamJobs } from './counters-jobs.js';
export type { SpeedJobParts } from './counters-jobs.js';
export { countersOperatorSpec, parseCountersOperatorOptions } from './options.js';
export type { CountersOperatorOptions, CountersOperatorOptionsInput } from './options.js';
export { clickKinds, humanKind, botKind, suspiciousKind } from './bucket-series.js';
export {
  counterViewNames,
  minuteMs,
  quarterHourMs,
  hourMs,
  minuteBucketsKept,
  quarterBucketsKept,
  visitorHoursKept,
  decodeCounterRow,
  decodeVisitorSlice,
  visitorSliceKey,
  parseVisitorSliceKey,
} from './counter-rows.js';
export type { CounterRow, BucketCounts, VisitorSlice } from './counter-rows.js';
export { mergeCounterRows, sumBuckets, lastMinutes, todayCounts, distinctVisitors, emptySplit } from './merge-rows.js';
export type { ClickSplit, MergedCounters, MinuteCounts, DayCounts, DistinctVisitors } from './merge-rows.js';
export { zoneCalendar, localDayBounds, formatLocalDay } from './zone-days.js';
export type { ZoneCalendar, LocalDayBounds } from './zone-days.js';
