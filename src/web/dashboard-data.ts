// What the dashboard reads that the query API does not answer on its own: the batch jobs as a
// graph with their latest runs and alerts, the stream jobs' latest numbers, and an account's plan,
// invoices and digests. Under /v1 so the API's authentication runs first: the pipeline view for
// any key (it holds no tenant data: job names, partitions, run messages, counts), the account view
// for a read or manage key of the account, or the operator token naming `accountId`.
import type { Hono } from 'hono';
import type { JobInfo } from '../orchestrator/index.js';
import type { ServeEnv } from '../serve/app-env.js';
import { HttpError, type Principal } from '../serve/index.js';
import type { ServingServices } from '../serve/services.js';
import type { BatchRun } from '../store/index.js';

/** Runs listed at most, newest first: enough to find each job's latest and recent failures. */
const runsMax = 200;
const alertsMax = 50;
const documentsMax = 24;

/** A job of the batch graph: declared (from the orchestrator) or seen in the run history. */
export interface DashboardJob {
  name: string;
  description: string;
  partitionKind: string;
  schedule: { cron: string; timeZone: string } | null;
  upstreamJobs: string[];
  latestRun: BatchRun | null;
  latestFailure: BatchRun | null;
}

function jobsOf(declared: readonly JobInfo[] | undefined, runs: readonly BatchRun[]): DashboardJob[] {
  const jobs = new Map<string, DashboardJob>();
  for (const info of declared ?? []) {
    jobs.set(info.name, {
      name: info.name,
      description: info.description,
      partitionKind: info.partitionKind,
      schedule: info.schedule ?? null,
      upstreamJobs: [...info.upstreamJobs],
      latestRun: null,
      latestFailure: null,
    });
  }
  // Runs are newest first: the first of a job is its latest.
  for (const run of runs) {
    let job = jobs.get(run.job);
    if (job === undefined) {
      job = { name: run.job, description: '', partitionKind: '', schedule: null, upstreamJobs: [], latestRun: null, latestFailure: null };
      jobs.set(run.job, job);
    }
    job.latestRun ??= run;
    if (job.latestFailure === null && (run.status === 'failed' || run.status === 'timed_out')) job.latestFailure = run;
  }
  return [...jobs.values()];
}

function accountOf(principal: Principal | undefined, requested: string | undefined): string {
  if (principal === undefined) throw new HttpError(401, 'unauthorized', 'send an API key as "Authorization: Bearer <key>"');
  if (principal.kind === 'operator') {
    if (!requested) throw new HttpError(403, 'forbidden', 'the operator token must name an account (accountId)');
    return requested;
  }
  if (principal.key.scope === 'write') throw new HttpError(403, 'forbidden', 'this is a write key; this request needs a read key');
  return principal.key.accountId;
}

export function registerDashboardData(app: Hono<ServeEnv>, services: ServingServices): void {
  const { store } = services;

  app.get('/v1/dashboard/pipeline', async (c) => {
    if (c.get('principal') === undefined) throw new HttpError(401, 'unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    const [runs, alerts, late] = await Promise.all([
      store.batchRuns.list({ limit: runsMax }),
      store.batchAlerts.list({ limit: alertsMax }),
      store.lateEvents.counts(),
    ]);
    const nowMs = services.clock.nowMs();
    const streamJobs = services.streamJobs().map((job) => {
      const watermarks = job.metrics.map((metrics) => metrics.watermarkMs).filter((ms) => ms > 0);
      const watermarkMs = watermarks.length === 0 ? null : Math.min(...watermarks);
      return {
        job: job.job,
        workers: job.workers.length,
        eventsProcessed: job.metrics.reduce((sum, metrics) => sum + metrics.eventsProcessed, 0),
        watermarkMs,
        watermarkLagMs: watermarkMs === null ? null : Math.max(0, nowMs - watermarkMs),
        checkpointAgeMs: job.metrics.length === 0 ? null : Math.max(...job.metrics.map((metrics) => metrics.checkpointAgeMs)),
        lastCommitAtMs: job.lastCommitAtMs,
      };
    });
    return c.json({
      generatedAtMs: nowMs,
      streamJobs,
      redirects: services.redirectStats?.() ?? null,
      lateEvents: late,
      batch: { orchestrator: services.orchestrator !== undefined, jobs: jobsOf(services.orchestrator?.jobs, runs), runs: runs.slice(0, 50), alerts },
    });
  });

  app.get('/v1/dashboard/account', async (c) => {
    const accountId = accountOf(c.get('principal'), c.req.query('accountId'));
    const account = await store.accounts.get(accountId);
    if (account === undefined) throw new HttpError(404, 'not_found', 'account not found');
    const [plan, invoices, digests] = await Promise.all([
      store.plans.get(account.planId),
      store.invoices.listForAccount(accountId, documentsMax),
      store.digests.listForAccount(accountId, documentsMax),
    ]);
    return c.json({ account, plan: plan ?? null, invoices, digests });
  });
}
