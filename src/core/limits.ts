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

  // Serving store (src/store).
  /** Rows one list call returns at most; `limit` above it is rejected. */
  storeListMax: 1000,
  /** Rows one list call returns when no `limit` is given. */
  storeListDefault: 100,
  /** Dead-letter rows kept at most; adding beyond removes the oldest. */
  deadLettersMax: 100_000,
  /** A dead letter's payload is cut to this many UTF-8 bytes (on a character boundary). */
  deadLetterPayloadBytesMax: 4096,
  /** A dead letter's reason is cut to this many UTF-8 bytes. */
  deadLetterReasonBytesMax: 1024,
  /** Names and labels (accounts, users, plans, API keys); longer ones are rejected. */
  storeNameBytesMax: 200,
  /** An e-mail address (RFC 5321 path limit). */
  emailBytesMax: 254,
  /** A link's target URL. */
  targetUrlBytesMax: 2048,
  /** Unrevoked API keys per account; creating one more is refused until one is revoked. */
  apiKeysActivePerAccountMax: 100,
  /** Price tiers per plan. */
  planTiersMax: 32,
} as const;

export type Limits = typeof limits;
