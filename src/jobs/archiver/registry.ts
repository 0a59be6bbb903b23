// A job registry module for stream worker processes (`registryModule` of startStreamWorkers). A
// worker builds jobs by name with no arguments, so the archiver's options travel in the
// CLICKFLOW_ARCHIVER environment variable (JSON of ArchiverOptionsInput), which forked workers
// inherit: set it with `archiverEnvironment(options)` before starting them.
import type { JobRegistry } from '../../stream/index.js';
import { archiverStreamJobs } from './archiver-job.js';
import type { ArchiverOptionsInput } from './options.js';

export const archiverConfigVariable = 'CLICKFLOW_ARCHIVER';

/** The environment entry carrying `options` to worker processes. */
export function archiverEnvironment(options: ArchiverOptionsInput): Record<string, string> {
  return { [archiverConfigVariable]: JSON.stringify(options) };
}

/** The options in the environment; the job refuses to start without them. */
export function archiverOptionsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): ArchiverOptionsInput {
  const text = environment[archiverConfigVariable];
  return text === undefined ? {} : (JSON.parse(text) as ArchiverOptionsInput);
}

export const streamJobs: JobRegistry = {
  archiver: () => archiverStreamJobs(archiverOptionsFromEnvironment()).archiver!(),
};
