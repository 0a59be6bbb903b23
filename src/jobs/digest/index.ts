// The digest job's public names: the job, its options and the pieces its tests and benchmark
// build on (the SQL over the daily rollup, the message builder). docs/digest.md explains it.
export { digestJob, digestJobName, digestUpstreamJob } from './digest-job.js';
export type { DigestJobDeps, DigestRunCounts } from './digest-job.js';
export { digestOptionsSpec, parseDigestOptions, digestLimits } from './options.js';
export type { DigestOptions, DigestOptionsInput } from './options.js';
export { readDigestNumbers, digestUsersSql, digestLinksSql, digestTopSql } from './digest-report.js';
export type { DigestNumbers, DigestLinkNumbers, DigestTopEntry, DigestInputFiles } from './digest-report.js';
export type { DigestDay } from './digest-day.js';
export { buildReport, countChanges, isMaterialChange } from './digest-content.js';
export type { DigestReport, DigestMessageInput, CountChange } from './digest-content.js';
export { buildDigestMessage, digestMessageId, digestDate } from './digest-message.js';
export { renderDigest } from './digest-render.js';
