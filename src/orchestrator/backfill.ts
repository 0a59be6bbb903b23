// Backfill: every partition of a range, in dependency order. Up-to-date partitions are reported as
// skipped at once (unless forced); stale upstream partitions the range needs are queued first, so
// a month's backfill builds its missing days and hours. Progress is reported once per partition of
// the range, as each finishes.
import { limits, type Clock } from '../core/index.js';
import type { BatchRun, Store } from '../store/index.js';
import type { Engine } from './engine.js';
import type { JobGraph, JobNode } from './job-graph.js';
import { partitionRange } from './partitions.js';
import { readInputs, refKey, staleReason } from './staleness.js';
import type { BackfillOptions, BackfillProgress, BackfillReport, PartitionRef } from './types.js';

export interface BackfillDeps {
  store: Store;
  clock: Clock;
  graph: JobGraph;
  engine: Engine;
}

/**
 * Queues the stale upstream partitions `partitions` need, transitively, each at most once. All are
 * found first and queued upstream-first: a partition that does not wait for its inputs must find
 * the upstream partitions it needs already queued, or it would finish at once as not ready.
 */
async function queueStaleUpstream(deps: BackfillDeps, node: JobNode, partitions: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  const stale: { node: JobNode; partition: string }[] = [];
  const frontier: PartitionRef[] = partitions.flatMap((partition) => deps.graph.upstreamOf(node, partition));
  while (frontier.length > 0 && stale.length < limits.orchestratorPendingMax) {
    const ref = frontier.shift()!;
    const key = refKey(ref.job, ref.partition);
    if (seen.has(key) || deps.engine.pending(ref)) continue;
    seen.add(key);
    const upstream = deps.graph.get(ref.job)!;
    if (staleReason(await readInputs(deps.store, deps.graph, upstream, ref.partition)) === undefined) continue;
    stale.push({ node: upstream, partition: ref.partition });
    frontier.push(...deps.graph.upstreamOf(upstream, ref.partition));
  }
  stale.sort((a, b) => a.node.order - b.node.order || a.node.kind.bounds(a.partition).startMs - b.node.kind.bounds(b.partition).startMs);
  for (const entry of stale) {
    await deps.engine.request(entry.node, entry.partition, { trigger: 'backfill', force: false, waitForInputs: false });
  }
}

function summarize(job: string, runs: BatchRun[], elapsedMs: number): BackfillReport {
  const count = (status: BatchRun['status']) => runs.filter((run) => run.status === status).length;
  return { job, total: runs.length, succeeded: count('succeeded'), failed: count('failed'), timedOut: count('timed_out'), skipped: count('skipped'), runs, elapsedMs };
}

export async function backfill(
  deps: BackfillDeps,
  node: JobNode,
  range: { from: string; to: string },
  onProgress: ((progress: BackfillProgress) => void) | undefined,
  options: BackfillOptions,
): Promise<BackfillReport> {
  const { clock, store } = deps;
  const partitions = partitionRange(node.kind, range.from, range.to, limits.orchestratorBackfillPartitionsMax);
  const startedMs = clock.monotonicMs();
  const runs = new Array<BatchRun>(partitions.length);
  let done = 0;
  const report = (index: number, run: BatchRun) => {
    runs[index] = run;
    done += 1;
    onProgress?.({ done, total: partitions.length, job: node.name, partition: run.partition, run, elapsedMs: clock.monotonicMs() - startedMs });
  };
  if (options.includeUpstream ?? true) await queueStaleUpstream(deps, node, partitions);
  const finished: Promise<void>[] = [];
  for (const [index, partition] of partitions.entries()) {
    if (!options.force && !deps.engine.pending({ job: node.name, partition })) {
      const inputs = await readInputs(store, deps.graph, node, partition);
      if (staleReason(inputs) === undefined) {
        const message = `up to date: run ${inputs.own.lastSuccess!.id} read the current inputs`;
        report(index, await store.batchRuns.create({ job: node.name, partition, trigger: 'backfill', queuedAtMs: clock.nowMs(), status: 'skipped', message }));
        continue;
      }
    }
    finished.push(
      new Promise<BatchRun>((resolve, reject) => {
        deps.engine.request(node, partition, { trigger: 'backfill', force: options.force ?? false, waitForInputs: false }, [{ resolve, reject }]).catch(reject);
      }).then((run) => report(index, run)),
    );
  }
  await Promise.all(finished);
  return summarize(node.name, runs, clock.monotonicMs() - startedMs);
}
