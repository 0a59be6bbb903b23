// The rollup jobs' public names: the hourly and daily rollups as orchestrator jobs, their options,
// output locations and errors. docs/rollups.md explains what they read, write and check.
export { hourlyRollupJob, hourlyRollupJobName } from './hourly-rollup-job.js';
export { hourlyOutputDir, hourlyOutputNames, lakeInputName } from './hourly-rollup.js';
export type { RollupDeps, HourlyRunReport } from './hourly-rollup.js';
export type { FraudPassReport } from './fraud-pass.js';
export { rollupOptionsSpec, parseRollupOptions, rollupLimits } from './options.js';
export type { RollupOptions, RollupOptionsInput } from './options.js';
export { RollupError } from './errors.js';
export type { RollupErrorCode } from './errors.js';
export { dailyRollupJob, dailyRollupJobName } from './daily-rollup-job.js';
export { dailyOutputDir, dayUpstreamHours, hourDependentDays } from './daily-rollup.js';
