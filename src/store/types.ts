// The Store contract: the serving store for accounts, users, links, API keys, plans and the
// dead-letter table (and, as later layers land, stream checkpoints, views, batch runs and invoices).
// Backends: SQLite (embedded default, src/store/sqlite) and PostgreSQL (scale-out). One
// conformance suite (src/store/conformance.ts) runs against every backend.
//
// Every method is async so that both backends fit; every list is bounded (`limit`, at most
// `limits.storeListMax`) and paged by an opaque cursor. Reads that a tenant makes go through
// account-scoped methods that take the account id, so a key of one account can never reach
// another account's rows.
import type { BatchViewRepository } from './batch-view-types.js';
import type { DigestRepository, InvoiceRepository } from './billing-types.js';

export type {
  BatchViewRepository,
  BatchLinkSlice,
  BatchBreakdownRow,
  BatchBreakdownDimension,
  BatchHourView,
  BatchHourPublication,
  ClassCounts,
} from './batch-view-types.js';
export type {
  DigestRepository,
  DigestSend,
  DigestLedgerEntry,
  DigestIntent,
  InvoiceRepository,
  InvoiceSummary,
  InvoiceRecord,
  InvoiceAdjustment,
  InvoiceAdjustmentInput,
  InvoiceClicks,
} from './billing-types.js';

import type { ErrorDomain } from '../core/index.js';

export type Scope = 'write' | 'read' | 'manage';
export const scopes: readonly Scope[] = ['write', 'read', 'manage'];

/** A price tier: clicks up to `upToClicks` (cumulative within the month; null = no upper bound). */
export interface PlanTier {
  upToClicks: number | null;
  /** Price per 1,000 billable clicks in this tier, in minor units of the plan's currency. */
  pricePerThousandMinor: number;
}

export interface Plan {
  id: string;
  name: string;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
  /** Fixed monthly fee in minor units. */
  monthlyFeeMinor: number;
  /** Ascending by `upToClicks`; the last tier has `upToClicks: null`. */
  tiers: PlanTier[];
}

export interface Account {
  id: string;
  name: string;
  planId: string;
  createdAtMs: number;
  disabled: boolean;
}

export interface User {
  id: string;
  accountId: string;
  email: string;
  name: string;
  /** IANA time zone, e.g. `Europe/Berlin`: the user's "today" and "yesterday" are in it. */
  timeZone: string;
  createdAtMs: number;
  disabled: boolean;
}

export interface Link {
  id: string;
  /** Unique across all accounts; the path of the short link. */
  slug: string;
  targetUrl: string;
  userId: string;
  accountId: string;
  createdAtMs: number;
  /** Changes on every update; redirect caches poll for rows changed since their last look. */
  updatedAtMs: number;
  disabled: boolean;
}

export interface ApiKey {
  id: string;
  accountId: string;
  scope: Scope;
  label: string;
  createdAtMs: number;
  revokedAtMs: number | null;
}

export interface DeadLetter {
  id: number;
  receivedAtMs: number;
  accountId: string | null;
  /** Where the line came from, e.g. `ingest`. */
  source: string;
  /** 1-based line number within its request. */
  line: number;
  reason: string;
  /** The rejected input, cut to `limits.deadLetterPayloadBytesMax`. */
  payload: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; absent on the last page. */
  next?: string;
}

export interface ListOptions {
  limit?: number;
  after?: string;
}

export interface AccountInput {
  name: string;
  planId: string;
}
export interface UserInput {
  accountId: string;
  email: string;
  name?: string;
  timeZone: string;
}
export interface LinkInput {
  slug: string;
  targetUrl: string;
  userId: string;
}

export interface AccountRepository {
  create(input: AccountInput): Promise<Account>;
  get(id: string): Promise<Account | undefined>;
  list(options?: ListOptions): Promise<Page<Account>>;
  update(id: string, patch: Partial<AccountInput> & { disabled?: boolean }): Promise<Account>;
}

export interface UserRepository {
  create(input: UserInput): Promise<User>;
  /** The user when it belongs to `accountId`, else undefined. */
  get(accountId: string, id: string): Promise<User | undefined>;
  list(accountId: string, options?: ListOptions): Promise<Page<User>>;
  update(accountId: string, id: string, patch: Partial<Omit<UserInput, 'accountId'>> & { disabled?: boolean }): Promise<User>;
}

