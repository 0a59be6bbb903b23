// Every queue, buffer, batch and map has a bound and a defined behaviour when full
// (CONVENTIONS.md rule 6). Defaults live here, units last in names; components take overrides
// through their options, validated against the `*Max` hard limits below.

export const limits = {
  // Click event fields (UTF-8 bytes). A field over its bound is rejected, never truncated.
  eventIdBytesMax: 128,
  entityIdBytesMax: 64,
  slugBytesMax: 128,
  userAgentBytesMax: 1024,
  referrerBytesMax: 2048,
  classBytesMax: 32,
  /** Largest encoded click record; the codec asserts it. */
  eventRecordBytesMax: 4096,

  // Event log.
  partitionsMax: 1024,
  /** Largest record the log stores; a larger append is rejected. */
  logRecordBytesMax: 1024 * 1024,
  /** Largest batch accepted by one append call; a larger one is rejected. */
  logAppendRecordsMax: 100_000,
  segmentBytesDefault: 128 * 1024 * 1024,
  segmentBytesMax: 1024 * 1024 * 1024,
  /** Bytes between two entries of a segment's sparse offset index. */
  indexIntervalBytesDefault: 64 * 1024,
  /** Longest time an acknowledged-only-after-fsync append waits for its group commit. */
  groupCommitIntervalMsDefault: 5,
  /** Bytes buffered before a group commit is forced, whatever the interval. */
  groupCommitBytesMax: 8 * 1024 * 1024,
  /** Idempotency keys remembered per partition to make retried appends no-ops. */
  dedupeKeysPerPartitionMax: 100_000,
  dedupeWindowMsDefault: 2 * 60 * 1000,
  /** Records returned by one read call at most. */
  readRecordsMax: 100_000,
  /** Records packed into one JetStream message at most (offsets reserve 16 bits for the index). */
  natsRecordsPerMessageMax: 65_536,
  natsMessageBytesMax: 1024 * 1024,
  /** JetStream publishes awaiting their ack at once per log. */
  natsPublishesInFlightMax: 256,
} as const;

export type Limits = typeof limits;
