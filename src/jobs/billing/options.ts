// The billing job's options: each field's default, unit and bounds (CONVENTIONS.md rule 10).
// docs/billing.md explains them.
import { OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';

const dayMs = 24 * 60 * 60 * 1000;

/** Billing's own bounds (kept here, not in src/core/limits.ts, as the job is their only user). */
export const billingLimits = {
  graceMsMax: 60 * dayMs,
  /** Accounts one month's run may invoice; one more fails the run. */
  accountsPerRunMax: 10_000_000,
} as const;

export const billingOptionsSpec = {
  dataDir: { kind: 'string', nonEmpty: true, default: '', doc: 'the data folder: daily rollups are read from rollups/daily/, invoices go to invoices/<month>/' },
  graceMs: {
    kind: 'integer',
    default: 3 * dayMs,
    min: 0,
    max: billingLimits.graceMsMax,
    doc: "how long after a month's end its invoices wait for late data before they are built, final, in ms",
  },
  schedule: { kind: 'string', nonEmpty: true, default: '0 3 * * *', doc: 'cron (UTC) at which the latest month past its grace falls due (it runs once; later fires find it built)' },
  duckdbThreads: { kind: 'integer', default: 2, min: 1, max: 256, doc: "threads of the job's DuckDB" },
  duckdbMemoryMib: { kind: 'integer', default: 1024, min: 64, max: 1024 * 1024, doc: "memory of the job's DuckDB, in MiB" },
} as const;

export type BillingOptions = OptionsOf<typeof billingOptionsSpec>;
export type BillingOptionsInput = OptionsInput<typeof billingOptionsSpec>;

export function parseBillingOptions(input: BillingOptionsInput): BillingOptions {
  return parseOptions('billing', billingOptionsSpec, input, (options) => {
    if (options.dataDir === '') throw new OptionsError('billing', 'dataDir', 'is required: the data folder the daily rollups are in');
  });
}
