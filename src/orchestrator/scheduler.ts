// Due work from schedules: each evaluation queues the partitions whose schedule fired since the
// last one (when stale), picks up partitions re-opened by other processes, polls waiting ones and
// prunes old history once a day. Catch-up does the same for fires missed while the orchestrator
// was down: those after each job's latest recorded run, within the horizon. Timers come from the
// injected clock: one wake-up at the next fire or poll, whichever is sooner.
import { LruCache, limits, type Clock, type Logger, type TimerHandle } from '../core/index.js';
import type { Store } from '../store/index.js';
import type { Engine } from './engine.js';
import type { JobGraph, JobNode } from './job-graph.js';
import type { OrchestratorOptions } from './options.js';
import { queueReopened } from './reopen.js';
import { readInputs, refKey, staleReason } from './staleness.js';
import type { DueReport, PartitionRef } from './types.js';

export interface SchedulerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  graph: JobGraph;
  engine: Engine;
  options: OrchestratorOptions;
}

export interface Scheduler {
  evaluate(): Promise<DueReport>;
  catchUp(): Promise<DueReport>;
  /** Arms the wake-up timer (and re-arms it after each evaluation) until stop(). */
  follow(): void;
  stop(): Promise<void>;
  /** Resolves when the evaluations asked for so far have finished. */
  settled(): Promise<void>;
  /** Records that this process already queued a re-open of `ref` at `version`. */
  noteReopened(ref: PartitionRef, version: number): void;
}

const dayMs = 24 * 60 * 60 * 1000;

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { store, clock, logger, graph, engine, options } = deps;
  const evaluatedUntil = new Map(graph.nodes.map((node) => [node.name, clock.nowMs()]));
  // Re-open versions already queued, so that a partition whose rebuild failed is not queued again on every poll.
  const reopenedVersions = new LruCache<string, number>(limits.orchestratorPendingMax);
  let prunedAtMs = Number.NEGATIVE_INFINITY;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: TimerHandle | undefined;
  let following = false;

  /** Queues the stale partitions the fires make due; up-to-date ones are left alone. */
  async function queueFires(node: JobNode, fires: number[], trigger: 'schedule' | 'catch_up'): Promise<PartitionRef[]> {
    const queued: PartitionRef[] = [];
    for (const partition of new Set(fires.map((fire) => node.scheduledPartition(fire)))) {
      if (engine.pending({ job: node.name, partition })) continue;
      const stale = staleReason(await readInputs(store, graph, node, partition));
      if (stale === undefined) {
        logger.debug({ job: node.name, partition, trigger }, 'due partition is up to date');
        continue;
      }
      await engine.request(node, partition, { trigger, force: false, waitForInputs: true });
      queued.push({ job: node.name, partition });
    }
    return queued;
  }

  async function queueDirty(nowMs: number): Promise<void> {
    const dirty = await store.batchRuns.dirtyPartitions({ sinceMs: nowMs - options.catchUpHorizonMs, limit: limits.storeListMax });
    for (const entry of dirty) {
      const node = graph.get(entry.job);
      const key = refKey(entry.job, entry.partition);
      if (!node || (reopenedVersions.get(key) ?? 0) >= entry.version) continue;
      reopenedVersions.set(key, entry.version);
      logger.info({ job: entry.job, partition: entry.partition, version: entry.version }, 'partition re-opened elsewhere; queued with its dependents');
      await queueReopened({ store, graph, engine }, node, entry.partition);
    }
  }

  async function prune(nowMs: number): Promise<void> {
    if (nowMs - prunedAtMs < dayMs) return;
    prunedAtMs = nowMs;
    const removed = await store.batchRuns.prune(nowMs - options.runRetentionMs);
    if (removed > 0) logger.info({ removed }, 'old batch runs pruned');
  }

  async function evaluateNow(): Promise<DueReport> {
    const nowMs = clock.nowMs();
    const queued: PartitionRef[] = [];
    for (const node of graph.nodes) {
      if (!node.schedule) continue;
      const fires = node.schedule.firesBetween(evaluatedUntil.get(node.name)!, nowMs, limits.orchestratorFiresPerEvaluationMax);
      evaluatedUntil.set(node.name, nowMs);
      queued.push(...(await queueFires(node, fires, 'schedule')));
    }
    await queueDirty(nowMs);
    await prune(nowMs);
    engine.pollWaiting();
    return { queued };
  }

  async function catchUpNow(): Promise<DueReport> {
    const nowMs = clock.nowMs();
    const queued: PartitionRef[] = [];
    for (const node of graph.nodes) {
      if (!node.schedule) continue;
      // A job that never ran missed nothing: it starts from now (history is for backfill).
      const latest = await store.batchRuns.latest(node.name);
      const sinceMs = latest === undefined ? nowMs : Math.max(latest.queuedAtMs, nowMs - options.catchUpHorizonMs);
      const fires = node.schedule.firesBetween(sinceMs, nowMs, limits.orchestratorFiresPerEvaluationMax);
      evaluatedUntil.set(node.name, nowMs);
      const found = await queueFires(node, fires, 'catch_up');
      if (fires.length > 0) logger.info({ job: node.name, fires: fires.length, queued: found.length }, 'caught up on missed schedule fires');
      queued.push(...found);
    }
    engine.kick();
    return { queued };
  }

  /** Runs evaluations one at a time, in call order. */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = chain.then(work);
    chain = result.catch(() => undefined);
    return result;
  }

  function arm(): void {
    timer?.cancel();
    timer = undefined;
    if (!following) return;
    const nowMs = clock.nowMs();
    const fires = graph.nodes.map((node) => node.schedule?.nextAfter(nowMs)).filter((fire): fire is number => fire !== undefined);
    const wakeAtMs = Math.min(nowMs + options.pollIntervalMs, ...fires);
    timer = clock.setTimer(wakeAtMs - nowMs, () => {
      timer = undefined;
      void serialized(evaluateNow)
        .catch((error: unknown) => logger.error({ err: error }, 'schedule evaluation failed; trying again at the next wake-up'))
        .finally(arm);
    });
  }

  return {
    evaluate: () => serialized(evaluateNow),
    catchUp: () => serialized(catchUpNow),
    follow() {
      following = true;
      arm();
    },
    async stop() {
      following = false;
      timer?.cancel();
      timer = undefined;
      await chain;
    },
    settled: () => chain.then(() => undefined),
    noteReopened(ref, version) {
      reopenedVersions.set(refKey(ref.job, ref.partition), version);
    },
  };
}
