// The worker runner: restores a job on its partitions from the last checkpoint, reads the log
// (one long-poll per partition), feeds the engine, and every `checkpointIntervalMs` (or sooner,
// at `checkpointRowsMax` pending rows) commits state, view rows, late events and offsets in one
// store transaction. Killed at any instant, it restarts from that commit: what it processed after
// the commit is read and processed again, and nothing before it is applied twice.
import { isRetryable, namespaced, retry, type Clock, type Logger } from '../core/index.js';
import type { EventLog } from '../log/index.js';
import { isStoreError, type StreamCheckpointRepository } from '../store/index.js';
import { StreamError } from './errors.js';
import { createJobEngine, type JobEngine } from './job-engine.js';
import { checkPartitions, parseStreamWorkerOptions, type StreamWorkerOptions, type StreamWorkerOptionsInput } from './options.js';
import { createPartitionReader, type PartitionReader, type ReadResult } from './partition-reader.js';
import type { CommittedUpdate, JobDefinition, LiveMessage, StreamMetrics } from './types.js';

export interface StreamWorkerDeps {
  log: EventLog;
  /** Usually `store.streamCheckpoints`. */
  checkpoints: StreamCheckpointRepository;
  clock: Clock;
  logger: Logger;
  job: JobDefinition;
  /** After each commit: the view rows it made durable (pushed to the serving process). */
  onCommit?(update: CommittedUpdate): void;
  /** After each batch: live messages (at least once; a replay may repeat them). */
  onLive?(messages: readonly LiveMessage[]): void;
}

export type RunStreamWorkerOptions = StreamWorkerOptionsInput & { partitions: readonly number[] };

export interface StreamWorker {
  readonly job: string;
  readonly partitions: readonly number[];
  /** Resolves once the checkpoint is restored and reading has begun. */
  readonly started: Promise<void>;
  /** Resolves after a stop's last checkpoint; rejects with the error that ended the worker. */
  readonly done: Promise<void>;
  /** Finishes the batch in hand, commits a last checkpoint, closes the operators. */
  stop(): Promise<void>;
  /** Undefined until started. */
  metrics(): StreamMetrics | undefined;
}

/** Store retries: a busy database is retried with backoff; anything else ends the worker. */
const storeRetryPolicy = { retries: 8, initialDelayMs: 20, maxDelayMs: 1_000 };
const readRetryPolicy = { retriesMax: 8, initialDelayMs: 20, maxDelayMs: 2_000 };

interface RunState {
  deps: StreamWorkerDeps;
  options: StreamWorkerOptions;
  engine: JobEngine;
  reader: PartitionReader;
  logger: Logger;
  stopping: boolean;
  lastCheckpointMs: number;
  readFailures: Map<number, number>;
  /** The commit running beside processing (jobs with `commitsOverlap`), settled into `commitFailure` on error. */
  inFlight: Promise<void> | undefined;
  commitFailure: unknown;
  lastSlowWarningMs: number;
}

async function commitCheckpoint(state: RunState): Promise<void> {
  const { engine, deps, options } = state;
  const { clock } = deps;
  const beganMs = clock.monotonicMs();
  state.lastCheckpointMs = beganMs;
  if (!engine.hasChanges()) return;
  const checkpoint = engine.barrier();
  const commitBeganMs = clock.monotonicMs();
  const report = await retry(() => deps.checkpoints.commit(engine.job, checkpoint), clock, storeRetryPolicy).catch((error: unknown) => {
    const conflict = isStoreError(error, 'conflict');
    throw new StreamError(conflict ? 'commit_conflict' : 'commit_failed', `checkpoint ${checkpoint.checkpointId} was not committed: ${error instanceof Error ? error.message : String(error)}`, {
      job: engine.job,
      cause: error,
    });
  });
  const endMs = clock.monotonicMs();
  engine.committed(checkpoint, report, { durationMs: endMs - beganMs, commitMs: endMs - commitBeganMs });
  // Overlapped, checkpoints begin every interval (a commit does not push the next one back).
  if (!overlaps(state)) state.lastCheckpointMs = endMs;
  // Overlapped, a commit longer than the interval is how checkpoints space out under load: said
  // once a minute at most.
  if (endMs - beganMs > options.checkpointIntervalMs && endMs - state.lastSlowWarningMs >= 60_000) {
    state.lastSlowWarningMs = endMs;
    state.logger.warn({ checkpointId: checkpoint.checkpointId, durationMs: endMs - beganMs, rows: report.rows }, 'a checkpoint took longer than the checkpoint interval');
  }
  const positions = checkpoint.positions.map(({ partition, nextOffset, watermarkMs }) => ({ partition, nextOffset, watermarkMs }));
  deps.onCommit?.({ job: engine.job, checkpointId: checkpoint.checkpointId, committedAtMs: report.committedAtMs, views: checkpoint.views, positions });
}

