// Job declarations, checked once and resolved into a DAG: each job's defaults filled in, its
// schedule parsed, its upstream dependencies linked both ways, and the jobs in topological order
// (declaration order among independent jobs). A bad declaration is an OptionsError naming the field.
import { InternalError, limits, OptionsError } from '../core/index.js';
import { OrchestratorError } from './errors.js';
import type { OrchestratorOptions } from './options.js';
import { checkPartitionKind, latestEndedPartition, partitionsCovering } from './partitions.js';
import { createSchedule, type Schedule } from './schedule.js';
import type { JobDefinition, JobInfo, JobRetryPolicy, PartitionKind, PartitionRef, UpstreamDependency } from './types.js';

export interface ResolvedDependency {
  /** The upstream job. */
  node: JobNode;
  /** The upstream partitions a partition of the dependent job reads (canonical ids). */
  partitions(partition: string): string[];
  /** The partitions of the dependent job that read an upstream partition. */
  dependents(upstreamPartition: string): string[];
}

export interface JobNode {
  name: string;
  definition: JobDefinition;
  kind: PartitionKind;
  /** Position in topological order: upstream jobs come first. */
  order: number;
  schedule: Schedule | undefined;
  scheduledPartition(firedAtMs: number): string;
  upstream: ResolvedDependency[];
  downstream: { node: JobNode; dependency: ResolvedDependency }[];
  retry: JobRetryPolicy;
  timeoutMs: number;
  readyWaitMs: number;
  info: JobInfo;
}

export interface JobGraph {
  /** In topological order. */
  nodes: readonly JobNode[];
  get(name: string): JobNode | undefined;
  /** The job named `name`; an `unknown_job` user error listing the known jobs otherwise. */
  require(name: string): JobNode;
  upstreamOf(node: JobNode, partition: string): PartitionRef[];
  dependentsOf(node: JobNode, partition: string): PartitionRef[];
}

const namePattern = /^[a-z][a-z0-9-]{0,63}$/;

function fail(field: string, problem: string): never {
  throw new OptionsError('orchestrator', field, problem);
}

function checkInteger(value: number | undefined, field: string, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) fail(field, `must be a whole number from ${min} to ${max} (got ${value})`);
}

function checkDefinition(definition: JobDefinition, index: number, nowMs: number): void {
  const field = `jobs[${index}]`;
  if (typeof definition.name !== 'string' || !namePattern.test(definition.name) || definition.name.length > limits.batchJobNameBytesMax) {
    fail(`${field}.name`, `must be lower case letters, digits and "-", starting with a letter, at most ${limits.batchJobNameBytesMax} characters (got ${JSON.stringify(definition.name)})`);
  }
  if (typeof definition.run !== 'function') fail(`${field}.run`, 'must be a function');
  const kind = definition.partitions as PartitionKind | undefined;
  if (!kind || typeof kind.parse !== 'function' || typeof kind.bounds !== 'function') fail(`${field}.partitions`, 'must be a partition kind such as hourPartitions');
  try {
    checkPartitionKind(kind, nowMs);
  } catch (error) {
    fail(`${field}.partitions`, error instanceof Error ? error.message : String(error));
  }
  checkInteger(definition.timeoutMs, `${field}.timeoutMs`, 1, limits.orchestratorAttemptTimeoutMsMax);
  checkInteger(definition.readyWaitMs, `${field}.readyWaitMs`, 0, limits.orchestratorCatchUpHorizonMsMax);
  checkInteger(definition.retry?.retries, `${field}.retry.retries`, 0, limits.orchestratorRetriesMax);
  checkInteger(definition.retry?.initialDelayMs, `${field}.retry.initialDelayMs`, 0, 24 * 60 * 60 * 1000);
  checkInteger(definition.retry?.maxDelayMs, `${field}.retry.maxDelayMs`, 0, 24 * 60 * 60 * 1000);
}

/** Orders jobs so that every job comes after its upstream jobs; a cycle is named in the error. */
function topologicalOrder(definitions: readonly JobDefinition[]): JobDefinition[] {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const ordered: JobDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (definition: JobDefinition, path: string[]): void => {
    if (state.get(definition.name) === 'done') return;
    if (state.get(definition.name) === 'visiting') fail('jobs', `the dependencies form a cycle: ${[...path, definition.name].join(' → ')}`);
    state.set(definition.name, 'visiting');
    for (const dependency of definition.upstream ?? []) visit(byName.get(dependency.job)!, [...path, definition.name]);
    state.set(definition.name, 'done');
    ordered.push(definition);
  };
  for (const definition of definitions) visit(definition, []);
  return ordered;
}

/** Checks a job-supplied list of partition ids: each canonical for its kind, and not too many. */
function canonicalIds(ids: readonly string[], kind: PartitionKind, what: string): string[] {
  if (ids.length > limits.orchestratorUpstreamPartitionsMax) {
    throw new InternalError(`${what} gave ${ids.length} partitions; at most ${limits.orchestratorUpstreamPartitionsMax}`);
  }
  for (const id of ids) {
    let canonical: string | undefined;
    try {
      canonical = kind.parse(id);
    } catch {
      canonical = undefined;
    }
    if (canonical !== id) throw new InternalError(`${what} gave ${JSON.stringify(id)}, not a ${kind.name} partition id (${kind.shape})`);
  }
  return [...ids];
}

