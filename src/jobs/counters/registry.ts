// A job registry module for stream worker processes (`registryModule` of startStreamWorkers):
// the `counters` and `speed` jobs with default options.
import type { JobRegistry } from '../../stream/index.js';
import { countersStreamJobs } from './counters-jobs.js';

export const streamJobs: JobRegistry = countersStreamJobs;
