// createOrchestrator: jobs declared in code, run by partition on schedules, in dependency order,
// with retries, timeouts, alerts, run history in the store, re-opens, backfill and catch-up.
// docs/orchestrator.md describes the model; this file only wires the pieces together.
import { ClickflowError, limits, namespaced } from '../core/index.js';
import type { BatchRun } from '../store/index.js';
import { backfill } from './backfill.js';
import { createEngine, type Engine } from './engine.js';
import { OrchestratorError } from './errors.js';
import { createJobGraph, type JobGraph, type JobNode } from './job-graph.js';
import { parseOrchestratorOptions, type OrchestratorOptionsInput } from './options.js';
import { queueReopened } from './reopen.js';
import { createScheduler } from './scheduler.js';
import { readInputs, readyCheckReason, staleReason, unreadyReason } from './staleness.js';
import type { JobDefinition, Orchestrator, OrchestratorDeps, PartitionStatus } from './types.js';

export type CreateOrchestratorOptions = OrchestratorOptionsInput & { jobs: readonly JobDefinition[] };

function parsePartition(node: JobNode, text: string): string {
  try {
    return node.kind.parse(text);
  } catch (error) {
    const problem = error instanceof ClickflowError ? error.message : `${JSON.stringify(text)} is not a partition of this job: write ${node.kind.shape}`;
    throw new OrchestratorError('invalid_partition', `job ${node.name}: ${problem}`, { job: node.name, partition: text, cause: error });
  }
}

/** Runs of queued and interrupted work left by an earlier process: interrupted ones fail and are queued again. */
async function recover(deps: OrchestratorDeps, graph: JobGraph, engine: Engine): Promise<void> {
  const logger = deps.logger;
  for (const status of ['running', 'queued'] as const) {
    let beforeId: number | undefined;
    for (let seen = 0; seen < limits.orchestratorPendingMax; ) {
      const runs: BatchRun[] = await deps.store.batchRuns.list({ status, limit: limits.storeListMax, beforeId });
      if (runs.length === 0) break;
      seen += runs.length;
      beforeId = runs[runs.length - 1]!.id;
      for (const run of runs.reverse()) {
        const node = graph.get(run.job);
        if (!node) {
          logger.warn({ job: run.job, runId: run.id }, 'a recorded run names a job that is not declared; left as it is');
        } else if (status === 'queued') {
          const holder = engine.pending(run);
          if (holder === undefined) engine.adopt(node, run);
          else if (holder.runId !== run.id) {
            await deps.store.batchRuns.finish(run.id, { status: 'skipped', finishedAtMs: deps.clock.nowMs(), message: `superseded by run ${holder.runId}` });
          }
        } else {
          const message = 'the orchestrator stopped during this run (a crash or a kill); its output, if any, is not trusted';
          await deps.store.batchRuns.finish(run.id, { status: 'failed', finishedAtMs: deps.clock.nowMs(), error: { message, domain: 'external', code: 'interrupted' } });
          logger.warn({ job: run.job, partition: run.partition, runId: run.id }, 'interrupted run recorded as failed; queued again');
          await engine.request(node, run.partition, { trigger: 'recovery', force: false, waitForInputs: true });
        }
      }
    }
  }
}

export function createOrchestrator(deps: OrchestratorDeps, input: CreateOrchestratorOptions): Orchestrator {
  const { jobs, ...rest } = input;
  const options = parseOrchestratorOptions(rest);
  const graph = createJobGraph(jobs, options, deps.clock.nowMs());
  const logger = namespaced(deps.logger, 'orchestrator');
  const { store, clock } = deps;
  const alerts = { store, logger, sender: deps.alerts, inFlight: new Set<Promise<void>>() };
  const engine = createEngine({ store, clock, logger, graph, options, alerts });
  const scheduler = createScheduler({ store, clock, logger, graph, engine, options });
  let state: 'new' | 'started' | 'stopped' = 'new';

  const active = (what: string) => {
    if (state === 'stopped') throw new OrchestratorError('stopped', `cannot ${what}: the orchestrator was stopped`);
  };
  const locate = (job: string, partition: string) => {
    const node = graph.require(job);
    return { node, partition: parsePartition(node, partition) };
  };

  return {
    jobs: graph.nodes.map((node) => node.info),
    async start() {
      active('start');
      if (state === 'started') return;
      state = 'started';
      await recover({ ...deps, logger }, graph, engine);
      const { queued } = await scheduler.catchUp();
      logger.info({ jobs: graph.nodes.length, caughtUp: queued.length, concurrency: options.concurrency }, 'orchestrator started');
      await scheduler.evaluate();
      scheduler.follow();
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      await scheduler.stop();
      await engine.stop();
      logger.info('orchestrator stopped');
    },
    async tick() {
      active('tick');
      const report = await scheduler.evaluate();
      await engine.idle();
      return report;
    },
    async catchUp() {
      active('catch up');
      return scheduler.catchUp();
    },
    async runPartition(job, partition, runOptions = {}) {
      active('run a partition');
      const target = locate(job, partition);
      return new Promise<BatchRun>((resolve, reject) => {
        const request = { trigger: 'manual' as const, force: true, waitForInputs: runOptions.waitForInputs ?? false };
        engine.request(target.node, target.partition, request, [{ resolve, reject }]).catch(reject);
      });
    },
    async backfill(job, from, to, onProgress, backfillOptions = {}) {
      active('backfill');
      const node = graph.require(job);
      const range = { from: parsePartition(node, from), to: parsePartition(node, to) };
      return backfill({ store, clock, graph, engine }, node, range, onProgress, backfillOptions);
    },
    async reopen(job, partition) {
      active('re-open a partition');
      const target = locate(job, partition);
      const version = await store.batchRuns.reopen(target.node.name, target.partition, clock.nowMs());
      scheduler.noteReopened({ job: target.node.name, partition: target.partition }, version);
      logger.info({ job: target.node.name, partition: target.partition, version }, 'partition re-opened');
      await queueReopened({ store, graph, engine }, target.node, target.partition);
    },
    async idle() {
      await scheduler.settled();
      await engine.idle();
    },
    parsePartition: (job, text) => locate(job, text).partition,
    async status(job, partition): Promise<PartitionStatus> {
      const target = locate(job, partition);
      const inputs = await readInputs(store, graph, target.node, target.partition);
      return {
        job: target.node.name,
        partition: target.partition,
        bounds: target.node.kind.bounds(target.partition),
        pending: engine.pending({ job: target.node.name, partition: target.partition })?.state,
        version: inputs.own.version,
        lastSuccess: inputs.own.lastSuccess,
        stale: staleReason(inputs),
        unready: unreadyReason(inputs) ?? (await readyCheckReason(target.node, target.partition)),
        upstream: inputs.refs,
      };
    },
    async listRuns(listOptions) {
      if (listOptions?.job !== undefined) graph.require(listOptions.job);
      return store.batchRuns.list(listOptions);
    },
    getRun: (id) => store.batchRuns.get(id),
    listAlerts: (alertOptions) => store.batchAlerts.list(alertOptions),
    nextFire: (job, afterMs) => graph.require(job).schedule?.nextAfter(afterMs ?? clock.nowMs()),
  };
}
