// Running one queued partition: record the attempt, run it with its timeout, then record the
// success (with lineage, and whether the output changed) or the failure (retry later with backoff,
// or fail for good and alert). A success whose output changed queues the dependents that read it.
import { isRetryable } from '../core/index.js';
import { isStoreError } from '../store/index.js';
import { describeError, raiseAlert } from './alerts.js';
import { runAttempt } from './attempt.js';
import type { EngineContext } from './engine-context.js';
import { OrchestratorError } from './errors.js';
import type { JobNode } from './job-graph.js';
import { refKey, upstreamLineage, upstreamOutputs, type PartitionInputs } from './staleness.js';
import type { JobRunResult } from './types.js';
import type { WorkItem } from './work-queue.js';

/** Starts `item` now: it counts as running at once; the attempt goes on in the background. */
export function startItem(context: EngineContext, item: WorkItem, inputs: PartitionInputs): void {
  context.running.add(item);
  item.state = 'running';
  item.waitingFor = undefined;
  item.attempts += 1;
  void execute(context, item, inputs).finally(() => {
    context.running.delete(item);
    context.kick();
  });
}

async function execute(context: EngineContext, item: WorkItem, inputs: PartitionInputs): Promise<void> {
  const { store, clock } = context;
  const node = item.node;
  const logger = context.logger.child({ job: node.name, partition: item.partition, runId: item.runId, attempt: item.attempts });
  try {
    await store.batchRuns.start(item.runId, { attempt: item.attempts, startedAtMs: clock.nowMs(), partitionVersion: inputs.own.version });
    logger.info({ trigger: item.request.trigger }, 'attempt started');
    const outcome = await runAttempt({
      definition: node.definition,
      context: {
        job: node.name,
        partition: item.partition,
        bounds: node.kind.bounds(item.partition),
        runId: item.runId,
        attempt: item.attempts,
        clock,
        logger,
        upstream: upstreamOutputs(inputs),
      },
      timeoutMs: node.timeoutMs,
      abortGraceMs: context.options.abortGraceMs,
      stopSignal: context.stopSignal,
      clock,
      logger,
    });
    if (outcome.ok) await succeeded(context, item, inputs, outcome.result);
    else await failed(context, item, outcome.error);
  } catch (error) {
    logger.error({ err: error }, 'could not record a run; it is left for recovery at the next start');
    context.abandon(item, error);
  }
}

async function succeeded(context: EngineContext, item: WorkItem, inputs: PartitionInputs, result: JobRunResult): Promise<void> {
  const previous = inputs.own.lastSuccess;
  const changed = previous?.outputHash !== result.outputHash;
  let run;
  try {
    run = await context.store.batchRuns.finish(item.runId, {
      status: 'succeeded',
      finishedAtMs: context.clock.nowMs(),
      outputHash: result.outputHash,
      outputChanged: changed,
      upstream: upstreamLineage(inputs),
      inputHashes: result.inputHashes ?? {},
      outputs: result.outputs ?? [],
    });
  } catch (error) {
    if (!isStoreError(error, 'invalid')) throw error;
    const refused = new OrchestratorError('job_failed', `the job returned a result the run history refuses: ${error.message}`, { job: item.node.name, partition: item.partition, cause: error });
    return failed(context, item, refused);
  }
  context.logger.info({ job: item.node.name, partition: item.partition, runId: item.runId, outputHash: result.outputHash, changed }, 'run succeeded');
  context.complete(item, run);
  if (!changed) return;
  await queueChangedDependents(context, item.node, item.partition, result.outputHash).catch((error: unknown) => {
    // The run is recorded; its dependents are stale by their lineage and are found again by the
    // next re-open, schedule or backfill that looks at them.
    context.logger.warn({ err: error, job: item.node.name, partition: item.partition }, 'could not queue the dependents of a changed output');
  });
}

/** Queues each built dependent whose last success read another hash of this partition. */
async function queueChangedDependents(context: EngineContext, node: JobNode, partition: string, outputHash: string): Promise<void> {
  const byJob = new Map<string, string[]>();
  for (const ref of context.graph.dependentsOf(node, partition)) byJob.set(ref.job, [...(byJob.get(ref.job) ?? []), ref.partition]);
  const readKey = refKey(node.name, partition);
  for (const [job, partitions] of byJob) {
    const dependent = context.graph.get(job)!;
    for (const state of await context.store.batchRuns.partitionStates(job, partitions)) {
      const read = state.lastSuccess?.upstream.find((entry) => refKey(entry.job, entry.partition) === readKey);
      if (!state.lastSuccess || read?.outputHash === outputHash) continue;
      await context.request(dependent, state.partition, { trigger: 'upstream', force: false, waitForInputs: true });
    }
  }
}

function retryDelayMs(node: JobNode, attempts: number): number {
  return Math.min(node.retry.maxDelayMs, node.retry.initialDelayMs * 2 ** (attempts - 1));
}

async function failed(context: EngineContext, item: WorkItem, error: unknown): Promise<void> {
  const { store, clock } = context;
  const node = item.node;
  const described = describeError(error);
  const nowMs = clock.nowMs();
  if (context.stopSignal.aborted) {
    // Stopping: the run goes back to queued, and the next start takes it up again.
    await store.batchRuns.retryLater(item.runId, { nextAttemptAtMs: nowMs, error: described });
    context.abandon(item, new OrchestratorError('stopped', 'the orchestrator stopped before the run finished', { job: node.name, partition: item.partition, runId: item.runId }));
    return;
  }
  const retryable = isRetryable(error) && (node.retry.retryOn?.(error) ?? true);
  if (retryable && item.attempts <= node.retry.retries) {
    const delayMs = retryDelayMs(node, item.attempts);
    await store.batchRuns.retryLater(item.runId, { nextAttemptAtMs: nowMs + delayMs, error: described });
    context.logger.warn({ job: node.name, partition: item.partition, runId: item.runId, attempt: item.attempts, delayMs, err: error }, 'attempt failed; retrying after the backoff');
    item.state = 'waiting';
    item.notBeforeMs = nowMs + delayMs;
    item.waitingFor = `retry ${item.attempts + 1} at ${new Date(nowMs + delayMs).toISOString()}`;
    context.wakeLater(item, delayMs);
    return;
  }
  const timedOut = error instanceof OrchestratorError && error.code === 'timed_out';
  const status = timedOut ? 'timed_out' : 'failed';
  const run = await store.batchRuns.finish(item.runId, { status, finishedAtMs: nowMs, error: described });
  context.complete(item, run);
  const attempts = `${item.attempts} attempt${item.attempts === 1 ? '' : 's'}`;
  await raiseAlert(context.alerts, {
    atMs: nowMs,
    job: node.name,
    partition: item.partition,
    runId: item.runId,
    kind: timedOut ? 'run_timed_out' : 'run_failed',
    message: `${node.name} ${item.partition} ${timedOut ? 'timed out' : 'failed'} after ${attempts} (run ${item.runId}): ${described.message}`,
  });
}
