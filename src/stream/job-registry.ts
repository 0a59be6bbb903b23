// Finds a job by name in a registry module, so a worker process can build jobs written elsewhere.
import { pathToFileURL } from 'node:url';
import { StreamError } from './errors.js';
import type { JobDefinition, JobRegistry } from './types.js';

export function buildJob(registry: JobRegistry, name: string): JobDefinition {
  const make = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (make === undefined) throw new StreamError('unknown_job', `no registered job has this name; known: ${Object.keys(registry).join(', ') || 'none'}`, { job: name });
  const job = make();
  if (job.name !== name) throw new StreamError('unknown_job', `the registry entry builds a job named ${job.name}`, { job: name });
  return job;
}

/** Imports `streamJobs` from a module given as a file path or URL. */
export async function loadJobRegistry(module: string): Promise<JobRegistry> {
  const url = /^[a-z]+:/i.test(module) && !/^[a-z]:[\\/]/i.test(module) ? module : pathToFileURL(module).href;
  const loaded = (await import(url)) as { streamJobs?: JobRegistry };
  if (typeof loaded.streamJobs !== 'object' || loaded.streamJobs === null) {
    throw new StreamError('unknown_job', `${module} exports no streamJobs registry`, { job: '(registry)' });
  }
  return loaded.streamJobs;
}
