// The log layer's public names: the EventLog contract, its errors and its backends.
export type {
  EventLog,
  LogRecord,
  RecordBatch,
  AppendOptions,
  AppendResult,
  ReadOptions,
  PartitionStats,
  RetentionReport,
} from './types.js';
export { LogError } from './errors.js';
export { createSegmentedLog, type SegmentedLogOptions } from './segmented/index.js';
export { createNatsLog, type NatsLogOptions } from './nats/index.js';
