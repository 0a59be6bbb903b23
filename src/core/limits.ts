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
  // NATS JetStream event log (src/log/nats); docs/log-nats.md explains each choice.
  /** Packing target of one JetStream message: ~1,700 records of 150 bytes, past the knee of throughput. */
  natsMessageBytesDefault: 256 * 1024,
  natsPublishesInFlightDefault: 64,
  /** Longest wait for one JetStream request (publish ack, API call) before it counts as timed out. */
  natsRequestTimeoutMsDefault: 5_000,
  /** Messages asked for by one pull of a read cursor. */
  natsReadPullMessagesMax: 1_024,
  /** Bytes asked for by one pull of a read cursor (raised to the server's max_payload when smaller). */
  natsReadPullBytesMax: 4 * 1024 * 1024,
  /**
   * Bytes all read cursors of a log may have pulled and not yet received: half the server's default
   * max_pending (64 MiB), past which it drops the connection as a slow consumer. More pulls wait.
   */
  natsReadPullBytesInFlightMax: 32 * 1024 * 1024,
  /** Read cursors (server-side consumers) kept per partition; more readers at other offsets evict the least recent. */
  natsReadCursorsPerPartitionMax: 4,
  /** A cursor's consumer is removed by the server after this long without a pull; the cursor then makes a new one. */
  natsCursorIdleMs: 60_000,
  /**
   * Longest wait for the answer to a pull that asks for what is there now (no_wait). nats-server 2.9
   * can leave a consumer's pending count stale after a purge and then never answer such a pull;
   * past this the pull counts as stalled and the consumer is made anew.
   */
  natsNoWaitPullAnswerMs: 500,
  /** Messages asked for by one pull of a header scan (stats, retention, end offsets). */
  natsScanPullMessagesMax: 4_096,
  /** Server-side requests one log call keeps in flight when it fans out over partitions or consumers. */
  natsRequestsInFlightMax: 32,

  // Segmented event log (src/log/segmented).
  /** Largest total of record bytes in one append call; a larger one is rejected. */
  logAppendBytesMax: 64 * 1024 * 1024,
  /** Largest idempotency key (UTF-8 bytes); a longer one is rejected. */
  logIdempotencyKeyBytesMax: 256,
  /** Bytes awaiting their group commit; further appends wait until a commit takes them. */
  logPendingBytesMax: 64 * 1024 * 1024,
  /** Smallest segment size accepted by the options. */
  segmentBytesMin: 4 * 1024,
  /** Smallest index interval accepted by the options. */
  indexIntervalBytesMin: 256,
  /** Longest group commit interval accepted by the options. */
  groupCommitIntervalMsMax: 1_000,
  /** Time between fsyncs under the `interval` fsync policy. */
  fsyncIntervalMsDefault: 100,
  /** Time between two checkpoints of a partition's known-good position. */
  checkpointIntervalMsDefault: 1_000,
  /** Bytes read from a segment by one pread (a larger frame is read whole). */
  logReadChunkBytes: 1024 * 1024,
  /** Records one read returns when the caller gives no `maxRecords`. */
  logReadRecordsDefault: 10_000,
  /** Record bytes one read returns when the caller gives no `maxBytes`. */
  logReadBytesDefault: 4 * 1024 * 1024,
  /** Longest long-poll of one read; a longer `waitMs` is shortened to it. */
  logReadWaitMsMax: 60_000,
  /** Reads long-polling at once per log; beyond it a read at the end answers at once, empty. */
  logReadWaitersMax: 10_000,
  /** Largest body of a meta frame (idempotency key, commit time); a longer one is damage. */
  logMetaFrameBytesMax: 1024,
  /** Largest consumer name (UTF-8 bytes) for stored consumer offsets. */
  logConsumerNameBytesMax: 200,
  /**
   * How often a read-only follower of a segmented log looks for new commits of the partitions it
   * has long-polling reads on, besides the inotify wake-ups (which usually come first).
   */
  logFollowPollIntervalMsDefault: 25,
  logFollowPollIntervalMsMax: 1_000,
  /** Attempts at taking over a stale writer lock before giving up (each loses a race to another opener). */
  logWriterLockAttemptsMax: 5,

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

  // Lake and archiver (src/batch, src/jobs/archiver); docs/lake.md explains each choice.
  /**
   * How long after an hour's end (event time, past the watermark) its clicks still go to ordinary
   * files: the hour is sealed once every partition's watermark is past its end plus this.
   */
  lakeAllowedLatenessMsDefault: 5 * 60 * 1000,
  lakeAllowedLatenessMsMax: 24 * 60 * 60 * 1000,
  /** Rows per Parquet row group of a lake file (DuckDB rounds it to whole vectors of 2,048). */
  lakeRowGroupRows: 122_880,
  /** Files recorded for one hour at most; one more is refused (the archiver writes a few per checkpoint). */
  lakeFilesPerHourMax: 100_000,
  /** Hours one sealer run seals at most (after a long downtime it catches up over several runs). */
  lakeSealHoursPerRunMax: 1_000,
  /** Manifest entries one sealer run reads per partition at most; the rest wait for the next run, and so does sealing. */
  lakeManifestEntriesPerRunMax: 10_000,
  /** Time between two sealer runs. */
  lakeSealIntervalMsDefault: 10_000,
  /** Checkpoint interval to run the archiver with: it writes its open files at every checkpoint, so this sets how many there are. */
  archiverCheckpointIntervalMsDefault: 30_000,
  /**
   * Rows of one lake file before it is written out, checkpoint or not: at full ingest rate files are
   * cut by this, and the writer thread works on them while the archiver reads on.
   */
  archiverFileRowsDefault: 250_000,
  archiverFileRowsMax: 10_000_000,
  /** CSV bytes one spool holds at most (on disk, not in memory) before it is written out. */
  archiverSpoolBytesMax: 1024 * 1024 * 1024,
  /** In-memory buffer of one open spool, written to its file when full. */
  archiverSpoolBufferBytes: 1024 * 1024,
  /** Spools (partition x hour x kind) open at once; one more writes out the largest first. */
  archiverOpenSpoolsMax: 64,
  /** Files handed to the writer thread and not yet written; one more waits for the oldest. */
  archiverWritesInFlightMax: 4,
  /** Longest wait for the writer thread, in ms; longer is a failure (the worker restarts from its checkpoint). */
  archiverWriteTimeoutMs: 10 * 60 * 1000,
  /** DuckDB threads of the archiver's writer. */
  archiverDuckdbThreadsDefault: 2,
  /** DuckDB memory of the archiver's writer, in MiB (a sort beyond it spills to the spool folder). */
  archiverDuckdbMemoryMibDefault: 1024,

  // Ingest and HTTP.
  /** Largest body of one `POST /v1/events`; a larger one is answered 413 and nothing of it is stored. */
  ingestBodyBytesMax: 32 * 1024 * 1024,
  /** Most lines (events) in one `POST /v1/events`. */
  ingestLinesMax: 100_000,
  /** Rejected lines listed in one ingest response; the rest are counted and kept in the dead-letter table. */
  ingestRejectionsListedMax: 1_000,
  /** Largest JSON body of a management request (accounts, users, links, keys). */
  managementBodyBytesMax: 64 * 1024,
  /** Event ids remembered by ingest to make retried requests safe (about 16 bytes each). */
  ingestDedupeIdsMax: 4_000_000,
  /** How long ingest remembers an event id, at least half of this (ms). */
  ingestDedupeWindowMsDefault: 10 * 60 * 1000,
  /** Ingest worker threads at most (the default is one per available core). */
  ingestWorkersMax: 64,
  /** Requests one ingest worker holds at once, default and most; more wait in the pool. */
  ingestTasksPerWorkerDefault: 2,
  ingestTasksPerWorkerMax: 64,
  /** Bytes of request bodies waiting for an ingest worker; a request beyond it is refused as busy (503). */
  ingestQueuedBytesMax: 256 * 1024 * 1024,
  /** Wait before starting an ingest worker again after a start failed (ms). */
  ingestWorkerRespawnDelayMs: 1_000,
  /** Links held in the redirect cache. */
  linkCacheEntriesMax: 1_000_000,
  /** How often the link cache looks for changed links (ms): a change takes effect within this. */
  linkCacheRefreshIntervalMs: 250,
  /** How long an unknown slug is remembered as unknown (ms). */
  linkCacheNegativeTtlMs: 1_000,
  /** Distinct user agents whose classification is cached. */
  userAgentCacheEntries: 20_000,
  /** How long a verified API key is trusted without asking the store again (ms): revocation delay. */
  apiKeyCacheTtlMs: 1_000,
  apiKeyCacheEntries: 10_000,

  // Load generator (src/loadgen).
  /** Accounts in a generated world. */
  loadgenAccountsMax: 10_000,
  /** Users per account in a generated world. */
  loadgenUsersPerAccountMax: 1_000,
  /** Links in a generated world (each costs a management call or a store row to set up). */
  loadgenLinksMax: 1_000_000,
  /** Human visitors (distinct addresses) in a generated world: about 60 bytes of strings each. */
  loadgenVisitorsMax: 5_000_000,
  /** Fraud addresses in a generated world. */
  loadgenFraudIpsMax: 1_000,
  /** Recent events a duplicate is copied from; they span well under ingest's dedupe window. */
  loadgenDuplicateRingEvents: 4_096,
  /** Events in one generated batch, and lines in one POST /v1/events of the load generator. */
  loadgenBatchEventsMax: 100_000,
  /** Requests (or appends, or writes) the load generator keeps in flight at once. */
  loadgenInFlightMax: 1_024,
  /** Bytes of request bodies built ahead of sending by default; building stops while this many wait. */
  loadgenPrebuildBytesDefault: 256 * 1024 * 1024,
  loadgenPrebuildBytesMax: 4 * 1024 * 1024 * 1024,
  /** Keys (link-minute, link-day, user-day, account-month, link-visitor) the ground truth holds; more is an error. */
  loadgenTruthEntriesMax: 50_000_000,
  /** Management calls in flight while the load generator sets up its world. */
  loadgenProvisionConcurrency: 16,

  // Batch orchestrator (src/orchestrator) and its run history in the store; docs/orchestrator.md.
  /** Jobs one orchestrator declares. */
  orchestratorJobsMax: 256,
  /** Partition runs at once; the default is half the cores (1 on a 2-core machine). */
  orchestratorConcurrencyMax: 64,
  /** Partitions queued, waiting or running at once; enqueuing beyond is refused with a retryable error. */
  orchestratorPendingMax: 100_000,
  /** Partitions one backfill call may cover. */
  orchestratorBackfillPartitionsMax: 50_000,
  /** Upstream partitions one partition may read (a UTC month reads 744 hours), and dependents one partition may have. */
  orchestratorUpstreamPartitionsMax: 10_000,
  /** Schedule fires looked at per job by one catch-up or tick; beyond, the oldest are left out (and logged). */
  orchestratorFiresPerEvaluationMax: 10_000,
  /** How far back catch-up looks for fires missed while the orchestrator was down. */
  orchestratorCatchUpHorizonMsDefault: 7 * 24 * 60 * 60 * 1000,
  orchestratorCatchUpHorizonMsMax: 400 * 24 * 60 * 60 * 1000,
  /** How often partitions waiting for their inputs (and dirty partitions re-opened elsewhere) are looked at. */
  orchestratorPollIntervalMsDefault: 30_000,
  /** Longest time one attempt of a partition run may take before it is aborted and counted as timed out. */
  orchestratorAttemptTimeoutMsDefault: 60 * 60 * 1000,
  orchestratorAttemptTimeoutMsMax: 24 * 60 * 60 * 1000,
  /** Retries of a failed attempt (only retryable errors), and the backoff before the first and longest one. */
  orchestratorRetriesDefault: 3,
  orchestratorRetriesMax: 20,
  orchestratorRetryDelayMsDefault: 30_000,
  orchestratorRetryDelayMsMaxDefault: 10 * 60 * 1000,
  /** How long a scheduled partition waits for its inputs before it fails with an alert. */
  orchestratorReadyWaitMsDefault: 24 * 60 * 60 * 1000,
  /** How long an aborted attempt (timeout, stop) may take to settle before the orchestrator moves on without it. */
  orchestratorAbortGraceMsDefault: 30_000,
  /** Finished runs are kept this long (each partition's latest success is kept whatever its age: staleness needs it). */
  batchRunRetentionMsDefault: 90 * 24 * 60 * 60 * 1000,
  /** Job names and partition ids (UTF-8 bytes). */
  batchJobNameBytesMax: 64,
  batchPartitionBytesMax: 64,
  /** Output and input hashes, and the names of a run's external inputs (UTF-8 bytes). */
  batchHashBytesMax: 128,
  /** External input hashes and outputs one run may record. */
  batchRunInputsMax: 1_000,
  batchRunOutputsMax: 1_000,
  /** A run's output location (UTF-8 bytes). */
  batchOutputLocationBytesMax: 1_024,
  /** A run's message (skip reason or error message) and its error detail (causes, stack), cut to this many UTF-8 bytes. */
  batchRunMessageBytesMax: 4_096,
  batchRunErrorDetailBytesMax: 16_384,
  /** Alert rows kept for the dashboard; adding beyond removes the oldest. */
  batchAlertsMax: 10_000,
  /** Attempts at delivering one alert to a webhook (first try included), the first backoff, and the wait for an answer. */
  alertWebhookAttemptsDefault: 5,
  alertWebhookRetryDelayMsDefault: 1_000,
  alertWebhookTimeoutMsDefault: 10_000,

  // Stream engine (src/stream); docs/stream.md explains each choice.
  /**
   * Time between two checkpoints of a stream job. A committed view row reaches the serving
   * layer at its commit, so this plus the commit bounds counter freshness (target: p99 under
   * 250 ms; docs/stream.md).
   */
  streamCheckpointIntervalMsDefault: 100,
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
  /** Live messages a job may emit between two flushes (after each batch); beyond, further ones are dropped and counted. */
  streamLiveMessagesPerBatchMax: 10_000,
  /** First and longest wait before a crashed stream worker is started again. */
  streamWorkerRestartMsInitial: 200,
  streamWorkerRestartMsMax: 10_000,
  /** A worker that stayed up this long is healthy again: its next crash restarts it after the initial wait. */
  streamWorkerHealthyMs: 30_000,
  /** How long a stopping worker may take to write its last checkpoint before it is killed. */
  streamWorkerStopMs: 10_000,
  /**
   * Slots of the click decoder's id cache: (link, user, account) id texts by their raw bytes, so a
   * repeated link costs no string. A power of two; direct-mapped, a colliding link replaces the one
   * in its slot.
   */
  streamClickIdCacheSlots: 32_768,
  /**
   * Id bytes (link + user + account) a cache slot holds at most: three store ids of 20 characters
   * (a slot is then one 64-byte cache line with its shape word); a record with longer ids is
   * decoded without the cache.
   */
  streamClickIdCacheKeyBytesMax: 60,
  // Link counters (src/jobs/counters, src/serve/counter-*); docs/counters.md explains each choice.
  /** Links whose counters one counters operator keeps (all partitions of a worker); beyond, the least recently clicked is evicted. */
  countersLinksDefault: 2_000_000,
  countersLinksMax: 20_000_000,
  /**
   * A link not clicked for this long (event time) leaves the stream's state; its last row stays in
   * the views. Its minute, quarter-hour and visitor data are long out of their windows by then.
   */
  countersLinkIdleTtlMsDefault: 30 * 24 * 60 * 60 * 1000,
  /** Hourly visitor sketches (link × hour × partition) one counters operator keeps; beyond, the least recently updated is evicted. */
  countersVisitorSlicesDefault: 4_000_000,
  countersVisitorSlicesMax: 20_000_000,
  /** Links whose merged rows the serving process keeps in memory; beyond, the least recently read or updated goes. */
  countersServingLinksMax: 100_000,
  /** Time-zone offsets per zone the serving side caches (one per UTC quarter hour used). */
  countersZoneOffsetsCachedMax: 4_096,
  /** Live counter streams (SSE) open at once; one more is answered 503. */
  countersStreamClientsMax: 1_000,
  /** A live counter stream pushes this long after a commit changed its link (commits of several partitions then go in one push). */
  countersStreamCoalesceMs: 50,
  /** Quiet time on a live counter stream after which a heartbeat comment is sent. */
  countersStreamHeartbeatMs: 15_000,

  // Fraud detection (src/jobs/fraud, src/serve/fraud-*); docs/fraud.md explains each choice.
  /** Addresses whose windows and baselines one fraud operator keeps (split over its partitions); beyond, the least recently seen of a sample is evicted. */
  fraudIpsDefault: 1_000_000,
  fraudIpsMax: 20_000_000,
  /** /24 and /64 networks one fraud operator keeps windows for (split over its partitions). */
  fraudNetworksDefault: 250_000,
  fraudNetworksMax: 5_000_000,
  /** Space-Saving counters per partition for heavy hitters; the whole summary is one state value. */
  fraudHeavyHitterCountersDefault: 1_024,
  fraudHeavyHitterCountersMax: 16_384,
  /** Addresses whose numbers one live message carries at most: a batch's touched addresses go in several. */
  fraudLiveIpsPerMessageMax: 1_024,
  /** Verdict changes one live message carries at most. */
  fraudLiveChangesPerMessageMax: 512,
  /** Texts of non-ok IPv6 addresses an operator remembers, to name them when they go quiet (IPv4 keys are the address). */
  fraudIpv6TextsMax: 65_536,
  /** Non-ok addresses one watermark looks at for having gone quiet; the rest wait for the next one. */
  fraudQuietChecksPerWatermarkMax: 4_096,
  /** Addresses the serving process remembers verdicts and numbers for (about 300 bytes each; least recently updated go first). */
  fraudVerdictTableEntriesDefault: 250_000,
  fraudVerdictTableEntriesMax: 20_000_000,
  /** Server-sent-event clients of the alert feed at once; one more is refused with 503. */
  fraudAlertClientsMax: 100,
  /** Events (alerts, heartbeats) queued for one alert client; a client that falls this far behind is dropped. */
  fraudAlertClientBufferEventsDefault: 1_000,
  /** Time between heartbeat comments on the alert feed. */
  fraudAlertHeartbeatMsDefault: 15_000,
  /** Alerts waiting for the webhook; beyond, the oldest is dropped and counted. */
  fraudWebhookQueueAlertsDefault: 10_000,
  fraudWebhookQueueAlertsMax: 1_000_000,
  /** Alerts in one webhook POST at most. */
  fraudWebhookAlertsPerPostDefault: 100,
  /** Attempts at one webhook POST (first included) before its alerts are dropped and counted, the first backoff, its ceiling, and the wait for an answer. */
  fraudWebhookAttemptsDefault: 8,
  fraudWebhookRetryDelayMsDefault: 500,
  fraudWebhookRetryDelayMsMaxDefault: 60_000,
  fraudWebhookTimeoutMsDefault: 10_000,
} as const;

export type Limits = typeof limits;
