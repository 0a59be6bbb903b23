// The run engine: holds queued partitions and, whenever something changes (a request, a finished
// run, a retry or poll timer), makes one pass over them (pump.ts), one pass at a time. It also
// tells when it is idle, and stops: running attempts are aborted and their runs left queued.
import { limits, type TimerHandle } from '../core/index.js';
import type { BatchRun } from '../store/index.js';
import type { EngineContext } from './engine-context.js';
import { OrchestratorError } from './errors.js';
import type { JobNode } from './job-graph.js';
import { pumpOnce } from './pump.js';
import { refKey } from './staleness.js';
import type { PartitionRef, RunRequest } from './types.js';
import { createWorkQueue, mergeRequests, type Waiter, type WorkItem } from './work-queue.js';

export interface Engine {
  request(node: JobNode, partition: string, request: RunRequest, waiters?: Waiter[]): Promise<void>;
  /** Takes up a run left queued by an earlier process. */
  adopt(node: JobNode, run: BatchRun): void;
  kick(): void;
  /** Marks every waiting item for a new look (inputs may have become ready), then kicks. */
  pollWaiting(): void;
  /** Resolves when nothing runs and nothing queued can start now. */
  idle(): Promise<void>;
  pending(ref: PartitionRef): WorkItem | undefined;
  stop(): Promise<void>;
}

export type EngineDeps = Omit<EngineContext, 'queue' | 'running' | 'stopSignal' | 'kick' | 'complete' | 'abandon' | 'wakeLater' | 'request'>;

export function createEngine(deps: EngineDeps): Engine {
  const { store, clock, logger, graph, options } = deps;
  const queue = createWorkQueue(graph);
  const running = new Set<WorkItem>();
  const stopController = new AbortController();
  let pumping = false;
  let pumpAgain = false;
  let creating = 0;
  let pollTimer: TimerHandle | undefined;
  let idleWaiters: (() => void)[] = [];

  const isIdle = () => !pumping && !pumpAgain && running.size === 0 && creating === 0;
  const checkIdle = () => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const context: EngineContext = {
    ...deps,
    queue,
    running,
    stopSignal: stopController.signal,
    kick,
    complete(item, run) {
      queue.remove(item);
      queue.recheckDownstream(item.node);
      for (const waiter of item.waiters) waiter.resolve(run);
      const followUp = item.followUp;
      if (followUp && !stopController.signal.aborted) {
        void request(item.node, item.partition, followUp.request, followUp.waiters).catch((error: unknown) => {
          for (const waiter of followUp.waiters) waiter.reject(error);
        });
      } else {
        for (const waiter of followUp?.waiters ?? []) waiter.reject(new OrchestratorError('stopped', 'the orchestrator stopped', { job: item.node.name }));
      }
      kick();
    },
    abandon(item, error) {
      queue.remove(item);
      for (const waiter of [...item.waiters, ...(item.followUp?.waiters ?? [])]) waiter.reject(error);
    },
    wakeLater(item, delayMs) {
      item.timer?.cancel();
      item.timer = clock.setTimer(delayMs, () => {
        item.timer = undefined;
        item.recheck = true;
        kick();
      });
    },
    request,
  };

  function kick(): void {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    pumpAgain = false;
    void pumpOnce(context)
      .catch((error: unknown) => logger.error({ err: error }, 'the orchestrator pump failed'))
      .finally(() => {
        pumping = false;
        // A kick that came while this pass ran (even after its last look) gets a pass of its own.
        if (pumpAgain && !stopController.signal.aborted) return kick();
        pumpAgain = false;
        armPoll();
        checkIdle();
      });
  }

  /** While some item waits for its inputs, looks again every poll interval. */
  function armPoll(): void {
    if (pollTimer || stopController.signal.aborted) return;
    const waiting = queue.ordered().some((item) => item.state === 'waiting' && item.runId !== 0 && item.timer === undefined);
    if (!waiting) return;
    pollTimer = clock.setTimer(options.pollIntervalMs, () => {
      pollTimer = undefined;
      pollWaiting();
    });
  }

  function pollWaiting(): void {
    for (const item of queue.ordered()) if (item.state === 'waiting') item.recheck = true;
    kick();
  }

  function newItem(node: JobNode, partition: string, runRequest: RunRequest, waiters: Waiter[]): WorkItem {
    return {
      key: refKey(node.name, partition),
      node,
      partition,
      startMs: node.kind.bounds(partition).startMs,
      runId: 0,
      request: runRequest,
      queuedAtMs: clock.nowMs(),
      attempts: 0,
      notBeforeMs: 0,
      state: 'waiting',
      recheck: false,
      waitingFor: undefined,
      waiters: [...waiters],
      followUp: undefined,
      timer: undefined,
    };
  }

  async function request(node: JobNode, partition: string, runRequest: RunRequest, waiters: Waiter[] = []): Promise<void> {
    const existing = queue.get(refKey(node.name, partition));
    if (existing?.state === 'running') {
      const followUp = existing.followUp;
      existing.followUp = { request: followUp ? mergeRequests(followUp.request, runRequest) : runRequest, waiters: [...(followUp?.waiters ?? []), ...waiters] };
      return;
    }
    if (existing) {
      existing.request = mergeRequests(existing.request, runRequest);
      existing.waiters.push(...waiters);
      existing.recheck = existing.runId !== 0;
      kick();
      return;
    }
    if (stopController.signal.aborted) throw new OrchestratorError('stopped', 'the orchestrator is stopping', { job: node.name, partition });
    if (queue.size >= limits.orchestratorPendingMax) {
      throw new OrchestratorError('queue_full', `${queue.size} partitions are queued already, the most the orchestrator holds; try again later`, { job: node.name, partition });
    }
    // Queued at once (with no run row yet), so that a second request for it merges instead of racing.
    const item = newItem(node, partition, runRequest, waiters);
    queue.add(item);
    creating++;
    try {
      const run = await store.batchRuns.create({ job: node.name, partition, trigger: runRequest.trigger, queuedAtMs: item.queuedAtMs });
      item.runId = run.id;
      item.recheck = true;
      logger.debug({ job: node.name, partition, runId: run.id, trigger: runRequest.trigger }, 'partition queued');
    } catch (error) {
      context.abandon(item, error);
      throw error;
    } finally {
      creating--;
    }
    kick();
  }

  return {
    request,
    adopt(node, run) {
      const item = newItem(node, run.partition, { trigger: run.trigger, force: run.trigger === 'manual', waitForInputs: true }, []);
      Object.assign(item, { runId: run.id, queuedAtMs: run.queuedAtMs, attempts: run.attempts, notBeforeMs: run.nextAttemptAtMs ?? 0, recheck: true });
      queue.add(item);
      if (item.notBeforeMs > clock.nowMs()) context.wakeLater(item, item.notBeforeMs - clock.nowMs());
    },
    kick,
    pollWaiting,
    idle() {
      return isIdle() ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    pending: (ref) => queue.get(refKey(ref.job, ref.partition)),
    async stop() {
      stopController.abort();
      pollTimer?.cancel();
      pollTimer = undefined;
      await new Promise<void>((resolve) => (isIdle() ? resolve() : idleWaiters.push(resolve)));
      const stopped = new OrchestratorError('stopped', 'the orchestrator stopped; the run stays queued for the next start');
      for (const item of queue.ordered()) context.abandon(item, stopped);
      await Promise.allSettled([...context.alerts.inFlight]);
    },
  };
}
