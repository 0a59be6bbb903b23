// The sketches stream jobs share: HyperLogLog distinct counting (sparse for small sets, mergeable
// across time slices and partitions).
export {
  hllPrecision,
  hllRegisterCount,
  hllRelativeStandardError,
  createHll,
  hllAdd,
  hllRaise,
  hllMergeInto,
  hllEntries,
  hllEstimate,
  hllEstimateRegisters,
  hllEncodedBytes,
  hllEncodeInto,
  hllDecodeFrom,
} from './hyperloglog.js';
export type { HllSketch } from './hyperloglog.js';
