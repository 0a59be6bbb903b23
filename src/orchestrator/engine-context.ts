// What the pieces of the run engine share: dependencies, the work queue, the running set, and the
// engine's own operations, so that the pump, the executor and the request path can call each
// other without a module cycle.
import type { Clock, Logger } from '../core/index.js';
import type { BatchRun, Store } from '../store/index.js';
import type { AlertDeps } from './alerts.js';
import type { JobGraph, JobNode } from './job-graph.js';
import type { OrchestratorOptions } from './options.js';
import type { RunRequest } from './types.js';
import type { Waiter, WorkItem, WorkQueue } from './work-queue.js';

export interface EngineContext {
  store: Store;
  clock: Clock;
  logger: Logger;
  graph: JobGraph;
  options: OrchestratorOptions;
  alerts: AlertDeps;
  queue: WorkQueue;
  running: Set<WorkItem>;
  /** Aborted by stop(): running attempts see it through their signal. */
  stopSignal: AbortSignal;
  /** Looks at queued items again and starts what can start (coalesced; never blocks). */
  kick(): void;
  /** Removes a finished item, hands its run to waiters, and queues a follow-up request if any. */
  complete(item: WorkItem, run: BatchRun): void;
  /** Drops an item whose run could not be recorded; its row is recovered at the next start. */
  abandon(item: WorkItem, error: unknown): void;
  /** Wakes `item` for another look after `delayMs`. */
  wakeLater(item: WorkItem, delayMs: number): void;
  /** Queues a partition, or merges into the item already queued for it. */
  request(node: JobNode, partition: string, request: RunRequest, waiters?: Waiter[]): Promise<void>;
}
