// A tiny job on the engine, to prove it end to end: clicks per link per event-time minute,
// partition-local (the serving layer adds a key's rows over partitions). The real counters and
// fraud jobs live in src/jobs.
import {
  clickHeaderDecoder,
  createWindowAggregateOperator,
  float64Codec,
  tumblingWindows,
  type ClickBatch,
  type JobDefinition,
  type JobRegistry,
} from '../../src/stream/index.js';

export const exampleJobName = 'link-minute-counts';
export const exampleView = 'link_minute_counts';
export const exampleAllowedLatenessMs = 5_000;

export function linkMinuteCountsJob(): JobDefinition<ClickBatch> {
  return {
    name: exampleJobName,
    decoder: clickHeaderDecoder(),
    operators: [
      createWindowAggregateOperator<number, ClickBatch>({
        name: 'minute-counts',
        key: (batch, row) => batch.linkIds[row]!,
        assigner: tumblingWindows(60_000),
        allowedLatenessMs: exampleAllowedLatenessMs,
        aggregate: { create: () => 0, add: (count) => count + 1 },
        codec: float64Codec(),
        view: exampleView,
      }),
    ],
  };
}

/** The registry a worker process loads (`registryModule`). */
export const streamJobs: JobRegistry = { [exampleJobName]: linkMinuteCountsJob };
