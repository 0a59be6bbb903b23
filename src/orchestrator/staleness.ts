// Readiness and staleness, decided from run history alone. A partition is stale when it never
// succeeded, when it was re-opened since its last success, or when an upstream partition's latest
// output hash differs from the one its last success read. Its inputs are ready when every
// upstream partition has a success that no re-open has overtaken.
import type { BatchPartitionState, BatchRunUpstream, Store } from '../store/index.js';
import type { JobGraph, JobNode } from './job-graph.js';
import type { PartitionRef, UpstreamOutput } from './types.js';

/** A map key for one partition of one job (names and ids never contain spaces). */
export function refKey(job: string, partition: string): string {
  return `${job} ${partition}`;
}

export function describeRef(ref: PartitionRef): string {
  return `${ref.job} ${ref.partition}`;
}

export interface PartitionInputs {
  own: BatchPartitionState;
  refs: PartitionRef[];
  /** By refKey, one per ref. */
  upstream: Map<string, BatchPartitionState>;
}

/** The partition's own state and that of each upstream partition, one store query per upstream job. */
export async function readInputs(store: Store, graph: JobGraph, node: JobNode, partition: string): Promise<PartitionInputs> {
  const refs = graph.upstreamOf(node, partition);
  const byJob = new Map<string, string[]>();
  for (const ref of refs) byJob.set(ref.job, [...(byJob.get(ref.job) ?? []), ref.partition]);
  const upstream = new Map<string, BatchPartitionState>();
  for (const [job, partitions] of byJob) {
    for (const state of await store.batchRuns.partitionStates(job, partitions)) upstream.set(refKey(job, state.partition), state);
  }
  const [own] = await store.batchRuns.partitionStates(node.name, [partition]);
  return { own: own!, refs, upstream };
}

/** Why the partition needs building, or undefined when its last success is still current. */
export function staleReason(inputs: PartitionInputs): string | undefined {
  const success = inputs.own.lastSuccess;
  if (!success) return 'never succeeded';
  if (inputs.own.version > success.partitionVersion) return `re-opened (version ${inputs.own.version}) since run ${success.id}`;
  const read = new Map(success.upstream.map((entry) => [refKey(entry.job, entry.partition), entry]));
  for (const ref of inputs.refs) {
    const current = inputs.upstream.get(refKey(ref.job, ref.partition))?.lastSuccess;
    if (!current) continue; // not built yet: a readiness question, not a staleness one
    const recorded = read.get(refKey(ref.job, ref.partition));
    if (!recorded) return `reads ${describeRef(ref)}, which run ${success.id} did not read`;
    if (recorded.outputHash !== current.outputHash) return `input ${describeRef(ref)} changed (run ${recorded.runId} → run ${current.id})`;
  }
  return undefined;
}

/** Why the upstream inputs are not ready, or undefined when every one has a current success. */
export function unreadyReason(inputs: PartitionInputs): string | undefined {
  for (const ref of inputs.refs) {
    const state = inputs.upstream.get(refKey(ref.job, ref.partition));
    if (!state?.lastSuccess) return `${describeRef(ref)} has not succeeded`;
    if (state.version > state.lastSuccess.partitionVersion) return `${describeRef(ref)} was re-opened and is not rebuilt yet`;
  }
  return undefined;
}

/** Lineage of a run: the upstream partitions it reads, with the run and hash of each. */
export function upstreamLineage(inputs: PartitionInputs): BatchRunUpstream[] {
  return inputs.refs.map((ref) => {
    const success = inputs.upstream.get(refKey(ref.job, ref.partition))!.lastSuccess!;
    return { job: ref.job, partition: ref.partition, runId: success.id, outputHash: success.outputHash! };
  });
}

/** What a job's run gets about its upstream partitions. */
export function upstreamOutputs(inputs: PartitionInputs): UpstreamOutput[] {
  return inputs.refs.map((ref) => {
    const success = inputs.upstream.get(refKey(ref.job, ref.partition))!.lastSuccess!;
    return { job: ref.job, partition: ref.partition, runId: success.id, outputHash: success.outputHash!, outputs: success.outputs };
  });
}

/** What the job's own ready check says: undefined when ready (or when it has none), else why not. */
export async function readyCheckReason(node: JobNode, partition: string): Promise<string | undefined> {
  const ready = node.definition.ready;
  if (!ready) return undefined;
  try {
    const answer = await ready(partition);
    if (answer === true || (typeof answer === 'object' && answer.ready)) return undefined;
    return (typeof answer === 'object' && answer.reason) || `the inputs of ${node.name} ${partition} are not sealed yet`;
  } catch (error) {
    return `the ready check failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
