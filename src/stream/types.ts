// The stream engine's contracts: batches, decoders, messages, operators and what an operator's
// context offers (named keyed state, windows, timers, views, the late ledger, live messages).
// docs/stream.md explains the model; jobs (src/jobs) are written against these names only.
import type { Clock, Logger } from '../core/index.js';
import type { StreamViewChange } from '../store/index.js';

/** The watermark before anything is known: below every event time. */
export const noWatermarkMs = Number.MIN_SAFE_INTEGER;

/**
 * Records read from one partition, decoded into columns. One batch object per job is allocated
 * at start (capacity: the read size) and refilled for every read, so an operator must copy what
 * it keeps past `processBatch`. Rows `0..length-1` are valid; later rows hold stale data.
 */
export interface BatchColumns {
  partition: number;
  length: number;
  /** Each row's log offset. */
  readonly offsets: Float64Array;
  /** Each row's event time (epoch ms), set by the decoder. */
  readonly eventTimesMs: Float64Array;
  /** Each row's raw record, for the fields the job's decoder skipped. */
  readonly values: Uint8Array[];
}

/**
 * Turns raw log records into a job's batch columns. A job decodes each record once and every
 * operator of the job reads the same batch (fan-out), so the decoder reads just the fields the
 * job's operators need (e.g. `readClickHeader`, not the whole click).
 */
export interface BatchDecoder<B extends BatchColumns> {
  /** A batch with room for `capacity` rows, including the job's own columns. */
  createBatch(capacity: number): B;
  /**
   * Decodes `value` into row `row`: must set `batch.eventTimesMs[row]`. Throws for a record it
   * cannot read; the engine puts that record in the late ledger (reason `undecodable`) and goes on.
   */
  decode(value: Uint8Array, batch: B, row: number): void;
}

/** What flows into an operator, as one tagged union (CONVENTIONS.md rule 8). */
export type StreamMessage<B extends BatchColumns = BatchColumns> =
  | { readonly kind: 'data'; readonly batch: B }
  /** The job watermark advanced: event times before `watermarkMs` are complete. */
  | { readonly kind: 'watermark'; readonly watermarkMs: number }
  /** A checkpoint is being taken: flush what belongs in it (view rows) now. */
  | { readonly kind: 'barrier'; readonly checkpointId: number }
  /** The job is stopping after its last checkpoint. */
  | { readonly kind: 'end' };

export type TimeDomain = 'event-time' | 'processing-time';

/** Turns a state or view value into bytes and back; JSON is too slow for big states. */
export interface StateCodec<V> {
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
}

/**
 * What a full state does on a new key: evict the key updated least recently (counted in the
 * metrics as `stateEvictions`), or fail the job loudly with a `state_full` StreamError.
 */
export type WhenFull = 'evict-least-recently-updated' | 'fail';

export interface StateOptions<V> {
  codec: StateCodec<V>;
  /** Keys kept at most, over all partitions of the job (default `limits.streamStateKeysDefault`). */
  keysMax?: number;
  /** Default `evict-least-recently-updated`. */
  whenFull?: WhenFull;
  /**
   * Removes a key once the job watermark is this far past its last update, in event-time ms
   * (0, the default: never). Event time, so a replay expires exactly what the first run did.
   */
  ttlMs?: number;
}

/** One partition's slice of a keyed state: the fast handle for a batch's loop. */
export interface PartitionState<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** Stores `value` (also after mutating a value in place: the set is what marks it changed). */
  set(key: string, value: V): void;
  delete(key: string): boolean;
}

/** Named, partitioned keyed state, checkpointed incrementally (only keys changed since the last one). */
export interface KeyedState<V> {
  readonly name: string;
  partition(partition: number): PartitionState<V>;
  get(partition: number, key: string): V | undefined;
  set(partition: number, key: string, value: V): void;
  delete(partition: number, key: string): boolean;
  /** Keys held over all partitions. */
  size(): number;
  forEach(partition: number, callback: (value: V, key: string) => void): void;
  /** Every key set since the last checkpoint and still present: what to publish at a barrier. */
  forEachUpdated(callback: (partition: number, key: string, value: V) => void): void;
}