export interface LinkRepository {
  /** The link's account is its user's account. */
  create(accountId: string, input: LinkInput): Promise<Link>;
  get(accountId: string, id: string): Promise<Link | undefined>;
  /** For the redirect path, across accounts; disabled links are returned too (the caller decides). */
  getBySlug(slug: string): Promise<Link | undefined>;
  list(accountId: string, options?: ListOptions & { userId?: string }): Promise<Page<Link>>;
  update(accountId: string, id: string, patch: Partial<Omit<LinkInput, 'userId'>> & { disabled?: boolean }): Promise<Link>;
  /**
   * Links updated at or after `sinceMs`, ordered by (updatedAtMs, id), for cache refresh; at most
   * `limit` (1..limits.storeListMax). More than `limit` links can share one timestamp, so to page
   * on, pass the last link's `updatedAtMs` and `id`: with `afterId`, links at exactly `sinceMs`
   * are returned only when their id sorts after it.
   */
  changedSince(sinceMs: number, limit: number, afterId?: string): Promise<Link[]>;
}

export interface CreatedApiKey {
  key: ApiKey;
  /** The secret, shown once; only its hash is stored. */
  secret: string;
}

export interface ApiKeyRepository {
  create(accountId: string, scope: Scope, label: string): Promise<CreatedApiKey>;
  /**
   * The key a secret belongs to, when it exists, is not revoked and its account is not disabled.
   * A malformed secret gives undefined; it never throws for bad input.
   */
  verify(secret: string): Promise<ApiKey | undefined>;
  /**
   * The account's keys, unrevoked first, then newest first; at most `limits.storeListMax`
   * (unrevoked keys are bounded by `limits.apiKeysActivePerAccountMax`, so all of them fit).
   */
  list(accountId: string): Promise<ApiKey[]>;
  revoke(accountId: string, id: string): Promise<ApiKey>;
}

export interface PlanRepository {
  list(): Promise<Plan[]>;
  get(id: string): Promise<Plan | undefined>;
  /** Creates or replaces a plan. */
  put(plan: Plan): Promise<Plan>;
}

export interface DeadLetterRepository {
  /** Stores rejected lines; beyond `limits.deadLettersMax` rows the oldest are removed. */
  add(entries: Omit<DeadLetter, 'id'>[]): Promise<void>;
  /** Newest first; `accountId` restricts to one account. */
  list(options: { accountId?: string; limit?: number; beforeId?: number }): Promise<DeadLetter[]>;
  /**
   * Removes entries received before the instant `receivedBeforeMs` (epoch ms, not an age: pass
   * `clock.nowMs() - retentionMs`); returns how many.
   */
  prune(receivedBeforeMs: number): Promise<number>;
  count(accountId?: string): Promise<number>;
}

// Stream checkpoints, views and the late ledger (written by src/stream, read by src/serve).
// A stream job commits everything one checkpoint produced in ONE transaction: state changes,
// view rows, late events and each partition's next offset and watermark. Replaying the log from
// the stored offsets then neither loses nor double counts (docs/stream.md).

/** Where a stream job stands in one log partition, as of its last committed checkpoint. */
export interface StreamPartitionPosition {
  partition: number;
  /** The log offset to read next. */
  nextOffset: number;
  /** The partition's watermark (epoch ms): event times before it are complete. */
  watermarkMs: number;
  checkpointId: number;
  committedAtMs: number;
}

/** One entry of a stream operator's named state, its value encoded by the state's codec. */
export interface StreamStateRow {
  /** Qualified name, `<operator>.<state>`. */
  state: string;
  partition: number;
  /** A second key level: a window's start, a timer's time; 0 for plain keyed state. */
  namespace: number;
  key: string;
  value: Uint8Array;
  /** The job watermark when the entry was last updated; time-to-live counts from it. */
  touchedMs: number;
}

/** Removes one state entry, or with `key: null` every entry of a namespace (a closed window). */
export interface StreamStateDeletion {
  state: string;
  partition: number;
  namespace: number;
  key: string | null;
}

