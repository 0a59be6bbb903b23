// The jobs the counters operator runs in: `speed`, the production job (the click header decoder,
// the fraud operator, then the counters operator on the same batch, so counters split suspicious
// clicks by the flags fraud has just written), and `counters`, the counters operator alone (tests,
// and deployments without fraud detection). Exactly one job with a counters operator should run
// against one store: both write the `link_counters` and `link_visitors` views.
import { clickHeaderDecoder, type ClickBatch, type JobDefinition, type JobRegistry, type Operator } from '../../stream/index.js';
import { createCountersOperator } from './counters-operator.js';
import type { CountersOperatorOptionsInput } from './options.js';

export const countersJobName = 'counters';
export const speedJobName = 'speed';

export function countersJob(options: CountersOperatorOptionsInput = {}): JobDefinition<ClickBatch> {
  return { name: countersJobName, decoder: clickHeaderDecoder(), operators: [createCountersOperator(options)], commitsOverlap: true };
}

export interface SpeedJobParts {
  /**
   * The fraud operator (`createFraudOperator()` from src/jobs/fraud), run first. Without it the
   * job still counts, and no click is suspicious.
   */
  fraud?: Operator<ClickBatch>;
  counters?: CountersOperatorOptionsInput;
}

/** The speed layer's job: decode once, fraud flags each click, counters read the flags. */
export function speedJob(parts: SpeedJobParts = {}): JobDefinition<ClickBatch> {
  const counters = createCountersOperator(parts.counters);
  // Neither operator has an `onCommit`: commits may overlap processing.
  return { name: speedJobName, decoder: clickHeaderDecoder(), operators: parts.fraud === undefined ? [counters] : [parts.fraud, counters], commitsOverlap: true };
}

/** Both jobs with default options, as a worker process builds them by name. */
export const countersStreamJobs: JobRegistry = {
  [countersJobName]: () => countersJob() as unknown as JobDefinition,
  [speedJobName]: () => speedJob() as unknown as JobDefinition,
};
