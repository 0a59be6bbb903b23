// A stream worker's options: each field's default, unit and bounds (CONVENTIONS.md rule 10).
// docs/stream.md explains the defaults.
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../core/index.js';

export const streamWorkerOptionsSpec = {
  checkpointIntervalMs: {
    kind: 'integer',
    default: limits.streamCheckpointIntervalMsDefault,
    min: 10,
    max: limits.streamCheckpointIntervalMsMax,
    doc: 'ms between checkpoints; a view row is visible to the serving layer at its commit, so this bounds counter freshness',
  },
  checkpointRowsMax: {
    kind: 'integer',
    default: limits.streamCheckpointRowsDefault,
    min: 1,
    max: limits.streamCheckpointRowsMax,
    doc: 'state, view and ledger rows that start a checkpoint before the interval ends: bounds a checkpoint in size and time',
  },
  outOfOrdernessMs: {
    kind: 'integer',
    default: limits.streamOutOfOrdernessMsDefault,
    min: 0,
    max: limits.streamOutOfOrdernessMsMax,
    doc: 'how far a partition watermark trails its newest event time, in ms: the disorder tolerated before events count as late',
  },
  idleTimeoutMs: {
    kind: 'integer',
    default: limits.streamIdleTimeoutMsDefault,
    min: 1,
    max: limits.streamIdleTimeoutMsMax,
    doc: 'ms a partition has nothing to read before its watermark advances on the clock',
  },
  readRecordsMax: {
    kind: 'integer',
    default: limits.streamReadRecordsDefault,
    min: 1,
    max: limits.readRecordsMax,
    doc: 'records per read of a partition (the decoded batch holds this many)',
  },
  readWaitMs: {
    kind: 'integer',
    default: limits.streamReadWaitMsDefault,
    min: 0,
    max: limits.logReadWaitMsMax,
    doc: 'longest long-poll of a read at the end of a partition, in ms; an append wakes it at once',
  },
  lateRowsPerCheckpointMax: {
    kind: 'integer',
    default: limits.streamLateRowsPerCheckpointMax,
    min: 0,
    max: limits.streamLateEventsMax,
    doc: 'late-ledger rows one checkpoint stores; beyond, events are still counted by reason',
  },
  liveMessagesPerBatchMax: {
    kind: 'integer',
    default: limits.streamLiveMessagesPerBatchMax,
    min: 0,
    max: 1_000_000,
    doc: 'live messages kept between two flushes; beyond, further ones are dropped and counted',
  },
} as const;

export type StreamWorkerOptions = OptionsOf<typeof streamWorkerOptionsSpec>;
export type StreamWorkerOptionsInput = OptionsInput<typeof streamWorkerOptionsSpec>;

export function parseStreamWorkerOptions(input: StreamWorkerOptionsInput = {}): StreamWorkerOptions {
  return parseOptions('stream worker', streamWorkerOptionsSpec, input);
}

/** Partitions must be distinct whole numbers below the log's partition count. */
export function checkPartitions(partitions: readonly number[], logPartitions: number): readonly number[] {
  if (partitions.length === 0) throw new OptionsError('stream worker', 'partitions', 'must name at least one partition');
  const seen = new Set<number>();
  for (const partition of partitions) {
    if (!Number.isInteger(partition) || partition < 0 || partition >= logPartitions) {
      throw new OptionsError('stream worker', 'partitions', `${partition} is not a partition of the log (0 to ${logPartitions - 1})`);
    }
    if (seen.has(partition)) throw new OptionsError('stream worker', 'partitions', `${partition} is listed twice`);
    seen.add(partition);
  }
  return [...partitions].sort((a, b) => a - b);
}
