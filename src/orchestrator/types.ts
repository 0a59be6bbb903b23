// The batch orchestrator's contracts: partition kinds, job declarations, what a job's run gets
// and returns, alert senders, and the orchestrator itself. docs/orchestrator.md explains the model.
import type { Clock, Logger } from '../core/index.js';
import type { BatchAlert, BatchRun, BatchRunListOptions, BatchRunOutput, BatchRunTrigger, Store } from '../store/index.js';

/** A partition's time range: `startMs` inclusive, `endMs` exclusive (epoch ms). */
export interface PartitionBounds {
  startMs: number;
  endMs: number;
}

/**
 * How a job's data is cut into partitions, each a half-open time range named by a string id.
 * Built in: `hourPartitions` (`2026-11-25T08`), `dayPartitions` (`2026-11-25`), `monthPartitions`
 * (`2026-11`), all UTC, and `zonedDayPartitions(timeZone)`. A custom kind keeps this contract:
 * `format(t)` names the partition holding instant t, `bounds(format(t))` holds t,
 * `parse(id) === id` for every formatted id, and `next(id)` starts where `id` ends. Whether a
 * partition contains an instant follows from its bounds (`partitionContains`).
 */
export interface PartitionKind {
  /** Shown in help and messages, e.g. `hour` or `day@Europe/Berlin`. */
  readonly name: string;
  /** What an id looks like, for error messages: `YYYY-MM-DDTHH (a UTC hour), e.g. 2026-11-25T08`. */
  readonly shape: string;
  /** The canonical id of `text`; throws an `invalid_partition` OrchestratorError naming the problem. */
  parse(text: string): string;
  /** The id of the partition that holds `instantMs`. */
  format(instantMs: number): string;
  /** The id of the partition that follows `id`. */
  next(id: string): string;
  bounds(id: string): PartitionBounds;
}

/** One partition of one job. */
export interface PartitionRef {
  job: string;
  partition: string;
}

export interface JobSchedule {
  /** A cron pattern (5 fields, or 6 with seconds first), e.g. `15 * * * *`. */
  cron: string;
  /** The IANA time zone the pattern is read in (default `UTC`), e.g. `Europe/Berlin`. */
  timeZone?: string;
  /**
   * The partition a fire at `firedAtMs` makes due. Default: the latest partition that has ended
   * by then (at 09:15 the hour 08, at 06:00 the day before, on the 4th the month before).
   */
  partition?(firedAtMs: number): string;
}

/**
 * A dependency on another job's partitions. By default a partition reads the upstream partitions
 * that overlap its time range (a day reads its 24 hours; a month its days), and an upstream
 * partition's dependents are the partitions that overlap it. A job that reads partitions outside
 * its range (a digest comparing with the day before) gives both functions.
 */
export interface UpstreamDependency {
  job: string;
  /** The upstream partitions `partition` reads. */
  partitions?(partition: string): readonly string[];
  /** The partitions of this job that read `upstreamPartition` (the inverse of `partitions`). */
  dependents?(upstreamPartition: string): readonly string[];
}

/** `true` when the partition's inputs are sealed; `false` or `{ ready: false, reason }` when not yet. */
export type ReadyAnswer = boolean | { ready: boolean; reason?: string };

export interface JobRetryPolicy {
  /** Attempts after the first; only retryable errors (src/core/errors.ts isRetryable) are retried. */
  retries: number;
  /** Wait before the first retry, in ms; doubled for each further one. */
  initialDelayMs: number;
  /** Longest wait between attempts, in ms. */
  maxDelayMs: number;
  /** Further narrows which retryable errors this job retries (default: all of them). */
  retryOn?(error: unknown): boolean;
}

/** What an upstream partition handed on: the run that built it, its hash and where its output is. */
export interface UpstreamOutput {
  job: string;
  partition: string;
  runId: number;
  outputHash: string;
  outputs: readonly BatchRunOutput[];
}

/** What a job's `run` gets for one attempt at one partition. */
export interface JobRunContext {
  job: string;
  partition: string;
  bounds: PartitionBounds;
  runId: number;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * Aborted when the attempt times out or the orchestrator stops. Whatever the run returns after
   * that is discarded; write outputs with `writeOutputAtomically(..., { signal })` so an aborted
   * attempt never replaces a good output.
   */
  signal: AbortSignal;
  clock: Clock;
  /** Namespaced with the job, partition, run id and attempt. */
  logger: Logger;
  /** One entry per upstream partition, in the order the dependencies list them. */
  upstream: readonly UpstreamOutput[];
}

export interface JobRunResult {
  /**
   * A content hash of the output (e.g. `sha256:...`): a re-run on identical inputs must give the
   * same hash (DESIGN.md, determinism). Downstream partitions re-run only when it changes.
   */
  outputHash: string;
  /** Hashes of external inputs (lake files) by a name the job chooses, recorded as lineage. */
  inputHashes?: Record<string, string>;
  /** What was written, for upstream outputs of dependents and for `batch show`. */
  outputs?: BatchRunOutput[];
}

