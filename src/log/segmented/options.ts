// The segmented log's options: each field's default, unit and bounds, validated once
// (CONVENTIONS.md rule 10). docs/log-segmented.md explains the durability choices.
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';

const dayMs = 24 * 60 * 60 * 1000;

export const segmentedLogOptionsSpec = {
  dir: { kind: 'string', nonEmpty: true, default: '', doc: 'folder holding the log; created if missing' },
  partitions: {
    kind: 'integer',
    min: 1,
    max: limits.partitionsMax,
    default: 8,
    doc: 'partition count, fixed when the folder is created; reopening with another count is an error',
  },
  segmentBytes: {
    kind: 'integer',
    min: limits.segmentBytesMin,
    max: limits.segmentBytesMax,
    default: limits.segmentBytesDefault,
    doc: 'bytes after which a partition starts a new segment file (a segment overshoots by at most one group commit)',
  },
  indexIntervalBytes: {
    kind: 'integer',
    min: limits.indexIntervalBytesMin,
    max: limits.segmentBytesMax,
    default: limits.indexIntervalBytesDefault,
    doc: 'bytes between two entries of the sparse offset index',
  },
  groupCommitIntervalMs: {
    kind: 'integer',
    min: 0,
    max: limits.groupCommitIntervalMsMax,
    default: limits.groupCommitIntervalMsDefault,
    doc: 'longest wait, in ms, of an append for others to share its write and fsync',
  },
  fsync: {
    kind: 'enum',
    values: ['batch', 'interval'],
    default: 'batch',
    doc: 'batch: fsync every group commit before acknowledging it; interval: acknowledge after the write, fsync every fsyncIntervalMs',
  },
  fsyncIntervalMs: {
    kind: 'integer',
    min: 1,
    max: 60_000,
    default: limits.fsyncIntervalMsDefault,
    doc: 'ms between fsyncs under fsync: interval (the window of loss on a machine crash)',
  },
  checkpointIntervalMs: {
    kind: 'integer',
    min: 0,
    max: 60 * 60 * 1000,
    default: limits.checkpointIntervalMsDefault,
    doc: 'ms between checkpoints of a partition known-good position, where recovery starts its scan',
  },
  retentionMs: { kind: 'integer', min: 0, default: 7 * dayMs, doc: 'remove segments whose newest record is older than this many ms (0: keep)' },
  retentionBytes: { kind: 'integer', min: 0, default: 0, doc: 'keep at most about this many bytes per partition, removing whole old segments (0: no limit)' },
  readOnly: {
    kind: 'boolean',
    default: false,
    doc: 'open as a read-only follower of the log another process writes: no appends, no recovery, sees acknowledged commits only',
  },
  followPollIntervalMs: {
    kind: 'integer',
    min: 1,
    max: limits.logFollowPollIntervalMsMax,
    default: limits.logFollowPollIntervalMsDefault,
    doc: 'followers: ms between two looks for new commits while a read waits, besides the inotify wake-ups',
  },
  followWatch: {
    kind: 'boolean',
    default: true,
    doc: 'followers: wake waiting reads on inotify events of the partition folders (false: poll only, e.g. on network file systems)',
  },
  dedupeWindowMs: {
    kind: 'integer',
    min: 0,
    default: limits.dedupeWindowMsDefault,
    doc: 'ms an idempotency key is remembered (at most limits.dedupeKeysPerPartitionMax keys per partition)',
  },
} as const;

export type SegmentedLogOptionsSpec = typeof segmentedLogOptionsSpec;
/** Options of {@link createSegmentedLog}: `dir` is required, every other field has a default. */
export type SegmentedLogOptions = OptionsInput<SegmentedLogOptionsSpec> & { dir: string };
export type ParsedSegmentedLogOptions = OptionsOf<SegmentedLogOptionsSpec>;

export function parseSegmentedLogOptions(input: SegmentedLogOptions): ParsedSegmentedLogOptions {
  return parseOptions('segmented log', segmentedLogOptionsSpec, input, (options) => {
    if (options.indexIntervalBytes > options.segmentBytes) {
      throw new OptionsError('segmented log', 'indexIntervalBytes', `must not exceed segmentBytes (${options.segmentBytes})`);
    }
  });
}