/** Tumbling windows have `slideMs === sizeMs`; sliding (hopping) ones a smaller slide that divides the size. */
export interface WindowAssigner {
  readonly sizeMs: number;
  readonly slideMs: number;
  /** Shifts window starts, e.g. to align days to a time zone (default 0). */
  readonly offsetMs: number;
}

/** Folds rows into a window's accumulator; `add` may mutate and return the same object. */
export interface WindowAggregate<A, B extends BatchColumns> {
  create(): A;
  add(accumulator: A, batch: B, row: number): A;
}

/** `on-time`: the watermark passed the window's end; `late-update`: an allowed late event changed a fired window; `update`: listed by `forEachUpdated`. */
export type WindowFiring = 'on-time' | 'late-update' | 'update';

/** A window's result. The object is reused between calls: copy what you keep. */
export interface WindowResult<A> {
  partition: number;
  key: string;
  startMs: number;
  endMs: number;
  accumulator: A;
  firing: WindowFiring;
}

export interface WindowStateOptions<A, B extends BatchColumns> extends StateOptions<A> {
  assigner: WindowAssigner;
  /** How long after a window's end an event still updates it (event-time ms); later ones go to the late ledger. */
  allowedLatenessMs: number;
  aggregate: WindowAggregate<A, B>;
  /** Called when a window fires (`on-time`) and when an allowed late event changes a fired window (`late-update`). */
  onFire(result: WindowResult<A>): void;
}

/** Keyed event-time windows: state per (partition, key, window), fired and cleaned by the watermark. */
export interface WindowState<A, B extends BatchColumns> {
  readonly name: string;
  /**
   * Adds row `row` of `batch` under `key` to each of its windows still open. Returns how many
   * windows it went to; an event too late for some or all of them is put in the late ledger.
   */
  add(partition: number, key: string, batch: B, row: number): number;
  /** Every (key, window) changed since the last checkpoint, with `firing: 'update'`. */
  forEachUpdated(callback: (result: WindowResult<A>) => void): void;
  /** (key, window) entries held. */
  size(): number;
}

export interface FiredTimer {
  domain: TimeDomain;
  partition: number;
  key: string;
  timeMs: number;
}

/**
 * Timers per (partition, key, time), checkpointed like state. Event-time timers fire when the job
 * watermark reaches their time, processing-time ones when the injected clock does.
 */
export interface TimerService {
  register(domain: TimeDomain, partition: number, key: string, timeMs: number): void;
  cancel(domain: TimeDomain, partition: number, key: string, timeMs: number): boolean;
  pending(domain: TimeDomain): number;
}

/** Sink output: full-value upserts of view rows, committed with the checkpoint, never increments. */
export interface ViewWriter<V> {
  readonly name: string;
  put(partition: number, key: string, value: V): void;
  delete(partition: number, key: string): void;
}

/** Events the job could not count, with the reason: never dropped silently. */
export interface LateLedger {
  record(partition: number, offset: number, eventTimeMs: number, reason: string, key?: string): void;
}

/** A message pushed at once, before its checkpoint commits (at least once: replays may repeat it). */
export interface LiveMessage {
  job: string;
  operator: string;
  channel: string;
  payload: unknown;
}

export interface CommitInfo {
  checkpointId: number;
  committedAtMs: number;
  /** The view rows this checkpoint committed. */
  views: readonly StreamViewChange[];
}

