// The fraud detector as a job of its own (the header decoder and the fraud operator), and a
// registry a worker process can load. A job that also counts clicks puts the counters operator
// after `createFraudOperator()` in the same job, so it reads the flags of the same batch.
import { clickHeaderDecoder, type ClickBatch, type JobDefinition, type JobRegistry } from '../../stream/index.js';
import { createFraudOperator } from './fraud-operator.js';
import type { FraudOperatorOptionsInput } from './options.js';

export const fraudJobName = 'fraud';

export function fraudJob(options: FraudOperatorOptionsInput = {}): JobDefinition<ClickBatch> {
  return { name: fraudJobName, decoder: clickHeaderDecoder(), operators: [createFraudOperator(options)] };
}

/** For `StreamWorkerConfig.registryModule`: the fraud job with default options. */
export const fraudStreamJobs: JobRegistry = { [fraudJobName]: () => fraudJob() as unknown as JobDefinition };