/** A full-value upsert (never an increment) of one view row, or its removal (`value: null`). */
export interface StreamViewChange {
  view: string;
  partition: number;
  key: string;
  value: Uint8Array | null;
}

/** An event the stream could not count (too late, undecodable), for the late ledger. */
export interface StreamLateEventInput {
  operator: string;
  partition: number;
  offset: number;
  eventTimeMs: number;
  /** The job watermark the event was judged against. */
  watermarkMs: number;
  reason: string;
  /** The key the event would have updated, or ''. */
  key: string;
  recordedAtMs: number;
}

/** The position one checkpoint moves a partition to, with the position it expects to replace. */
export interface StreamPositionUpdate {
  partition: number;
  nextOffset: number;
  watermarkMs: number;
  /**
   * The next offset this worker restored or last committed for the partition (null: none was
   * stored). A different stored value means another worker moved the partition: the commit is
   * refused as a conflict and nothing of it is written (fencing).
   */
  expectedNextOffset: number | null;
}

/** Everything one checkpoint of one job commits, in one transaction. */
export interface StreamCheckpoint {
  /** Increases by one per commit of the job. */
  checkpointId: number;
  positions: StreamPositionUpdate[];
  /** Applied before the upserts, so a key removed and set again in one interval ends up set. */
  stateDeletions: StreamStateDeletion[];
  stateUpserts: StreamStateRow[];
  views: StreamViewChange[];
  lateEvents: StreamLateEventInput[];
  /** Events added to the late ledger's counts since the last checkpoint, by partition and reason. */
  lateCounts: { partition: number; reason: string; count: number }[];
}

export interface StreamCommitReport {
  checkpointId: number;
  /** Rows written or removed. */
  rows: number;
  /** Bytes of keys and values written. */
  bytes: number;
  committedAtMs: number;
}

/** What a job restores from when it starts on some partitions. */
export interface RestoredStreamCheckpoint {
  /** The job's last checkpoint id (0 when it never committed). */
  checkpointId: number;
  /** One entry per requested partition the job has committed before. */
  positions: StreamPartitionPosition[];
  /** Every state entry of the requested partitions. */
  state: StreamStateRow[];
  /**
   * The job's rows of the views asked for (`load`'s `views`), in the requested partitions: a
   * state stored as its view (`storedInView`) is restored from them. Absent when none were asked.
   */
  views?: StreamViewRow[];
}

/** A view row a job wrote, as read back at a restore. */
export interface StreamViewRow {
  view: string;
  partition: number;
  key: string;
  value: Uint8Array;
}

export interface StreamCheckpointRepository {
  /**
   * The stored positions and state of `partitions` of `job`, and its rows of `views` in them (read
   * in the same transaction as the rest).
   */
  load(job: string, partitions: readonly number[], views?: readonly string[]): Promise<RestoredStreamCheckpoint>;
  /**
   * Commits a checkpoint atomically: all of it or nothing. Rejects with a `conflict` StoreError
   * when a partition's stored offset is not the one the checkpoint expects.
   */
  commit(job: string, checkpoint: StreamCheckpoint): Promise<StreamCommitReport>;
  /** The job's committed positions, ordered by partition (completeness and lag monitoring). */
  positions(job: string): Promise<StreamPartitionPosition[]>;
  /**
   * True when `commit` runs off the caller's thread (a commit thread): a job whose commits may
   * overlap its processing then keeps processing while one runs. Absent: commits block the caller.
   */
  readonly commitsInBackground?: boolean;
}

/** One partition's part of a view row: the serving layer merges a key's rows across partitions. */
export interface ViewRow {
  view: string;
  key: string;
  partition: number;
  /** The job that wrote it. */
  job: string;
  value: Uint8Array;
  updatedAtMs: number;
}

export interface ViewRepository {
  /** Every partition's row of `key`, ordered by partition; empty when there is none. */
  get(view: string, key: string): Promise<ViewRow[]>;
  /** Rows ordered by (key, partition), optionally only keys starting with `prefix`; paged. */
  list(view: string, options?: ListOptions & { prefix?: string }): Promise<Page<ViewRow>>;
}

/** One late-ledger entry as stored. */
export interface LateEvent extends StreamLateEventInput {
  id: number;
  job: string;
}