/** What an operator can reach. Declarations (state, windows, views) are allowed only in `onStart`. */
export interface OperatorContext {
  readonly job: string;
  readonly operator: string;
  /** The partitions this worker runs. */
  readonly partitions: readonly number[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** The job watermark: the minimum over this worker's partitions; never moves backwards. */
  watermarkMs(): number;
  partitionWatermarkMs(partition: number): number;
  keyedState<V>(name: string, options: StateOptions<V>): KeyedState<V>;
  windowState<A, B extends BatchColumns>(name: string, options: WindowStateOptions<A, B>): WindowState<A, B>;
  view<V>(name: string, codec: StateCodec<V>): ViewWriter<V>;
  readonly timers: TimerService;
  readonly late: LateLedger;
  /** Pushes a live message after the current batch (verdicts: milliseconds, not a checkpoint away). */
  emit(channel: string, payload: unknown): void;
}

/**
 * A stream operator. Operators of a job run in their declared order on the same batch, so one may
 * fill a batch column that a later one reads (fraud flags, then counters). All calls are
 * synchronous: no promise per event or per batch.
 */
export interface Operator<B extends BatchColumns = BatchColumns> {
  readonly name: string;
  /** Declares state, windows, views; runs before the checkpoint is restored. */
  onStart?(context: OperatorContext): void;
  processBatch(batch: B, context: OperatorContext): void;
  /** After windows fired and event-time timers ran for the new watermark. */
  onWatermark?(watermarkMs: number, context: OperatorContext): void;
  onTimer?(timer: FiredTimer, context: OperatorContext): void;
  /** Before the checkpoint is collected: put the view rows it should carry. */
  onCheckpoint?(checkpointId: number, context: OperatorContext): void;
  /** After the checkpoint committed: safe to announce what it made durable. */
  onCommit?(commit: CommitInfo, context: OperatorContext): void;
  /**
   * The job has nothing to read this moment: a short piece of deferred work (well under a
   * millisecond; the next batch waits for it), such as encoding rows ahead of the next barrier so
   * the barrier, which stops every batch, is short. Must not change what the operator outputs.
   */
  onIdle?(context: OperatorContext): void;
  onClose?(context: OperatorContext): void;
}

export interface JobDefinition<B extends BatchColumns = BatchColumns> {
  /** Names the job's rows in the store: keep it stable. */
  readonly name: string;
  readonly decoder: BatchDecoder<B>;
  readonly operators: readonly Operator<B>[];
  /**
   * True when batches may be processed while the last checkpoint commits (default false): the
   * operators' `onCommit` concerns only what that checkpoint wrote, never what came after its
   * barrier. With a repository that commits on its own thread (`startCommitThread`), the commit
   * then costs the job's thread next to nothing.
   */
  readonly commitsOverlap?: boolean;
}

/** Jobs by name, built fresh per worker (a restart builds new operators). */
export type JobRegistry = Readonly<Record<string, () => JobDefinition>>;

export interface CheckpointMetrics {
  checkpointId: number;
  /** Whole barrier: operators' onCheckpoint, collection and commit. */
  durationMs: number;
  commitMs: number;
  stateRows: number;
  viewRows: number;
  lateRows: number;
  /** Rows written in the transaction. */
  rows: number;
  /** Key and value bytes written. */
  bytes: number;
  committedAtMs: number;
}

export interface PartitionMetrics {
  partition: number;
  nextOffset: number;
  watermarkMs: number;
  idle: boolean;
}

export interface StreamMetrics {
  job: string;
  partitions: PartitionMetrics[];
  watermarkMs: number;
  eventsProcessed: number;
  batchesProcessed: number;
  /** Late-ledger events by reason since start (including `undecodable`). */
  lateEvents: Record<string, number>;
  /** Ledger rows not stored because one checkpoint's buffer was full (their counts are kept). */
  lateRowsOverflowed: number;
  liveMessagesDropped: number;
  stateKeys: number;
  stateEvictions: number;
  stateExpirations: number;
  checkpoints: number;
  lastCheckpoint: CheckpointMetrics | null;
  /** Time since the last commit (or since start), in ms. */
  checkpointAgeMs: number;
}

/** What a worker announces after each commit (to the serving process, over IPC). */
export interface CommittedUpdate {
  job: string;
  checkpointId: number;
  committedAtMs: number;
  views: readonly StreamViewChange[];
  /** Each partition's committed next offset and watermark: how complete the views are. */
  positions: readonly { partition: number; nextOffset: number; watermarkMs: number }[];
}
