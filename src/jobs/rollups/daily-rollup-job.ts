// The daily rollup as an orchestrator job: partition = a UTC day D, reading the hourly rollups of
// the 50 hours that every zone's local day D lies in; due at `dailyCron` for the day before.
import { dayPartitions, type JobDefinition } from '../../orchestrator/index.js';
import { dayUpstreamHours, hourDependentDays, runDailyRollup } from './daily-rollup.js';
import { hourlyRollupJobName } from './hourly-rollup-job.js';
import type { RollupDeps } from './hourly-rollup.js';
import { parseRollupOptions, type RollupOptionsInput } from './options.js';

export const dailyRollupJobName = 'daily-rollup';

export function dailyRollupJob(deps: RollupDeps, input: RollupOptionsInput): JobDefinition {
  const options = parseRollupOptions(input);
  return {
    name: dailyRollupJobName,
    description: 'hourly rollups → per link per UTC day, and per user per local day (their time zone)',
    partitions: dayPartitions,
    schedule: { cron: options.dailyCron },
    upstream: [{ job: hourlyRollupJobName, partitions: dayUpstreamHours, dependents: hourDependentDays }],
    timeoutMs: options.timeoutMs,
    run: (context) => runDailyRollup(deps, options, context),
  };
}
