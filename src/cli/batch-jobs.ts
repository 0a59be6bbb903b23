// The batch layer's jobs as `clickflow start` and `clickflow batch` declare them to the
// orchestrator: hourly rollup -> daily rollup -> digest and monthly billing (docs/rollups.md,
// docs/digest.md, docs/billing.md).
import type { Clock, Logger } from '../core/index.js';
import { OptionsError } from '../core/index.js';
import type { Lake } from '../batch/index.js';
import { billingJob } from '../jobs/billing/index.js';
import { digestJob } from '../jobs/digest/index.js';
import { dailyRollupJob, hourlyRollupJob } from '../jobs/rollups/index.js';
import type { JobDefinition } from '../orchestrator/index.js';
import type { Store } from '../store/index.js';
import type { Config } from './config.js';

export interface BatchJobDeps {
  store: Store;
  lake: Lake;
  clock: Clock;
  logger: Logger;
}

/** The digest's SMTP settings from `smtp://user:password@host:port` (or `smtps://`, TLS from the start). */
export function smtpSettings(url: string): { smtpHost?: string; smtpPort?: number; smtpSecure?: boolean; smtpUser?: string; smtpPassword?: string } {
  if (url === '') return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OptionsError('config', 'smtpUrl', `"${url}" is not a URL: write smtp://user:password@host:587 or smtps://host:465`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new OptionsError('config', 'smtpUrl', `must start with smtp:// or smtps:// (got ${parsed.protocol}//)`);
  }
  const secure = parsed.protocol === 'smtps:';
  return {
    smtpHost: parsed.hostname,
    smtpPort: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
    smtpSecure: secure,
    ...(parsed.username === '' ? {} : { smtpUser: decodeURIComponent(parsed.username), smtpPassword: decodeURIComponent(parsed.password) }),
  };
}

export function batchJobs(deps: BatchJobDeps, config: Config): JobDefinition[] {
  const rollups = { dataDir: config.dataDir, partitions: config.partitions };
  return [
    hourlyRollupJob(deps, rollups),
    dailyRollupJob(deps, rollups),
    digestJob({ store: deps.store }, { dataDir: config.dataDir, from: config.mailFrom, ...smtpSettings(config.smtpUrl) }),
    billingJob({ store: deps.store, clock: deps.clock }, { dataDir: config.dataDir, graceMs: config.billingGraceDays * 86_400_000 }),
  ];
}
