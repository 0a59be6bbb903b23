// The partitions the orchestrator holds: queued (waiting for inputs, a slot or a retry) or
// running. One item per partition, kept in dependency order: jobs in topological order, then
// partitions by start time, so that scanning it front to back runs upstream work first.
import { assert, type TimerHandle } from '../core/index.js';
import type { BatchRun } from '../store/index.js';
import type { JobGraph, JobNode } from './job-graph.js';
import { refKey } from './staleness.js';
import type { PartitionRef, RunRequest } from './types.js';

export interface Waiter {
  resolve(run: BatchRun): void;
  reject(error: unknown): void;
}

export interface WorkItem {
  key: string;
  node: JobNode;
  partition: string;
  startMs: number;
  /** The run row; 0 while it is being created. */
  runId: number;
  request: RunRequest;
  queuedAtMs: number;
  /** Attempts started so far. */
  attempts: number;
  /** A retry waits until then. */
  notBeforeMs: number;
  state: 'waiting' | 'running';
  /** Set when something it waits on may have changed; the pump looks only at such items. */
  recheck: boolean;
  /** Why it is waiting, for status and logs. */
  waitingFor: string | undefined;
  waiters: Waiter[];
  /** Asked for again while running: queued anew when this run ends. */
  followUp: { request: RunRequest; waiters: Waiter[] } | undefined;
  /** The timer that wakes it for a retry or a readiness poll. */
  timer: TimerHandle | undefined;
}

export interface WorkQueue {
  readonly size: number;
  get(key: string): WorkItem | undefined;
  has(ref: PartitionRef): boolean;
  add(item: WorkItem): void;
  remove(item: WorkItem): void;
  /** A snapshot in dependency order. */
  ordered(): WorkItem[];
  /** Marks the waiting items of the jobs downstream of `node` for a new look. */
  recheckDownstream(node: JobNode): void;
}

/** Merges two requests for one partition: forced if either is, waits for inputs if either does. */
export function mergeRequests(a: RunRequest, b: RunRequest): RunRequest {
  return { trigger: a.trigger, force: a.force || b.force, waitForInputs: a.waitForInputs || b.waitForInputs };
}

function before(a: WorkItem, b: WorkItem): boolean {
  return a.startMs < b.startMs || (a.startMs === b.startMs && a.partition < b.partition);
}

export function createWorkQueue(graph: JobGraph): WorkQueue {
  const byKey = new Map<string, WorkItem>();
  // One array per job, in topological order, each sorted by partition start.
  const byJob = new Map<string, WorkItem[]>(graph.nodes.map((node) => [node.name, []]));
  const listOf = (node: JobNode): WorkItem[] => byJob.get(node.name)!;
  return {
    get size() {
      return byKey.size;
    },
    get: (key) => byKey.get(key),
    has: (ref) => byKey.has(refKey(ref.job, ref.partition)),
    add(item) {
      assert(!byKey.has(item.key), () => `work item ${item.key} queued twice`);
      byKey.set(item.key, item);
      const list = listOf(item.node);
      let low = 0;
      let high = list.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (before(list[middle]!, item)) low = middle + 1;
        else high = middle;
      }
      list.splice(low, 0, item);
    },
    remove(item) {
      if (byKey.get(item.key) !== item) return;
      byKey.delete(item.key);
      const list = listOf(item.node);
      list.splice(list.indexOf(item), 1);
      item.timer?.cancel();
      item.timer = undefined;
    },
    ordered: () => graph.nodes.flatMap((node) => listOf(node)),
    recheckDownstream(node) {
      for (const { node: dependent } of node.downstream) {
        for (const item of listOf(dependent)) if (item.state === 'waiting') item.recheck = true;
      }
    },
  };
}
