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
  /** How far after the validating node's clock an event time may be: senders' clock skew. */
  eventFutureSkewMsDefault: 5 * 60 * 1000,
  /** How far before the validating node's clock an event time may be; an older click is refused. */
  eventPastAgeMsDefault: 30 * 24 * 60 * 60 * 1000,

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

  // Stream engine (src/stream); docs/stream.md explains each choice.
  /**
   * Time between two checkpoints of a stream job. A committed view row reaches the serving
   * layer at its commit, so this bounds counter freshness (target: p99 under 250 ms).
   */
  streamCheckpointIntervalMsDefault: 200,
  streamCheckpointIntervalMsMax: 60_000,
  /** Dirty state and view rows that force a checkpoint before the interval ends: bounds a checkpoint's size and time. */
  streamCheckpointRowsDefault: 100_000,
  streamCheckpointRowsMax: 10_000_000,
  /** How far behind the newest event time of a partition its watermark stays: expected disorder. */
  streamOutOfOrdernessMsDefault: 3_000,
  streamOutOfOrdernessMsMax: 60 * 60 * 1000,
  /** A partition with nothing to read for this long advances its watermark on the clock. */
  streamIdleTimeoutMsDefault: 2_000,
  streamIdleTimeoutMsMax: 10 * 60 * 1000,
  /** Records asked for by one read of a partition (also the capacity of the decoded batch). */
  streamReadRecordsDefault: 4_096,
  /** Longest long-poll of one read; a new record wakes it at once. */
  streamReadWaitMsDefault: 250,
  /** Keys of one keyed state (or window state) when its declaration gives no bound. */
  streamStateKeysDefault: 1_000_000,
  /** Sum of the key bounds of every state of one job: memory per job is bounded before it runs. */
  streamStateKeysPerJobMax: 50_000_000,
  /** Pending timers of one operator, per time domain; registering beyond it fails loudly. */
  streamTimersPerOperatorMax: 1_000_000,
  /** Windows one event can fall in (window size / slide). */
  streamWindowsPerEventMax: 256,
  /** Names of jobs, operators, states and views (UTF-8 bytes). */
  streamNameBytesMax: 100,
  /** A state or view key (UTF-8 bytes). */
  streamKeyBytesMax: 512,
  /** An encoded state or view value (bytes). */
  streamValueBytesMax: 1024 * 1024,
  /** Late-ledger rows buffered between two checkpoints; beyond, events are still counted by reason but not listed. */
  streamLateRowsPerCheckpointMax: 10_000,
  /** Late-ledger rows kept in the store; adding beyond removes the oldest (counts by reason are kept whole). */
  streamLateEventsMax: 100_000,
  /** Live messages a job may emit between two batches; beyond, the oldest of them are dropped and counted. */
  streamLiveMessagesPerBatchMax: 10_000,
  /** First and longest wait before a crashed stream worker is started again. */
  streamWorkerRestartMsInitial: 200,
  streamWorkerRestartMsMax: 10_000,
  /** A worker that stayed up this long is healthy again: its next crash restarts it after the initial wait. */
  streamWorkerHealthyMs: 30_000,
  /** How long a stopping worker may take to write its last checkpoint before it is killed. */
  streamWorkerStopMs: 10_000,
} as const;

export type Limits = typeof limits;