/** A retryable read failure is retried with backoff; any other ends the worker. */
function handleReadFailure(state: RunState, result: Extract<ReadResult, { kind: 'error' }>): void {
  const { partition, offset } = result;
  const failures = (state.readFailures.get(partition) ?? 0) + 1;
  if (!isRetryable(result.error) || failures > readRetryPolicy.retriesMax) {
    throw new StreamError('read_failed', `reading the log failed: ${result.error instanceof Error ? result.error.message : String(result.error)}`, {
      job: state.engine.job,
      partition,
      offset,
      cause: result.error,
    });
  }
  state.readFailures.set(partition, failures);
  const delayMs = Math.min(readRetryPolicy.maxDelayMs, readRetryPolicy.initialDelayMs * 2 ** failures);
  state.logger.warn({ partition, offset, failures, delayMs, err: result.error }, 'a log read failed; retrying');
  state.deps.clock.setTimer(delayMs, () => state.reader.request(partition, offset));
}

function handleRead(state: RunState, result: ReadResult): void {
  if (result.kind === 'error') {
    handleReadFailure(state, result);
    return;
  }
  const { engine } = state;
  const { partition, batch } = result;
  state.readFailures.delete(partition);
  if (batch.records.length > 0 || batch.nextOffset !== engine.nextOffset(partition)) engine.processRecords(partition, batch.records, batch.nextOffset);
  if (batch.records.length === 0) engine.observeEmpty(partition);
  state.reader.request(partition, engine.nextOffset(partition));
}

function checkpointDue(state: RunState): boolean {
  const sinceMs = state.deps.clock.monotonicMs() - state.lastCheckpointMs;
  return sinceMs >= state.options.checkpointIntervalMs || state.engine.pendingRows() >= state.options.checkpointRowsMax;
}

/** How long to wait for a read: never past the next checkpoint or processing-time timer. */
function waitBudgetMs(state: RunState): number {
  const { clock } = state.deps;
  let budgetMs = state.options.checkpointIntervalMs - (clock.monotonicMs() - state.lastCheckpointMs);
  // A checkpoint due while the last commit is in flight waits for that commit, which wakes the reader.
  if (budgetMs <= 0 && state.inFlight !== undefined) budgetMs = state.options.readWaitMs;
  const timerMs = state.engine.nextProcessingTimerMs();
  if (timerMs !== undefined) budgetMs = Math.min(budgetMs, timerMs - clock.nowMs());
  return Math.max(0, Math.min(budgetMs, state.options.readWaitMs));
}

/** Whether commits run beside processing: the job allows it and the repository commits off this thread. */
function overlaps(state: RunState): boolean {
  return state.engine.commitsOverlap && state.deps.checkpoints.commitsInBackground === true;
}

/** Waits for the commit running beside processing, if any; throws what it failed with. */
async function settleInFlight(state: RunState): Promise<void> {
  if (state.inFlight !== undefined) await state.inFlight;
  if (state.commitFailure !== undefined) throw state.commitFailure;
}

