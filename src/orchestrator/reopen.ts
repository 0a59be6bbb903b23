// Re-opening a partition (late data reached a sealed hour): its version goes up, so its last
// success no longer counts, and it is queued again. Every partition downstream of it that was built
// is queued too, waiting behind it: once its inputs have settled, each either re-runs (an input hash
// changed) or finishes as skipped (every input hashed the same as before).
import { limits } from '../core/index.js';
import type { Engine } from './engine.js';
import type { JobGraph, JobNode } from './job-graph.js';
import { refKey } from './staleness.js';
import type { PartitionRef } from './types.js';
import type { Store } from '../store/index.js';

export interface ReopenDeps {
  store: Store;
  graph: JobGraph;
  engine: Engine;
}

/** The built partitions downstream of `start`, transitively, in the order found (at most `max`). */
async function builtDependents(deps: ReopenDeps, start: PartitionRef, max: number): Promise<PartitionRef[]> {
  const found: PartitionRef[] = [];
  const seen = new Set<string>([refKey(start.job, start.partition)]);
  const frontier: PartitionRef[] = [start];
  while (frontier.length > 0 && found.length < max) {
    const ref = frontier.shift()!;
    const byJob = new Map<string, string[]>();
    for (const dependent of deps.graph.dependentsOf(deps.graph.get(ref.job)!, ref.partition)) {
      if (seen.has(refKey(dependent.job, dependent.partition))) continue;
      seen.add(refKey(dependent.job, dependent.partition));
      byJob.set(dependent.job, [...(byJob.get(dependent.job) ?? []), dependent.partition]);
    }
    for (const [job, partitions] of byJob) {
      for (const state of await deps.store.batchRuns.partitionStates(job, partitions)) {
        if (!state.lastSuccess) continue; // never built: nothing to rebuild
        const dependent = { job, partition: state.partition };
        found.push(dependent);
        frontier.push(dependent);
      }
    }
  }
  return found.slice(0, max);
}

/** Queues a re-opened partition and the built partitions downstream of it. */
export async function queueReopened(deps: ReopenDeps, node: JobNode, partition: string): Promise<PartitionRef[]> {
  await deps.engine.request(node, partition, { trigger: 'reopen', force: false, waitForInputs: true });
  const dependents = await builtDependents(deps, { job: node.name, partition }, limits.orchestratorUpstreamPartitionsMax);
  for (const dependent of dependents) {
    await deps.engine.request(deps.graph.get(dependent.job)!, dependent.partition, { trigger: 'reopen', force: false, waitForInputs: true });
  }
  return [{ job: node.name, partition }, ...dependents];
}