export interface JobDefinition {
  /** Lower case letters, digits and `-`, e.g. `hourly-rollup`. */
  name: string;
  /** One line for `clickflow batch jobs`. */
  description?: string;
  partitions: PartitionKind;
  /** When the job's partitions fall due; a job without one runs when asked or when its inputs change. */
  schedule?: JobSchedule;
  upstream?: readonly UpstreamDependency[];
  /**
   * For source jobs (and any job with inputs besides its upstream): whether the partition's
   * external inputs are sealed, e.g. "the lake hour is sealed". Asked again until it says yes.
   */
  ready?(partition: string): ReadyAnswer | Promise<ReadyAnswer>;
  /** Default: the orchestrator's retry options. */
  retry?: Partial<JobRetryPolicy>;
  /** Longest attempt, in ms (default: the orchestrator's `attemptTimeoutMs`). */
  timeoutMs?: number;
  /** How long a due partition waits for its inputs before it fails with an alert (default: the orchestrator's). */
  readyWaitMs?: number;
  run(context: JobRunContext): Promise<JobRunResult>;
}

/** Where failure alerts go besides the log and the store's alert feed (e.g. a webhook). */
export interface AlertSender {
  /** Delivers one alert; rejects when it finally cannot (after its own retries). */
  send(alert: BatchAlert): Promise<void>;
}

export interface OrchestratorDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Optional: alerts are always logged and stored; a sender also pushes them out. */
  alerts?: AlertSender;
}

/** A declared job as the orchestrator sees it. */
export interface JobInfo {
  name: string;
  description: string;
  partitionKind: string;
  partitionShape: string;
  schedule: { cron: string; timeZone: string } | undefined;
  upstreamJobs: string[];
  timeoutMs: number;
  retry: { retries: number; initialDelayMs: number; maxDelayMs: number };
}

/** What `tick` and `catchUp` made due. */
export interface DueReport {
  /** Partitions queued by this call, in the order they were found. */
  queued: PartitionRef[];
}

export interface RunPartitionOptions {
  /**
   * Wait until the inputs are ready (up to the job's ready wait) instead of finishing at once as
   * `skipped` when they are not. Default false.
   */
  waitForInputs?: boolean;
}

export interface BackfillOptions {
  /** Re-run partitions that are up to date too (default false: those are reported as skipped). */
  force?: boolean;
  /** Also build stale upstream partitions the range needs, first (default true). */
  includeUpstream?: boolean;
}

export interface BackfillProgress {
  /** Partitions of the range finished so far, this one included. */
  done: number;
  total: number;
  job: string;
  partition: string;
  run: BatchRun;
  /** Time since the backfill began, by the orchestrator's clock. */
  elapsedMs: number;
}

export interface BackfillReport {
  job: string;
  total: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  skipped: number;
  /** One run per partition of the range, in partition order. */
  runs: BatchRun[];
  elapsedMs: number;
}

/** Why a partition would or would not run now. */
export interface PartitionStatus {
  job: string;
  partition: string;
  bounds: PartitionBounds;
  /** Set while the orchestrator holds the partition: `waiting` (queued) or `running`. */
  pending: 'waiting' | 'running' | undefined;
  version: number;
  lastSuccess: BatchRun | undefined;
  /** Why it needs building, or undefined when it is up to date. */
  stale: string | undefined;
  /** Why its inputs are not ready, or undefined when they are. */
  unready: string | undefined;
  upstream: PartitionRef[];
}

export interface Orchestrator {
  readonly jobs: readonly JobInfo[];
  /** Recovers runs a crash interrupted, catches up on missed fires, then follows the schedules. */
  start(): Promise<void>;
  /** Stops timers, aborts running attempts (they are queued again for the next start) and waits for them. */
  stop(): Promise<void>;
  /** Queues what fell due since the last evaluation, then waits until nothing more can run now. */
  tick(): Promise<DueReport>;
  /** Queues partitions whose schedule fired after the job's latest recorded run (within the catch-up horizon). */
  catchUp(): Promise<DueReport>;
  /** Runs one partition now, even when it is up to date; resolves with the finished run. */
  runPartition(job: string, partition: string, options?: RunPartitionOptions): Promise<BatchRun>;
  /** Runs every partition from `from` to `to` (both included) in dependency order. */
  backfill(job: string, from: string, to: string, onProgress?: (progress: BackfillProgress) => void, options?: BackfillOptions): Promise<BackfillReport>;
  /** Marks a partition dirty (late data) and re-runs it and, where their inputs change, its dependents. */
  reopen(job: string, partition: string): Promise<void>;
  /** Resolves when no evaluation is in progress, nothing runs and nothing queued can start now. */
  idle(): Promise<void>;
  /** The canonical id of `text` as a partition of `job`; a user error names the problem. */
  parsePartition(job: string, text: string): string;
  status(job: string, partition: string): Promise<PartitionStatus>;
  listRuns(options?: BatchRunListOptions): Promise<BatchRun[]>;
  getRun(id: number): Promise<BatchRun | undefined>;
  listAlerts(options?: { job?: string; limit?: number; beforeId?: number }): Promise<BatchAlert[]>;
  /** The next time the job's schedule fires after `afterMs` (default now), or undefined. */
  nextFire(job: string, afterMs?: number): number | undefined;
}

/** Internal: a request to run a partition, as the scheduler, backfill, re-open and callers make it. */
export interface RunRequest {
  trigger: BatchRunTrigger;
  /** Run even when up to date. */
  force: boolean;
  waitForInputs: boolean;
}
