// The hourly rollup as an orchestrator job: partition = a UTC hour, ready once its lake hour is
// sealed, due at `hourlyCron` for the hour before. docs/rollups.md describes what it writes.
import { hourPartitions, type JobDefinition } from '../../orchestrator/index.js';
import { runHourlyRollup, type RollupDeps } from './hourly-rollup.js';
import { parseRollupOptions, type RollupOptionsInput } from './options.js';

export const hourlyRollupJobName = 'hourly-rollup';

export function hourlyRollupJob(deps: RollupDeps, input: RollupOptionsInput): JobDefinition {
  const options = parseRollupOptions(input);
  return {
    name: hourlyRollupJobName,
    description: 'raw clicks of a sealed lake hour → deduplicated, fraud-flagged counts per link and 15-minute slice',
    partitions: hourPartitions,
    schedule: { cron: options.hourlyCron },
    async ready(hour) {
      const seal = await deps.store.lakeSeals.get(hourPartitions.bounds(hour).startMs);
      return seal !== undefined || { ready: false, reason: `lake hour ${hour} is not sealed` };
    },
    timeoutMs: options.timeoutMs,
    run: (context) => runHourlyRollup(deps, options, context),
  };
}
