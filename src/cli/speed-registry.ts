// The stream job registry `clickflow start` hands its speed-layer workers: the `speed` job, fraud
// then counters on the same batch (the counters read the fraud verdict of each click).
import { speedJob, speedJobName } from '../jobs/counters/index.js';
import { createFraudOperator } from '../jobs/fraud/index.js';
import type { JobDefinition, JobRegistry } from '../stream/index.js';

export const streamJobs: JobRegistry = {
  [speedJobName]: () => speedJob({ fraud: createFraudOperator() }) as unknown as JobDefinition,
};
