// The rollup jobs' options: each field's default, unit and bounds (CONVENTIONS.md rule 10), and
// the rollups' own limits. The fraud thresholds are the speed layer's (src/jobs/fraud), so a sealed
// hour's verdicts are the ones the stream would give. docs/rollups.md explains the defaults.
import { limits, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';
import { parseFraudRuleOptions, type FraudRuleOptions, type FraudRuleOptionsInput } from '../fraud/index.js';

/** Bounds of the rollups (kept here, beside the only code that uses them). */
export const rollupLimits = {
  /** Clicks of one lake hour a run reads at most: the fraud pass keeps 33 bytes per click in memory. */
  hourClicksMax: 200_000_000,
  /** Values per (link, dimension) published to the store for one hour; the rest are summed as `(other)`. */
  breakdownValuesPerLinkMax: 1_000,
  /** Rows of one publication (slices, visitors and breakdowns together) sent to the store. */
  publicationRowsMax: 20_000_000,
  /** Users whose time zone one daily run looks up. */
  zoneUsersMax: 5_000_000,
  /** Clicks of an hour from which `fraudThreads: 0` uses worker threads (below, starting them costs more than it saves). */
  fraudThreadClicksMin: 100_000,
  /** Worker threads `fraudThreads: 0` uses. */
  fraudThreadsAuto: 2,
  /** Failing rows a data check quotes in its error. */
  checkRowsQuoted: 3,
} as const;

export const rollupOptionsSpec = {
  dataDir: { kind: 'string', nonEmpty: true, default: '', doc: 'the data folder; outputs go under <dataDir>/rollups/' },
  partitions: { kind: 'integer', default: 0, min: 1, max: limits.partitionsMax, doc: "the event log's partition count (the fraud rule runs once per partition, as in the stream)" },
  duckdbThreads: { kind: 'integer', default: 2, min: 1, max: 256, doc: "threads of a run's DuckDB" },
  fraudThreads: {
    kind: 'integer',
    default: 0,
    min: 0,
    max: 64,
    doc: "threads the fraud rule runs on (log partitions are spread over them); 1: the run's own thread; 0: 2 worker threads from 100,000 clicks an hour, else 1",
  },
  duckdbMemoryMib: { kind: 'integer', default: 2_048, min: 64, max: 1024 * 1024, doc: "memory of a run's DuckDB, in MiB (beyond it DuckDB spills to <dataDir>/rollups/.duckdb-tmp)" },
  breakdownValuesPerLink: {
    kind: 'integer',
    default: 50,
    min: 1,
    max: rollupLimits.breakdownValuesPerLinkMax,
    doc: 'values per link and dimension published to the store per hour, most clicks first; the rest are summed as (other) (files keep every value)',
  },
  timeoutMs: { kind: 'integer', default: 30 * 60_000, min: 1_000, max: 24 * 3_600_000, doc: 'longest attempt of one run, in ms' },
  hourlyCron: { kind: 'string', nonEmpty: true, default: '15 * * * *', doc: 'when hours fall due (UTC); the hour before is built once its lake hour is sealed' },
  dailyCron: { kind: 'string', nonEmpty: true, default: '30 12 * * *', doc: 'when days fall due (UTC); a day needs its hours up to 12:00 of the next day (zones down to UTC-12)' },
} as const;

export type RollupOptions = OptionsOf<typeof rollupOptionsSpec> & { readonly fraud: FraudRuleOptions };
export type RollupOptionsInput = OptionsInput<typeof rollupOptionsSpec> & { readonly fraud?: FraudRuleOptionsInput };

/** Merges the defaults, validates every field (naming it) and the fraud thresholds. */
export function parseRollupOptions(input: RollupOptionsInput): RollupOptions {
  const { fraud, ...rest } = input;
  // dataDir and partitions have no usable default: left out, they fail naming the field.
  const options = parseOptions('rollups', rollupOptionsSpec, rest);
  return { ...options, fraud: parseFraudRuleOptions(fraud ?? {}) };
}
