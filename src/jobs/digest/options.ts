// The digest job's options: each field's default, unit and bounds (CONVENTIONS.md rule 10).
// docs/digest.md explains them. With `smtpHost` set, digests go out over SMTP; without it they are
// written as `.eml` files to `<dataDir>/outbox/<day>/`.
import { OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';

/** The digest's own bounds (kept here, not in src/core/limits.ts, as the job is their only user). */
export const digestLimits = {
  /** Links listed in one digest (the busiest first); the rest are summed in one line. */
  linksPerDigestMax: 500,
  /** Entries of each top list (countries, referrers, devices). */
  topEntriesMax: 50,
  /** Users one run may mail; one more fails the run (a bound on the ledger writes per run). */
  usersPerRunMax: 10_000_000,
} as const;

export const digestOptionsSpec = {
  dataDir: { kind: 'string', nonEmpty: true, default: '', doc: 'the data folder: daily rollups are read from rollups/daily/, .eml files go to outbox/' },
  from: { kind: 'string', nonEmpty: true, default: 'clickflow <digest@clickflow.localhost>', doc: 'the From address of every digest; its domain ends each Message-ID' },
  smtpHost: { kind: 'optional-string', default: undefined, doc: 'SMTP server; unset: digests are written as .eml files to <dataDir>/outbox/' },
  smtpPort: { kind: 'integer', default: 587, min: 1, max: 65_535, doc: 'SMTP port' },
  smtpSecure: { kind: 'boolean', default: false, doc: 'TLS from the first byte (port 465); false: STARTTLS when the server offers it' },
  smtpUser: { kind: 'optional-string', default: undefined, doc: 'SMTP user name (AUTH); needs smtpPassword' },
  smtpPassword: { kind: 'optional-string', default: undefined, doc: 'SMTP password' },
  smtpTimeoutMs: { kind: 'integer', default: 30_000, min: 100, max: 600_000, doc: 'connection, greeting and socket timeout of the SMTP client, in ms' },
  linksPerDigest: { kind: 'integer', default: 20, min: 1, max: digestLimits.linksPerDigestMax, doc: 'links listed per digest, the busiest first' },
  topEntries: { kind: 'integer', default: 5, min: 1, max: digestLimits.topEntriesMax, doc: 'entries of each top list (countries, referrers, devices)' },
  correctionClicksMin: {
    kind: 'integer',
    default: 10,
    min: 1,
    max: 1_000_000_000,
    doc: 'a correction needs a count (total or one link) to change by at least this many clicks ...',
  },
  correctionFraction: { kind: 'number', default: 0.01, min: 0, max: 1, doc: '... and by at least this fraction of the count sent before (0.01: 1%)' },
  schedule: { kind: 'string', nonEmpty: true, default: '0 13 * * *', doc: 'cron (UTC) at which the day before falls due (its daily rollup is built after 12:00 UTC)' },
  duckdbThreads: { kind: 'integer', default: 2, min: 1, max: 256, doc: "threads of the job's DuckDB" },
  duckdbMemoryMib: { kind: 'integer', default: 1024, min: 64, max: 1024 * 1024, doc: "memory of the job's DuckDB, in MiB" },
} as const;

export type DigestOptions = OptionsOf<typeof digestOptionsSpec>;
export type DigestOptionsInput = OptionsInput<typeof digestOptionsSpec>;

export function parseDigestOptions(input: DigestOptionsInput): DigestOptions {
  return parseOptions('digest', digestOptionsSpec, input, (options) => {
    if (options.dataDir === '') throw new OptionsError('digest', 'dataDir', 'is required: the data folder the daily rollups are in');
    if ((options.smtpUser === undefined) !== (options.smtpPassword === undefined)) {
      throw new OptionsError('digest', options.smtpUser === undefined ? 'smtpUser' : 'smtpPassword', 'smtpUser and smtpPassword go together');
    }
    if (options.smtpUser !== undefined && options.smtpHost === undefined) throw new OptionsError('digest', 'smtpUser', 'needs smtpHost');
    if (!/<?[^\s<>@]+@[^\s<>@]+>?\s*$/.test(options.from)) throw new OptionsError('digest', 'from', `must hold an address such as digest@example.com (got ${JSON.stringify(options.from)})`);
  });
}

/** The domain of the From address, for Message-IDs. */
export function senderDomain(from: string): string {
  const match = /@([^\s<>@]+)>?\s*$/.exec(from);
  return match ? match[1]!.toLowerCase() : 'clickflow.localhost';
}

/** The bare address of the From header, for the SMTP envelope. */
export function senderAddress(from: string): string {
  const match = /<([^<>]+)>\s*$/.exec(from);
  return (match ? match[1]! : from).trim();
}
