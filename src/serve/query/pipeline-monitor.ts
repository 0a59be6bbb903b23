// How the pipeline is doing, for the health endpoint, the dashboard and /metrics: events per
// second (from the stream workers' counters and the log's end offsets, sampled over time), log
// lag, watermark lag, checkpoint age, late clicks by reason, and the freshness of each of the four
// computations against its target. A computation that misses its target is logged and counted
// once each time it goes from on time to late.
import type { BatchRun } from '../../store/index.js';
import type { ServingServices } from '../services.js';

const second = 1_000;
const hour = 3_600 * second;
const day = 24 * hour;

export type Computation = 'fraud' | 'counters' | 'digest' | 'billing';

export interface FreshnessTarget {
  computation: Computation;
  /** How old the newest result may be. */
  targetMs: number;
  /** For batch results: the time after a partition ends that its run may take (sealing, grace), added to the target. */
  allowanceMs: number;
  measuredBy: string;
}

/** The freshness each computation must keep (DESIGN.md): milliseconds, 1 s, 1 day, 1 month. */
export const freshnessTargets: readonly FreshnessTarget[] = [
  { computation: 'fraud', targetMs: 500, allowanceMs: 0, measuredBy: "age of the speed job's latest commit while records wait in the log (0 when caught up)" },
  { computation: 'counters', targetMs: 1 * second, allowanceMs: 0, measuredBy: "age of the counter views' latest commit while records wait in the log (0 when caught up)" },
  { computation: 'digest', targetMs: 1 * day, allowanceMs: 18 * hour, measuredBy: 'time since the end of the day of the latest successful digest run' },
  { computation: 'billing', targetMs: 31 * day, allowanceMs: 4 * day, measuredBy: 'time since the end of the month of the latest successful monthly billing run' },
];

/** The batch jobs whose latest success measures a computation. */
const batchJobs: Record<'digest' | 'billing', readonly string[]> = { digest: ['digest'], billing: ['monthly', 'billing'] };

export interface FreshnessStatus {
  computation: Computation;
  targetMs: number;
  allowanceMs: number;
  /** Null when never measured (the job has not run, or no stream job runs in this process). */
  ageMs: number | null;
  status: 'ok' | 'late' | 'unknown';
  measuredBy: string;
  /** For batch results: the partition of the latest success and its run. */
  partition?: string;
  runId?: number;
}

export interface StreamJobHealth {
  job: string;
  partitions: { partition: number; endOffset: number; nextOffset: number | null; lag: number; watermarkMs: number | null }[];
  logLag: number;
  eventsProcessed: number;
  eventsPerSecond: number | null;
  watermarkMs: number | null;
  watermarkLagMs: number | null;
  checkpointAgeMs: number | null;
  lastCheckpoint: { durationMs: number; commitMs: number; rows: number; bytes: number } | null;
  checkpoints: number;
  workers: { worker: number; state: string; restarts: number; partitions: readonly number[] }[];
}

export interface PipelineSnapshot {
  atMs: number;
  ingest: { logEndOffsets: number[]; eventsPerSecond: number | null };
  streams: StreamJobHealth[];
  late: { job: string; reason: string; count: number }[];
  freshness: FreshnessStatus[];
}

interface Sample {
  atMs: number;
  logEnd: number;
  events: Map<string, number>;
}

/** Partition ids end where they end: a UTC day `YYYY-MM-DD` or month `YYYY-MM`; undefined for others. */
export function partitionEndMs(partition: string): number | undefined {
  const dayMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(partition);
  if (dayMatch) return Date.UTC(Number(dayMatch[1]), Number(dayMatch[2]) - 1, Number(dayMatch[3]) + 1);
  const monthMatch = /^(\d{4})-(\d{2})$/.exec(partition);
  if (monthMatch) return Date.UTC(Number(monthMatch[1]), Number(monthMatch[2]), 1);
  return undefined;
}

