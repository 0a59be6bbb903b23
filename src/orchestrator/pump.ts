// One pass of the engine over its queued partitions, in dependency order: each one marked for a
// new look is started when its inputs are ready, finished as skipped when it is up to date (and
// not forced), or left waiting (looked at again on each poll and when an upstream partition
// finishes). One whose inputs are not ready and whose request does not wait is skipped at once;
// one that waited past its ready wait fails with an alert.
import type { BatchRun, BatchRunError } from '../store/index.js';
import { raiseAlert } from './alerts.js';
import type { EngineContext } from './engine-context.js';
import { startItem } from './execute.js';
import { describeRef, readInputs, readyCheckReason, staleReason, unreadyReason } from './staleness.js';
import type { WorkItem } from './work-queue.js';

async function finishQueued(context: EngineContext, item: WorkItem, status: 'skipped' | 'failed', message: string, error?: BatchRunError): Promise<BatchRun> {
  const run = await context.store.batchRuns.finish(item.runId, { status, finishedAtMs: context.clock.nowMs(), message, error });
  context.complete(item, run);
  return run;
}

async function notReady(context: EngineContext, item: WorkItem, reason: string): Promise<void> {
  item.waitingFor = reason;
  if (!item.request.waitForInputs) {
    await finishQueued(context, item, 'skipped', `inputs not ready: ${reason}`);
    return;
  }
  const waitedMs = context.clock.nowMs() - item.queuedAtMs;
  if (waitedMs < item.node.readyWaitMs) return;
  const message = `${item.node.name} ${item.partition}: inputs not ready after ${Math.round(waitedMs / 60_000)} min: ${reason}`;
  const run = await finishQueued(context, item, 'failed', message, { message, domain: 'external', code: 'inputs_not_ready' });
  await raiseAlert(context.alerts, { atMs: context.clock.nowMs(), job: item.node.name, partition: item.partition, runId: run.id, kind: 'inputs_not_ready', message });
}

/** Decides what to do with one queued item: start it, finish it, or leave it waiting. */
async function consider(context: EngineContext, item: WorkItem): Promise<void> {
  const busyUpstream = context.graph.upstreamOf(item.node, item.partition).find((ref) => context.queue.has(ref));
  if (busyUpstream) {
    item.waitingFor = `waiting for ${describeRef(busyUpstream)}`;
    return;
  }
  const inputs = await readInputs(context.store, context.graph, item.node, item.partition);
  if (!item.request.force) {
    const stale = staleReason(inputs);
    if (stale === undefined) {
      await finishQueued(context, item, 'skipped', `up to date: run ${inputs.own.lastSuccess!.id} read the current inputs`);
      return;
    }
  }
  const unready = unreadyReason(inputs) ?? (await readyCheckReason(item.node, item.partition));
  if (unready !== undefined) return notReady(context, item, unready);
  if (context.stopSignal.aborted || context.running.size >= context.options.concurrency) {
    item.recheck = true;
    return;
  }
  startItem(context, item, inputs);
}

/** Looks at every item marked for a new look, until the concurrency is used up. */
export async function pumpOnce(context: EngineContext): Promise<void> {
  for (const item of context.queue.ordered()) {
    if (context.stopSignal.aborted || context.running.size >= context.options.concurrency) return;
    if (item.state !== 'waiting' || !item.recheck || item.runId === 0 || item.notBeforeMs > context.clock.nowMs()) continue;
    item.recheck = false;
    try {
      await consider(context, item);
    } catch (error) {
      context.logger.error({ err: error, job: item.node.name, partition: item.partition }, 'could not look at a queued partition; trying again after the poll interval');
      context.wakeLater(item, context.options.pollIntervalMs);
    }
  }
}