export interface LateCount {
  job: string;
  reason: string;
  /** Every event ever ledgered with this reason, summed over partitions (rows may be trimmed; counts never are). */
  count: number;
}

export interface LateEventRepository {
  /** Newest first; at most `limit` (default limits.storeListDefault). */
  list(options?: { job?: string; reason?: string; limit?: number; beforeId?: number }): Promise<LateEvent[]>;
  /** Counts by job and reason, ordered by job then reason. */
  counts(job?: string): Promise<LateCount[]>;
}

// Batch run history (written by src/orchestrator, read by the CLI, the dashboard and src/serve).
// A run is one partition of one job being built: queued, then attempted (running), then finished.
// Its lineage (the upstream partitions and hashes it read, the hash it wrote) is what staleness is
// decided on: a partition is stale when an upstream's latest output hash differs from the one its
// last success read, or when it was re-opened since (docs/orchestrator.md).

export type BatchRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped';
export const batchRunStatuses: readonly BatchRunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped'];
/** The statuses a run ends in; a finished run never changes again. */
export const batchRunFinalStatuses: readonly BatchRunStatus[] = ['succeeded', 'failed', 'timed_out', 'skipped'];

/**
 * Why a run was made: its schedule fired, catch-up found a missed fire, a person asked (`manual`),
 * a backfill, a re-open of it or an upstream partition, an upstream output changed (`upstream`),
 * or it was interrupted by a crash and is made again (`recovery`).
 */
export type BatchRunTrigger = 'schedule' | 'catch_up' | 'manual' | 'backfill' | 'reopen' | 'upstream' | 'recovery';
export const batchRunTriggers: readonly BatchRunTrigger[] = ['schedule', 'catch_up', 'manual', 'backfill', 'reopen', 'upstream', 'recovery'];

/** One upstream partition a run read: the run that built it and the hash of what it wrote. */
export interface BatchRunUpstream {
  job: string;
  partition: string;
  runId: number;
  outputHash: string;
}

/** One thing a run wrote: where (a path or URL), and optionally how much. */
export interface BatchRunOutput {
  location: string;
  rows?: number;
  bytes?: number;
}

export interface BatchRun {
  id: number;
  job: string;
  /** The partition id, e.g. `2026-11-25T08` (UTC hour), `2026-11-25` (day), `2026-11` (month). */
  partition: string;
  status: BatchRunStatus;
  trigger: BatchRunTrigger;
  /** Attempts started so far (0 while first queued). */
  attempts: number;
  queuedAtMs: number;
  /** When the first attempt started. */
  startedAtMs: number | null;
  finishedAtMs: number | null;
  /** finishedAtMs - startedAtMs, when both are known. */
  durationMs: number | null;
  /** When a queued run waits for a retry: the earliest time of its next attempt. */
  nextAttemptAtMs: number | null;
  /** The partition's re-open version the latest attempt saw; a later re-open makes the result stale. */
  partitionVersion: number;
  /** Lineage: the upstream partitions read, with the output hash of each. */
  upstream: BatchRunUpstream[];
  /** Lineage: hashes of external inputs (e.g. lake files) by a name the job chose. */
  inputHashes: Record<string, string>;
  /** Content hash of the output (set on success). */
  outputHash: string | null;
  /** On success: whether the hash differs from the partition's previous success (true for the first). */
  outputChanged: boolean | null;
  outputs: BatchRunOutput[];
  /** Why the run was skipped, or the error message of its latest failed attempt. */
  message: string | null;
  errorDomain: ErrorDomain | null;
  /** The error's machine-readable code, e.g. `timed_out`. */
  errorCode: string | null;
  /** The error's causes, and for internal errors the stack. */
  errorDetail: string | null;
}

export interface BatchRunError {
  message: string;
  domain: ErrorDomain;
  code: string;
  detail?: string;
}

export interface BatchRunCreate {
  job: string;
  partition: string;
  trigger: BatchRunTrigger;
  queuedAtMs: number;
  /** Default `queued`; `skipped` records a run that finished at once, with `message` saying why. */
  status?: 'queued' | 'skipped';
  message?: string;
}

export interface BatchRunStart {
  /** 1 for the first attempt, then one more per retry. */
  attempt: number;
  startedAtMs: number;
  partitionVersion: number;
}

