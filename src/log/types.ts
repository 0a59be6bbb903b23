// The EventLog contract: every click is appended here, durably, before anything reads it.
// Backends: segmented files (embedded default, src/log/segmented) and NATS JetStream (scale-out,
// src/log/nats). Both pass the same conformance suite (src/log/conformance.ts).
//
// Records are opaque bytes to the log (clicks are encoded by src/events). Which partition a click
// goes to is the caller's choice; clickflow partitions by the visitor's network prefix (see
// `partitionForIp` in src/events) so that every per-IP and per-/24 fraud window lives in one
// partition, and per-link counters, being sums and mergeable sketches, are combined across
// partitions when they are served.

/** One stored record and its offset within its partition. */
export interface LogRecord {
  offset: number;
  value: Uint8Array;
}

/** Records read from one partition, in offset order. */
export interface RecordBatch {
  partition: number;
  records: readonly LogRecord[];
  /**
   * The offset to read from next. Offsets increase strictly within a partition but need not be
   * dense (JetStream packs records into messages; see src/log/nats), so always continue from here,
   * never from `lastOffset + 1`.
   */
  nextOffset: number;
}

export interface AppendOptions {
  /**
   * Makes a retried append stored once: an append whose key was already appended to the same
   * partition within the dedupe window stores nothing and returns the first append's offsets,
   * with `duplicate: true`. Use a key that names the batch's content, e.g. a hash of its event ids.
   */
  idempotencyKey?: string;
}

/** The result of an append, returned only once the records are durable. */
export interface AppendResult {
  partition: number;
  /** Offset of each appended record, in order. */
  offsets: readonly number[];
  /** True when the idempotency key had been seen: nothing new was stored. */
  duplicate: boolean;
}

export interface ReadOptions {
  /** Most records to return (default 10,000, at most `limits.readRecordsMax`). */
  maxRecords?: number;
  /** Most bytes of record values to return, roughly (default 4 MiB; at least one record is returned). */
  maxBytes?: number;
  /** When nothing is available at `fromOffset`, wait up to this long for an append (default 0). */
  waitMs?: number;
}

export interface PartitionStats {
  partition: number;
  /** First offset still stored (retention removes what is before it). */
  startOffset: number;
  /** The offset the next appended record will follow; reading from it waits for new records. */
  endOffset: number;
  /** Records stored, after retention. */
  records: number;
  /** Bytes stored on disk or in the stream, after retention. */
  bytes: number;
}

export interface RetentionReport {
  /** Whole segments (segmented) or messages (JetStream) removed. */
  removedUnits: number;
  removedRecords: number;
  removedBytes: number;
}

export interface EventLog {
  /** `segmented` or `nats`. */
  readonly kind: string;
  /** Number of partitions, fixed when the log is created. */
  readonly partitions: number;

  /**
   * Appends records to one partition. Resolves once they are durable (after the fsync or the
   * JetStream ack that covers them), with their offsets. Rejects a record over
   * `limits.logRecordBytesMax` or a batch over `limits.logAppendRecordsMax` and stores none of it.
   */
  append(partition: number, records: readonly Uint8Array[], options?: AppendOptions): Promise<AppendResult>;

  /**
   * Reads from `fromOffset` onwards. Reading twice from the same offset returns the same records:
   * this is what lets a stream job replay from the offsets it stored with its state. An offset
   * before the partition's start (removed by retention) is an error, not a silent skip.
   */
  read(partition: number, fromOffset: number, options?: ReadOptions): Promise<RecordBatch>;

  /** The offset after the last record of each partition (index = partition). */
  endOffsets(): Promise<number[]>;

  /** The first offset still stored in each partition (index = partition). */
  startOffsets(): Promise<number[]>;

  stats(): Promise<PartitionStats[]>;

  /**
   * Stores a named consumer's positions: for each partition, the next offset it will read.
   * Consumers that need exactly-once results store their offsets in their own transaction
   * instead (see src/stream), and use these only for monitoring lag.
   */
  commitConsumerOffsets(consumer: string, offsets: ReadonlyMap<number, number>): Promise<void>;

  /** A consumer's committed positions; partitions it never committed are absent. */
  consumerOffsets(consumer: string): Promise<Map<number, number>>;

  /** Removes data older or larger than the retention options allow. */
  applyRetention(): Promise<RetentionReport>;

  /** Waits for pending appends, then releases files and connections. Further calls reject. */
  close(): Promise<void>;
}
