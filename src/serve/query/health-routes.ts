// `GET /v1/pipeline/health` (any valid key: no tenant data), `GET /v1/batch/runs` and
// `GET /v1/batch/alerts`, for the dashboard's health page. Alert messages of the reconciliation
// name links, so only the operator token sees them; a key sees that such an alert exists.
import type { Context, Hono } from 'hono';
import { batchRunStatuses, type BatchAlert, type BatchRun, type BatchRunStatus } from '../../store/index.js';
import type { ServeEnv } from '../app-env.js';
import type { Principal } from '../auth.js';
import { badRequest } from '../http-error.js';
import type { ServingServices } from '../services.js';
import { principalOf } from './link-access.js';
import { parseChoice, parseLimit } from './params.js';
import type { PipelineMonitor } from './pipeline-monitor.js';
import { queryLimits } from './query-limits.js';
import { driftAlertJob } from './reconciliation.js';

function describeRun(run: BatchRun) {
  return {
    id: run.id,
    job: run.job,
    partition: run.partition,
    status: run.status,
    trigger: run.trigger,
    attempts: run.attempts,
    queuedAtMs: run.queuedAtMs,
    startedAtMs: run.startedAtMs,
    finishedAtMs: run.finishedAtMs,
    durationMs: run.durationMs,
    nextAttemptAtMs: run.nextAttemptAtMs,
    outputHash: run.outputHash,
    message: run.message,
    errorCode: run.errorCode,
    upstream: run.upstream.map(({ job, partition, runId }) => ({ job, partition, runId })),
  };
}

function describeAlert(alert: BatchAlert, principal: Principal) {
  const hidden = principal.kind !== 'operator' && alert.job === driftAlertJob;
  return { ...alert, message: hidden ? 'reconciliation drift (details for the operator)' : alert.message };
}

function optionalId(query: (name: string) => string | undefined, field: string): number | undefined {
  const text = query(field);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw badRequest(`${field}: ${JSON.stringify(text.slice(0, 32))} is not a run or alert id`, { field });
  return Number(text);
}

function optionalName(query: (name: string) => string | undefined, field: string): string | undefined {
  const text = query(field);
  if (text === undefined) return undefined;
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(text)) throw badRequest(`${field}: ${JSON.stringify(text.slice(0, 32))} is not a job name (lower case letters, digits and -)`, { field });
  return text;
}

async function batchOverview(services: ServingServices, principal: Principal) {
  const { store, orchestrator } = services;
  const [recent, failed, timedOut, alerts] = await Promise.all([
    store.batchRuns.list({ limit: 20 }),
    store.batchRuns.list({ status: 'failed', limit: 10 }),
    store.batchRuns.list({ status: 'timed_out', limit: 10 }),
    store.batchAlerts.list({ limit: 20 }),
  ]);
  const jobs = orchestrator?.jobs ?? [];
  const names = jobs.length > 0 ? jobs.map((job) => job.name) : [...new Set(recent.map((run) => run.job))].sort();
  const latest = await Promise.all(names.map((name) => store.batchRuns.latest(name)));
  return {
    orchestrator: orchestrator === undefined ? 'not in this process' : 'running',
    jobs: names.map((name, index) => {
      const info = jobs.find((job) => job.name === name);
      const last = latest[index];
      return {
        name,
        partitionKind: info?.partitionKind ?? null,
        schedule: info?.schedule ?? null,
        upstream: info?.upstreamJobs ?? [],
        latestRun: last === undefined ? null : describeRun(last),
      };
    }),
    edges: jobs.flatMap((job) => job.upstreamJobs.map((upstream) => ({ from: upstream, to: job.name }))),
    recentRuns: recent.map(describeRun),
    failures: [...failed, ...timedOut].sort((a, b) => b.id - a.id).slice(0, 10).map(describeRun),
    alerts: alerts.map((alert) => describeAlert(alert, principal)),
  };
}

export function registerHealthRoutes(app: Hono<ServeEnv>, services: ServingServices, monitor: PipelineMonitor): void {
  app.get('/v1/pipeline/health', async (c: Context<ServeEnv>) => {
    const principal = principalOf(c.get('principal'));
    const [snapshot, batch] = await Promise.all([monitor.snapshot(), batchOverview(services, principal)]);
    const late = snapshot.freshness.filter((status) => status.status === 'late').map((status) => status.computation);
    return c.json({
      status: late.length === 0 && batch.failures.every((run) => run.finishedAtMs === null || snapshot.atMs - run.finishedAtMs > 86_400_000) ? 'ok' : 'degraded',
      lateComputations: late,
      throughput: {
        ingestEventsPerSecond: snapshot.ingest.eventsPerSecond,
        streams: snapshot.streams.map((stream) => ({ job: stream.job, eventsPerSecond: stream.eventsPerSecond })),
        note: 'Rates compare with a sample 1 to 60 s old; null until one exists (ask again after a second).',
      },
      log: { partitions: snapshot.ingest.logEndOffsets.length, endOffsets: snapshot.ingest.logEndOffsets },
      streams: snapshot.streams,
      lateClicks: { total: snapshot.late.reduce((total, row) => total + row.count, 0), byReason: snapshot.late },
      freshness: snapshot.freshness,
      freshnessMisses: monitor.misses(),
      batch,
      generatedAtMs: snapshot.atMs,
    });
  });

  app.get('/v1/batch/runs', async (c) => {
    principalOf(c.get('principal'));
    const query = (name: string) => c.req.query(name);
    const status = query('status') === undefined ? undefined : parseChoice<BatchRunStatus>(query, 'status', batchRunStatuses);
    const runs = await services.store.batchRuns.list({
      job: optionalName(query, 'job'),
      status,
      partition: query('partition'),
      limit: parseLimit(query, 'limit', 50, queryLimits.runsMax),
      beforeId: optionalId(query, 'beforeId'),
    });
    return c.json({ items: runs.map(describeRun), next: runs.length > 0 ? runs.at(-1)!.id : null });
  });

  app.get('/v1/batch/alerts', async (c) => {
    const principal = principalOf(c.get('principal'));
    const query = (name: string) => c.req.query(name);
    const alerts = await services.store.batchAlerts.list({
      job: optionalName(query, 'job'),
      limit: parseLimit(query, 'limit', 50, queryLimits.runsMax),
      beforeId: optionalId(query, 'beforeId'),
    });
    return c.json({ items: alerts.map((alert) => describeAlert(alert, principal)), next: alerts.length > 0 ? alerts.at(-1)!.id : null });
  });
}