export interface BatchRunRetry {
  nextAttemptAtMs: number;
  error: BatchRunError;
}

export interface BatchRunFinish {
  status: 'succeeded' | 'failed' | 'timed_out' | 'skipped';
  finishedAtMs: number;
  message?: string;
  error?: BatchRunError;
  /** Required on success. */
  outputHash?: string;
  outputChanged?: boolean;
  upstream?: BatchRunUpstream[];
  inputHashes?: Record<string, string>;
  outputs?: BatchRunOutput[];
}

/** Where one partition stands: its re-open version and its latest successful run. */
export interface BatchPartitionState {
  partition: string;
  /** 0 until the partition is first re-opened; each re-open adds one. */
  version: number;
  lastSuccess: BatchRun | undefined;
}

/** A partition re-opened after its latest success (e.g. late data reached a sealed hour). */
export interface DirtyBatchPartition {
  job: string;
  partition: string;
  version: number;
  reopenedAtMs: number;
}

export interface BatchRunListOptions {
  job?: string;
  status?: BatchRunStatus;
  partition?: string;
  limit?: number;
  /** Only runs with a smaller id (the next page of a newest-first list). */
  beforeId?: number;
}

export interface BatchRunRepository {
  create(input: BatchRunCreate): Promise<BatchRun>;
  /** queued → running (a first attempt or a retry). A run in another status is a `conflict`. */
  start(id: number, start: BatchRunStart): Promise<BatchRun>;
  /** running → queued, waiting for a retry at `nextAttemptAtMs`, with the failed attempt's error. */
  retryLater(id: number, retry: BatchRunRetry): Promise<BatchRun>;
  /** queued or running → a final status. A finished run is a `conflict`; a success needs an output hash. */
  finish(id: number, finish: BatchRunFinish): Promise<BatchRun>;
  get(id: number): Promise<BatchRun | undefined>;
  /** Newest first, filtered by any of job, status and partition. */
  list(options?: BatchRunListOptions): Promise<BatchRun[]>;
  /** The newest run of `job` in any status (catch-up looks for fires after it). */
  latest(job: string): Promise<BatchRun | undefined>;
  /** The state of each of `partitions` of `job` (at most limits.orchestratorUpstreamPartitionsMax), in the order asked. */
  partitionStates(job: string, partitions: readonly string[]): Promise<BatchPartitionState[]>;
  /** Adds one to the partition's version (marks it dirty) and returns the new version. */
  reopen(job: string, partition: string, atMs: number): Promise<number>;
  /**
   * Partitions re-opened at or after `sinceMs` that have a success older than the re-open (their
   * version is above the one their latest success saw), oldest re-open first; at most `limit`.
   */
  dirtyPartitions(options: { sinceMs: number; limit?: number }): Promise<DirtyBatchPartition[]>;
  /**
   * Removes finished runs that finished before the instant `finishedBeforeMs`, except each
   * partition's latest success (staleness and lineage need it); returns how many.
   */
  prune(finishedBeforeMs: number): Promise<number>;
}

/** A failure worth a person's attention, for the dashboard feed. */
export interface BatchAlert {
  id: number;
  atMs: number;
  job: string;
  partition: string;
  /** The run that failed, when there is one. */
  runId: number | null;
  /** `run_failed`, `run_timed_out`, `inputs_not_ready`. */
  kind: string;
  message: string;
}

export interface BatchAlertRepository {
  /** Stores an alert; beyond `limits.batchAlertsMax` rows the oldest are removed. */
  add(alert: Omit<BatchAlert, 'id'>): Promise<BatchAlert>;
  /** Newest first; `job` restricts to one job. */
  list(options?: { job?: string; limit?: number; beforeId?: number }): Promise<BatchAlert[]>;
}

// Lake seals (written by the lake sealer, src/batch; read by the orchestrator and batch jobs).
// An hour of raw clicks is sealed once every log partition's committed archiver watermark is past
// its end plus the allowed lateness: its files are then complete. A late file committed later
// re-opens it: the seal's version goes up and the file is recorded with that version
// (docs/lake.md).

export type LakeFileKind = 'part' | 'late';
export const lakeFileKinds: readonly LakeFileKind[] = ['part', 'late'];