function resolveDependency(node: JobNode, upstream: JobNode, declared: UpstreamDependency): ResolvedDependency {
  const partitions = declared.partitions
    ? (partition: string) => canonicalIds(declared.partitions!(partition), upstream.kind, `job ${node.name}: upstream ${upstream.name} partitions(${partition})`)
    : (partition: string) => partitionsCovering(upstream.kind, node.kind.bounds(partition));
  const dependents = declared.dependents
    ? (upstreamPartition: string) => canonicalIds(declared.dependents!(upstreamPartition), node.kind, `job ${node.name}: upstream ${upstream.name} dependents(${upstreamPartition})`)
    : (upstreamPartition: string) =>
        partitionsCovering(node.kind, upstream.kind.bounds(upstreamPartition)).filter((candidate) => partitions(candidate).includes(upstreamPartition));
  return { node: upstream, partitions, dependents };
}

function createNode(definition: JobDefinition, order: number, options: OrchestratorOptions, field: string): JobNode {
  const kind = definition.partitions;
  const timeZone = definition.schedule?.timeZone ?? 'UTC';
  const schedule = definition.schedule ? createSchedule(definition.schedule.cron, timeZone, `${field}.schedule`) : undefined;
  const custom = definition.schedule?.partition;
  const retry: JobRetryPolicy = {
    retries: definition.retry?.retries ?? options.retries,
    initialDelayMs: definition.retry?.initialDelayMs ?? options.retryDelayMs,
    maxDelayMs: definition.retry?.maxDelayMs ?? options.retryDelayMsMax,
    retryOn: definition.retry?.retryOn,
  };
  const timeoutMs = definition.timeoutMs ?? options.attemptTimeoutMs;
  return {
    name: definition.name,
    definition,
    kind,
    order,
    schedule,
    scheduledPartition: (firedAtMs) => (custom ? canonicalIds([custom(firedAtMs)], kind, `job ${definition.name}: schedule.partition`)[0]! : latestEndedPartition(kind, firedAtMs)),
    upstream: [],
    downstream: [],
    retry,
    timeoutMs,
    readyWaitMs: definition.readyWaitMs ?? options.readyWaitMs,
    info: {
      name: definition.name,
      description: definition.description ?? '',
      partitionKind: kind.name,
      partitionShape: kind.shape,
      schedule: schedule ? { cron: schedule.cron, timeZone } : undefined,
      upstreamJobs: (definition.upstream ?? []).map((dependency) => dependency.job),
      timeoutMs,
      retry: { retries: retry.retries, initialDelayMs: retry.initialDelayMs, maxDelayMs: retry.maxDelayMs },
    },
  };
}

function checkDependencies(definitions: readonly JobDefinition[]): void {
  const names = new Set<string>();
  definitions.forEach((definition, index) => {
    if (names.has(definition.name)) fail(`jobs[${index}].name`, `${definition.name} is declared twice`);
    names.add(definition.name);
  });
  definitions.forEach((definition, index) => {
    const seen = new Set<string>();
    (definition.upstream ?? []).forEach((dependency, position) => {
      const field = `jobs[${index}].upstream[${position}].job`;
      if (!names.has(dependency.job)) fail(field, `no job named ${JSON.stringify(dependency.job)}; declared: ${[...names].join(', ')}`);
      if (dependency.job === definition.name) fail(field, 'a job cannot depend on itself');
      if (seen.has(dependency.job)) fail(field, `${dependency.job} is listed twice`);
      seen.add(dependency.job);
    });
  });
}

export function createJobGraph(definitions: readonly JobDefinition[], options: OrchestratorOptions, nowMs: number): JobGraph {
  if (definitions.length > limits.orchestratorJobsMax) fail('jobs', `at most ${limits.orchestratorJobsMax} jobs (got ${definitions.length})`);
  definitions.forEach((definition, index) => checkDefinition(definition, index, nowMs));
  checkDependencies(definitions);
  const nodes = topologicalOrder(definitions).map((definition, order) =>
    createNode(definition, order, options, `jobs[${definitions.indexOf(definition)}]`),
  );
  const byName = new Map(nodes.map((node) => [node.name, node]));
  for (const node of nodes) {
    for (const declared of node.definition.upstream ?? []) {
      const upstream = byName.get(declared.job)!;
      const dependency = resolveDependency(node, upstream, declared);
      node.upstream.push(dependency);
      upstream.downstream.push({ node, dependency });
    }
  }
  return {
    nodes,
    get: (name) => byName.get(name),
    require(name) {
      const node = byName.get(name);
      if (!node) throw new OrchestratorError('unknown_job', `unknown job ${JSON.stringify(name)}; the jobs are: ${nodes.map((each) => each.name).join(', ') || '(none declared)'}`, { job: name });
      return node;
    },
    upstreamOf: (node, partition) =>
      node.upstream.flatMap((dependency) => dependency.partitions(partition).map((id) => ({ job: dependency.node.name, partition: id }))),
    dependentsOf: (node, partition) =>
      node.downstream.flatMap(({ node: dependent, dependency }) => dependency.dependents(partition).map((id) => ({ job: dependent.name, partition: id }))),
  };
}
