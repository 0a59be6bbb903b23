// Prometheus metrics of the serving process (prom-client, in its own Registry: no global default
// registry). Read when scraped: throughput, log lag, watermark lag, checkpoint age and durations,
// freshness per computation against its target, late clicks, batch runs by status, fraud verdicts
// and redirects. docs/query-api.md lists every series.
import { Counter, Gauge, Registry } from 'prom-client';
import { batchRunStatuses } from '../store/index.js';
import type { PipelineMonitor, PipelineSnapshot } from './query/pipeline-monitor.js';
import type { ServingServices } from './services.js';

export interface ServingMetrics {
  readonly registry: Registry;
  /** The text exposition format (version 0.0.4). */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Recent runs counted for `clickflow_batch_runs` (newest first). */
const recentRunsCounted = 1_000;

/** A counter that follows a cumulative value read from elsewhere (a restart of its source starts it afresh). */
function follower(counter: Counter<string>) {
  const seen = new Map<string, number>();
  return (labels: Record<string, string>, value: number): void => {
    const key = JSON.stringify(labels);
    const before = seen.get(key) ?? 0;
    seen.set(key, value);
    counter.inc(labels, value >= before ? value - before : value);
  };
}

export function createServingMetrics(services: ServingServices, monitor: PipelineMonitor): ServingMetrics {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers });

  const ingestRate = gauge('clickflow_ingest_events_per_second', 'Records appended to the event log per second, over the last sample interval');
  const logEnd = gauge('clickflow_log_end_offset', 'The offset after the last record of each log partition', ['partition']);
  const streamRate = gauge('clickflow_stream_events_per_second', 'Events a stream job processed per second', ['job']);
  const streamEvents = counter('clickflow_stream_events_processed_total', 'Events a stream job processed (its current workers, since they started)', ['job']);
  const logLag = gauge('clickflow_stream_log_lag_records', 'Log end offset minus the job\'s committed position', ['job', 'partition']);
  const watermarkLag = gauge('clickflow_stream_watermark_lag_seconds', 'Clock minus the job\'s committed watermark (the lowest over partitions)', ['job']);
  const checkpointAge = gauge('clickflow_stream_checkpoint_age_seconds', 'Time since the job\'s latest committed checkpoint', ['job']);
  const checkpointDuration = gauge('clickflow_stream_checkpoint_duration_seconds', 'The latest checkpoint\'s duration: whole barrier, and its commit', ['job', 'phase']);
  const lateClicks = counter('clickflow_late_clicks_total', 'Events put in the late ledger, by job and reason', ['job', 'reason']);
  const freshnessAge = gauge('clickflow_freshness_age_seconds', 'Age of each computation\'s newest result', ['computation']);
  const freshnessTarget = gauge('clickflow_freshness_target_seconds', 'Each computation\'s freshness target plus its allowance', ['computation']);
  const freshnessOk = gauge('clickflow_freshness_ok', '1 while a computation is within its target, 0 when late; absent when unknown', ['computation']);
  const freshnessMisses = counter('clickflow_freshness_missed_total', 'Times a computation went from on time to late', ['computation']);
  const batchRuns = gauge('clickflow_batch_runs', `Batch runs by job and status, among the newest ${recentRunsCounted}`, ['job', 'status']);
  const fraudEntries = gauge('clickflow_fraud_verdict_addresses', 'Visitor addresses with a fraud verdict held in memory');
  const fraudStale = counter('clickflow_fraud_verdict_stale_updates_total', 'Verdict updates ignored because newer numbers were held');
  const fraudAlerts = counter('clickflow_fraud_alerts_sent_total', 'Verdict changes queued to alert feed clients');
  const fraudClients = gauge('clickflow_fraud_alert_clients', 'Alert feed clients connected');
  const redirects = counter('clickflow_redirects_total', 'Redirects answered, by outcome', ['outcome']);
  const counterLinks = gauge('clickflow_counter_views_links', 'Links whose counter rows the serving process holds');

  const follow = { streamEvents: follower(streamEvents), late: follower(lateClicks), misses: follower(freshnessMisses), stale: follower(fraudStale), alerts: follower(fraudAlerts), redirects: follower(redirects) };

  const fill = (snapshot: PipelineSnapshot): void => {
    if (snapshot.ingest.eventsPerSecond !== null) ingestRate.set(snapshot.ingest.eventsPerSecond);
    snapshot.ingest.logEndOffsets.forEach((offset, partition) => logEnd.set({ partition: String(partition) }, offset));
    for (const stream of snapshot.streams) {
      const job = { job: stream.job };
      if (stream.eventsPerSecond !== null) streamRate.set(job, stream.eventsPerSecond);
      follow.streamEvents(job, stream.eventsProcessed);
      for (const partition of stream.partitions) logLag.set({ job: stream.job, partition: String(partition.partition) }, partition.lag);
      if (stream.watermarkLagMs !== null) watermarkLag.set(job, stream.watermarkLagMs / 1_000);
      if (stream.checkpointAgeMs !== null) checkpointAge.set(job, stream.checkpointAgeMs / 1_000);
      if (stream.lastCheckpoint !== null) {
        checkpointDuration.set({ job: stream.job, phase: 'barrier' }, stream.lastCheckpoint.durationMs / 1_000);
        checkpointDuration.set({ job: stream.job, phase: 'commit' }, stream.lastCheckpoint.commitMs / 1_000);
      }
    }
    for (const row of snapshot.late) follow.late({ job: row.job, reason: row.reason }, row.count);
    freshnessOk.reset();
    for (const status of snapshot.freshness) {
      const labels = { computation: status.computation };
      freshnessTarget.set(labels, (status.targetMs + status.allowanceMs) / 1_000);
      if (status.ageMs !== null) freshnessAge.set(labels, status.ageMs / 1_000);
      if (status.status !== 'unknown') freshnessOk.set(labels, status.status === 'ok' ? 1 : 0);
    }
    for (const [computation, count] of Object.entries(monitor.misses())) follow.misses({ computation }, count);
  };

  const fillBatchRuns = async (): Promise<void> => {
    const runs = await services.store.batchRuns.list({ limit: recentRunsCounted });
    batchRuns.reset();
    const jobs = new Set([...(services.orchestrator?.jobs.map((job) => job.name) ?? []), ...runs.map((run) => run.job)]);
    for (const job of jobs) for (const status of batchRunStatuses) batchRuns.set({ job, status }, 0);
    for (const run of runs) batchRuns.inc({ job: run.job, status: run.status });
  };

  const fillServing = (): void => {
    fraudEntries.set(services.fraudTable.size());
    follow.stale({}, services.fraudTable.staleUpdates());
    const alertStats = services.fraudAlerts.stats();
    follow.alerts({}, alertStats.sent);
    fraudClients.set(alertStats.clients);
    counterLinks.set(services.counterViews.stats().links);
    const redirectStats = services.redirectStats?.();
    if (redirectStats !== undefined) {
      follow.redirects({ outcome: 'redirected' }, redirectStats.redirects);
      follow.redirects({ outcome: 'not_found' }, redirectStats.notFound);
      follow.redirects({ outcome: 'click_lost' }, redirectStats.clicksLost);
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      const [snapshot] = await Promise.all([monitor.snapshot(), fillBatchRuns()]);
      fill(snapshot);
      fillServing();
      return registry.metrics();
    },
  };
}