/** One committed raw lake file, as the archiver's manifest describes it. */
export interface LakeFileInput {
  /** Relative to the lake folder: `raw/date=2026-01-01/hour=05/part-p3-o0-99.parquet`. */
  path: string;
  /** The UTC hour of its clicks' event times, epoch ms. */
  hourStartMs: number;
  kind: LakeFileKind;
  /** The log partition its clicks came from, and the offsets of its first and last row. */
  partition: number;
  firstOffset: number;
  lastOffset: number;
  rows: number;
  bytes: number;
  /** SHA-256 of the file's bytes, lower-case hex. */
  sha256: string;
  minEventTimeMs: number;
  maxEventTimeMs: number;
}

export interface LakeFile extends LakeFileInput {
  /** The seal version that first included it; 0 while its hour is not sealed. */
  version: number;
  recordedAtMs: number;
}

export interface LakeSeal {
  hourStartMs: number;
  /** 1 when first sealed; one more each time late files re-open it. */
  version: number;
  /** When the hour was first sealed. */
  sealedAtMs: number;
  /** When this version was made (the seal, or the latest re-open). */
  changedAtMs: number;
  /** The global archiver watermark this version was made at. */
  watermarkMs: number;
  files: number;
  rows: number;
  bytes: number;
  /** SHA-256 of `path sha256` lines of the hour's files in path order: names this version's input. */
  manifestSha256: string;
  /** Increases with every seal and re-open over all hours; poll `changedSince` with the last seen. */
  changeSequence: number;
}

/** How far the sealer has read one partition's manifest: the last entry's sequence number. */
export interface LakeManifestCursor {
  partition: number;
  sequence: number;
}

export interface LakeSealerState {
  /** Every hour before it is sealed (null until the first seal). */
  frontierMs: number | null;
  cursors: LakeManifestCursor[];
}

export interface LakeSealRepository {
  /**
   * Records committed files (a path recorded before is skipped) and moves `cursor` forward (never
   * back), in one transaction. A new file of a sealed hour re-opens it: its version goes up by one
   * (once per call and hour), made at `watermarkMs`; such seals are returned in `reopened`.
   */
  addFiles(files: readonly LakeFileInput[], cursor: LakeManifestCursor | null, watermarkMs: number): Promise<{ added: number; reopened: LakeSeal[] }>;
  /**
   * Seals an hour (version 1) with the files recorded for it and moves the frontier forward to
   * `frontierMs` (never back). An hour already sealed is returned unchanged, with `created: false`.
   */
  seal(input: { hourStartMs: number; watermarkMs: number; frontierMs: number }): Promise<{ seal: LakeSeal; created: boolean }>;
  get(hourStartMs: number): Promise<LakeSeal | undefined>;
  /** An hour's files in path order, paged. */
  listFiles(hourStartMs: number, options?: ListOptions): Promise<Page<LakeFile>>;
  /** Seals made or re-opened after `afterSequence`, in change order; at most `limit`. */
  changedSince(afterSequence: number, limit?: number): Promise<LakeSeal[]>;
  /** Hours before `beforeMs` with files recorded and no seal, ascending; at most `limit`. */
  unsealedHours(beforeMs: number, limit?: number): Promise<number[]>;
  /** The earliest hour any file was recorded for. */
  firstHour(): Promise<number | undefined>;
  state(): Promise<LakeSealerState>;
}

export interface MigrationReport {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
  current: number;
}

export interface Store {
  /** `sqlite` or `postgres`. */
  readonly kind: string;
  readonly accounts: AccountRepository;
  readonly users: UserRepository;
  readonly links: LinkRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly plans: PlanRepository;
  readonly deadLetters: DeadLetterRepository;
  readonly streamCheckpoints: StreamCheckpointRepository;
  readonly views: ViewRepository;
  readonly lateEvents: LateEventRepository;
  readonly batchRuns: BatchRunRepository;
  readonly batchAlerts: BatchAlertRepository;
  readonly lakeSeals: LakeSealRepository;
  readonly batchViews: BatchViewRepository;
  readonly digests: DigestRepository;
  readonly invoices: InvoiceRepository;
  /** Brings the schema up to date; safe to run any number of times, also concurrently. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}
