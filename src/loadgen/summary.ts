// The end-of-run summary: what was generated, sent and acknowledged, how fast, with what
// latency, and what the server said it stored. Printed for people, or as JSON with --json.
import type { GeneratedCounts, LoadGenerator } from './generator.js';
import { formatCount, formatMs } from './progress-reporter.js';
import type { ProvisionReport } from './provision/provision-world.js';
import type { RunResult } from './run-load.js';
import type { TargetName } from './types.js';

export interface LoadgenSummary {
  target: TargetName;
  seed: number;
  prefix: string;
  eventIdPrefix: string;
  /** Event time of the first event, ISO 8601. */
  start: string;
  world: { accounts: number; users: number; links: number; visitors: number; fraudIps: number; provisioned?: ProvisionReport };
  /** Send slots generated, by kind (a duplicate counts only as a duplicate). */
  generated: GeneratedCounts & { events: number };
  sent: number;
  acknowledged: number;
  failed: number;
  /** Unique events acknowledged (from the ground truth; absent without one). */
  unique?: number;
  elapsedMs: number;
  prebuildMs: number;
  /** Acknowledged events per second over the run. */
  ratePerSecond: number;
  requests: { count: number; errors: number; retries: number; latencyMs: { p50: number; p90: number; p99: number; max: number } };
  /** What the server reported storing and dropping as duplicates (ingest and log targets). */
  server?: { accepted: number; duplicates: number };
  /** How far behind schedule a paced run ended, ms. */
  lagMs: number;
  stoppedEarly: boolean;
  lastError?: string;
}

export function buildSummary(
  generator: LoadGenerator,
  target: TargetName,
  result: RunResult,
  extra: { provisioned?: ProvisionReport; unique?: number; lastError?: string },
): LoadgenSummary {
  const { world, options } = generator;
  const { totals, latency } = result;
  return {
    target,
    seed: options.seed,
    prefix: world.prefix,
    eventIdPrefix: generator.eventIdPrefix,
    start: new Date(options.startMs).toISOString(),
    world: { accounts: world.accounts.length, users: world.users.length, links: world.links.length, visitors: world.visitors.humans, fraudIps: world.visitors.fraud, provisioned: extra.provisioned },
    generated: { events: result.generated, ...generator.counts },
    sent: totals.sent,
    acknowledged: totals.acknowledged,
    failed: totals.failed,
    unique: extra.unique,
    elapsedMs: result.elapsedMs,
    prebuildMs: result.prebuildMs,
    ratePerSecond: result.elapsedMs > 0 ? (totals.acknowledged * 1000) / result.elapsedMs : 0,
    requests: {
      count: totals.requests,
      errors: totals.requestErrors,
      retries: totals.retries,
      latencyMs: { p50: latency.quantileMs(0.5), p90: latency.quantileMs(0.9), p99: latency.quantileMs(0.99), max: latency.maxMs },
    },
    server: target === 'ingest' || target === 'log' ? { accepted: totals.serverAccepted, duplicates: totals.serverDuplicates } : undefined,
    lagMs: result.lagMs,
    stoppedEarly: result.stoppedEarly,
    lastError: extra.lastError,
  };
}

export function formatSummary(summary: LoadgenSummary): string {
  const { generated, requests } = summary;
  const lines = [
    `loadgen ${summary.target}: ${formatCount(summary.acknowledged)} of ${formatCount(summary.sent)} events acknowledged in ${(summary.elapsedMs / 1000).toFixed(2)} s: ${formatCount(summary.ratePerSecond)} events/s` +
      (summary.stoppedEarly ? ' (stopped early)' : ''),
    `  generated ${formatCount(generated.events)}: ${formatCount(generated.duplicates)} duplicates, ${formatCount(generated.late)} late, ${formatCount(generated.outOfOrder)} out of order, ${formatCount(generated.bot)} bot, ${formatCount(generated.fraud)} fraud` +
      (summary.prebuildMs >= 1 ? `; ${(summary.prebuildMs / 1000).toFixed(2)} s building requests before the clock started` : ''),
    `  requests ${formatCount(requests.count)}, errors ${formatCount(requests.errors)}, retries ${formatCount(requests.retries)}; latency p50 ${formatMs(requests.latencyMs.p50)} ms, p90 ${formatMs(requests.latencyMs.p90)} ms, p99 ${formatMs(requests.latencyMs.p99)} ms, max ${formatMs(requests.latencyMs.max)} ms`,
  ];
  if (summary.server) lines.push(`  server stored ${formatCount(summary.server.accepted)}, dropped ${formatCount(summary.server.duplicates)} duplicates` + (summary.unique === undefined ? '' : `; the truth counts ${formatCount(summary.unique)} unique events`));
  if (summary.failed > 0) lines.push(`  failed ${formatCount(summary.failed)} events; last error: ${summary.lastError ?? 'unknown'}`);
  if (summary.lagMs > 1000) lines.push(`  the target could not keep up: ${(summary.lagMs / 1000).toFixed(1)} s behind schedule at the end`);
  lines.push(`  world ${summary.prefix}: ${summary.world.accounts} accounts, ${summary.world.users} users, ${formatCount(summary.world.links)} links; seed ${summary.seed}, first event ${summary.start}`);
  return lines.join('\n');
}