export interface PipelineMonitor {
  snapshot(): Promise<PipelineSnapshot>;
  /** Misses per computation since start (each a change from on time to late). */
  misses(): Record<Computation, number>;
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

export function createPipelineMonitor(services: ServingServices): PipelineMonitor {
  const samples: Sample[] = [];
  const misses: Record<Computation, number> = { fraud: 0, counters: 0, digest: 0, billing: 0 };
  const lastStatus = new Map<Computation, FreshnessStatus['status']>();

  /** Rate against the oldest sample of the last minute that is at least a second old. */
  const rateOf = (now: Sample, pick: (sample: Sample) => number | undefined): number | null => {
    const base = samples.find((sample) => now.atMs - sample.atMs >= second && now.atMs - sample.atMs <= 60 * second);
    if (base === undefined) return null;
    const [then, current] = [pick(base), pick(now)];
    if (then === undefined || current === undefined || current < then) return null;
    return Math.round(((current - then) * second) / (now.atMs - base.atMs));
  };

  const streamHealth = async (endOffsets: number[], nowMs: number): Promise<StreamJobHealth[]> =>
    Promise.all(
      services.streamJobs().map(async (status) => {
        const positions = await services.store.streamCheckpoints.positions(status.job);
        const byPartition = new Map(positions.map((position) => [position.partition, position]));
        const partitions = endOffsets.map((endOffset, partition) => {
          const position = byPartition.get(partition);
          return { partition, endOffset, nextOffset: position?.nextOffset ?? null, lag: Math.max(0, endOffset - (position?.nextOffset ?? 0)), watermarkMs: position?.watermarkMs ?? null };
        });
        const watermarkMs = positions.length === 0 ? null : Math.min(...positions.map((position) => position.watermarkMs));
        const committedAtMs = positions.length === 0 ? status.lastCommitAtMs : Math.max(status.lastCommitAtMs ?? 0, ...positions.map((position) => position.committedAtMs));
        const last = status.metrics.map((metrics) => metrics.lastCheckpoint).filter((checkpoint) => checkpoint !== null).sort((a, b) => b.committedAtMs - a.committedAtMs)[0];
        return {
          job: status.job,
          partitions,
          logLag: sum(partitions.map((partition) => partition.lag)),
          eventsProcessed: sum(status.metrics.map((metrics) => metrics.eventsProcessed)),
          eventsPerSecond: null,
          watermarkMs,
          watermarkLagMs: watermarkMs === null ? null : Math.max(0, nowMs - watermarkMs),
          checkpointAgeMs: committedAtMs === null ? null : Math.max(0, nowMs - committedAtMs),
          lastCheckpoint: last === undefined ? null : { durationMs: last.durationMs, commitMs: last.commitMs, rows: last.rows, bytes: last.bytes },
          checkpoints: sum(status.metrics.map((metrics) => metrics.checkpoints)),
          workers: status.workers.map((worker) => ({ worker: worker.worker, state: worker.state, restarts: worker.restarts, partitions: worker.partitions })),
        };
      }),
    );

  const streamFreshness = (target: FreshnessTarget, speed: StreamJobHealth | undefined, committedAtMs: number | null, nowMs: number): FreshnessStatus => {
    const base = { computation: target.computation, targetMs: target.targetMs, allowanceMs: target.allowanceMs, measuredBy: target.measuredBy };
    if (speed === undefined && committedAtMs === null) return { ...base, ageMs: null, status: 'unknown' };
    const waiting = speed === undefined ? 0 : speed.logLag;
    const ageMs = waiting === 0 ? 0 : committedAtMs === null ? null : Math.max(0, nowMs - committedAtMs);
    return { ...base, ageMs, status: ageMs === null ? 'unknown' : ageMs <= target.targetMs ? 'ok' : 'late' };
  };

  const batchFreshness = async (target: FreshnessTarget, nowMs: number): Promise<FreshnessStatus> => {
    const base = { computation: target.computation, targetMs: target.targetMs, allowanceMs: target.allowanceMs, measuredBy: target.measuredBy };
    const runs: BatchRun[] = [];
    for (const job of batchJobs[target.computation as 'digest' | 'billing']) runs.push(...(await services.store.batchRuns.list({ job, status: 'succeeded', limit: 1 })));
    const ended = runs
      .map((run) => ({ run, endMs: partitionEndMs(run.partition) }))
      .filter((entry): entry is { run: BatchRun; endMs: number } => entry.endMs !== undefined)
      .sort((a, b) => b.endMs - a.endMs)[0];
    if (ended === undefined) return { ...base, ageMs: null, status: 'unknown' };
    const ageMs = Math.max(0, nowMs - ended.endMs);
    return { ...base, ageMs, status: ageMs <= target.targetMs + target.allowanceMs ? 'ok' : 'late', partition: ended.run.partition, runId: ended.run.id };
  };

  const judge = (statuses: FreshnessStatus[]): void => {
    for (const status of statuses) {
      const before = lastStatus.get(status.computation);
      lastStatus.set(status.computation, status.status);
      if (status.status === 'late' && before !== 'late') {
        misses[status.computation]++;
        services.logger.warn({ computation: status.computation, ageMs: status.ageMs, targetMs: status.targetMs + status.allowanceMs }, 'a computation missed its freshness target');
      }
    }
  };

  return {
    async snapshot() {
      const nowMs = services.clock.nowMs();
      const [endOffsets, late, counterFreshness] = await Promise.all([services.log.endOffsets(), services.store.lateEvents.counts(), services.counterViews.freshness()]);
      const streams = await streamHealth(endOffsets, nowMs);
      const sample: Sample = { atMs: services.clock.monotonicMs(), logEnd: sum(endOffsets), events: new Map(streams.map((stream) => [stream.job, stream.eventsProcessed])) };
      for (const stream of streams) stream.eventsPerSecond = rateOf(sample, (then) => then.events.get(stream.job));
      const ingestRate = rateOf(sample, (then) => then.logEnd);
      samples.push(sample);
      while (samples.length > 0 && (samples.length > 120 || sample.atMs - samples[0]!.atMs > 120 * second)) samples.shift();
      const speed = streams.find((stream) => stream.job === 'speed');
      const speedCommitMs = speed?.checkpointAgeMs === null || speed === undefined ? null : nowMs - speed.checkpointAgeMs;
      const freshness = [
        streamFreshness(freshnessTargets[0]!, speed, speedCommitMs, nowMs),
        streamFreshness(freshnessTargets[1]!, speed, counterFreshness.committedAtMs, nowMs),
        await batchFreshness(freshnessTargets[2]!, nowMs),
        await batchFreshness(freshnessTargets[3]!, nowMs),
      ];
      judge(freshness);
      return { atMs: nowMs, ingest: { logEndOffsets: endOffsets, eventsPerSecond: ingestRate }, streams, late, freshness };
    },
    misses: () => ({ ...misses }),
  };
}