/**
 * Takes a checkpoint. For a job whose commits overlap processing, the commit is left running
 * (off this thread when the repository commits on its own thread) and reading goes on. The next
 * barrier is taken once that commit is done, so commits stay in order and each expects the offsets
 * the last one stored; until then batches go on being processed rather than wait for it.
 */
async function checkpoint(state: RunState): Promise<void> {
  if (!overlaps(state)) {
    await settleInFlight(state);
    await commitCheckpoint(state);
    return;
  }
  if (state.inFlight !== undefined) return;
  if (state.commitFailure !== undefined) throw state.commitFailure;
  state.inFlight = commitCheckpoint(state).then(
    () => {
      state.inFlight = undefined;
      // A checkpoint may have come due meanwhile: the loop looks again at once.
      state.reader.wake();
    },
    (error: unknown) => {
      state.inFlight = undefined;
      state.commitFailure = error;
      state.reader.wake();
    },
  );
}

async function runLoop(state: RunState): Promise<void> {
  const { engine, reader } = state;
  for (const partition of engine.partitions) reader.request(partition, engine.nextOffset(partition));
  while (!state.stopping) {
    // Nothing waiting to be processed: the operators may get ahead of the next barrier.
    if (!reader.ready()) engine.idle();
    const result = await reader.next(waitBudgetMs(state));
    if (state.commitFailure !== undefined) throw state.commitFailure;
    if (result !== undefined) handleRead(state, result);
    engine.tick();
    if (checkpointDue(state)) await checkpoint(state);
  }
  await settleInFlight(state);
  await commitCheckpoint(state);
  engine.end();
}

async function start(state: RunState): Promise<void> {
  const { deps, engine } = state;
  const views = engine.declare();
  const restored = await retry(() => deps.checkpoints.load(engine.job, engine.partitions, views), deps.clock, storeRetryPolicy);
  const startOffsets = await deps.log.startOffsets();
  engine.start(restored, startOffsets);
  state.lastCheckpointMs = deps.clock.monotonicMs();
  state.logger.info(
    { partitions: engine.partitions, checkpointId: restored.checkpointId, offsets: engine.partitions.map((partition) => engine.nextOffset(partition)), stateRows: restored.state.length },
    'stream job restored',
  );
}

/** Starts a worker running `deps.job` on `options.partitions`. */
export function runStreamWorker(deps: StreamWorkerDeps, input: RunStreamWorkerOptions): StreamWorker {
  const { partitions: requested, ...rest } = input;
  const options = parseStreamWorkerOptions(rest);
  const partitions = checkPartitions(requested, deps.log.partitions);
  const logger = namespaced(deps.logger, 'stream').child({ job: deps.job.name });
  const engine = createJobEngine(deps.job, { clock: deps.clock, logger, onLive: deps.onLive }, {
    partitions,
    batchCapacity: options.readRecordsMax,
    outOfOrdernessMs: options.outOfOrdernessMs,
    idleTimeoutMs: options.idleTimeoutMs,
    lateRowsPerCheckpointMax: options.lateRowsPerCheckpointMax,
    liveMessagesPerBatchMax: options.liveMessagesPerBatchMax,
  });
  const reader = createPartitionReader(deps.log, deps.clock, options);
  const state: RunState = { deps, options, engine, reader, logger, stopping: false, lastCheckpointMs: 0, readFailures: new Map(), inFlight: undefined, commitFailure: undefined, lastSlowWarningMs: Number.NEGATIVE_INFINITY };
  let isStarted = false;
  const started = start(state).then(() => {
    isStarted = true;
  });
  const done = started.then(() => runLoop(state));
  done.then(
    () => logger.info({ metrics: engine.metrics() }, 'stream job stopped'),
    (error: unknown) => logger.error({ err: error }, 'stream job failed'),
  );
  return {
    job: engine.job,
    partitions,
    started,
    done,
    stop() {
      state.stopping = true;
      reader.wake();
      return done;
    },
    metrics: () => (isStarted ? engine.metrics() : undefined),
  };
}
