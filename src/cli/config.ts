// clickflow's configuration: one typed spec, filled from command-line flags, then environment
// variables (CLICKFLOW_<NAME> in upper snake case), then defaults. Validated once, naming the field.
import { OptionsError, limits, parseOptions, type OptionsOf } from '../core/index.js';

export const configSpec = {
  dataDir: { kind: 'string', default: './data', nonEmpty: true, doc: 'folder for the log, the store and the lake' },
  port: { kind: 'integer', default: 8080, min: 0, max: 65_535, doc: 'HTTP port for redirects, the API and the dashboard (0: any free port)' },
  host: { kind: 'string', default: '0.0.0.0', nonEmpty: true, doc: 'address the HTTP server listens on' },
  partitions: { kind: 'integer', default: 8, min: 1, max: 1024, doc: 'event log partitions (fixed when the log is created)' },
  logBackend: { kind: 'enum', values: ['segmented', 'nats'], default: 'segmented', doc: 'event log backend' },
  natsUrl: { kind: 'string', default: 'nats://127.0.0.1:4222', doc: 'NATS server for the nats log backend' },
  groupCommitIntervalMs: { kind: 'integer', default: 1, min: 0, max: 1_000, doc: 'longest wait for a group commit (segmented log), ms' },
  durableRedirects: { kind: 'boolean', default: true, doc: 'answer a redirect only once its click is durable' },
  trustedProxies: { kind: 'string', default: '', doc: 'comma-separated CIDR ranges whose X-Forwarded-For is believed' },
  countryHeader: { kind: 'string', default: '', doc: 'header carrying the visitor country from a trusted edge, e.g. cf-ipcountry' },
  geoipDatabase: { kind: 'string', default: '', doc: 'path of a MaxMind country database (.mmdb) for countries' },
  ingestWorkers: { kind: 'integer', default: 0, min: 0, max: limits.ingestWorkersMax, doc: 'worker threads parsing ingest requests (0: one per core)' },
  streamWorkers: { kind: 'integer', default: 0, min: 0, max: 64, doc: 'processes running the speed layer (fraud + counters) (0: half the cores, at least one)' },
  stream: { kind: 'boolean', default: true, doc: 'run the stream layer (speed job and archiver) in this process tree' },
  archiverCheckpointIntervalMs: {
    kind: 'integer',
    default: limits.archiverCheckpointIntervalMsDefault,
    min: 200,
    max: 3_600_000,
    doc: 'ms between the archiver\'s checkpoints: how far the lake trails the log, and about how many files an hour gets per partition (3,600,000 / this)',
  },
  lakeSealIntervalMs: { kind: 'integer', default: limits.lakeSealIntervalMsDefault, min: 100, max: 3_600_000, doc: 'ms between the lake sealer\'s runs (sealing hours, noticing late files)' },
  batch: { kind: 'boolean', default: true, doc: 'run the batch layer (lake sealer and orchestrator) in this process tree' },
  fraudWebhookUrl: { kind: 'string', default: '', doc: 'where fraud verdict changes are POSTed, signed (empty: no webhook)' },
  fraudWebhookSecret: { kind: 'string', default: '', doc: 'HMAC-SHA256 key of the fraud webhook signature (required with its url)' },
  alertWebhookUrl: { kind: 'string', default: '', doc: 'where batch failure alerts are POSTed (empty: log and dashboard only)' },
  smtpUrl: { kind: 'string', default: '', doc: 'SMTP server for digest mail, e.g. smtps://user:pass@mail.example.com (empty: .eml files in <dataDir>/outbox)' },
  mailFrom: { kind: 'string', default: 'clickflow <digest@clickflow.invalid>', doc: 'sender of digest mail' },
  billingGraceDays: { kind: 'integer', default: 3, min: 0, max: 60, doc: 'days after a month ends before its invoices are final (late data after: adjustments)' },
  metricsAccess: { kind: 'enum', values: ['operator', 'open'], default: 'operator', doc: 'who may read /metrics: the operator token only, or anyone who can reach the port (a trusted network)' },
  adminToken: { kind: 'string', default: '', doc: 'operator token for account management (default: generated into the data folder)' },
  logLevel: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', doc: 'log level' },
} as const;

export type Config = OptionsOf<typeof configSpec>;

export function envName(field: string): string {
  return `CLICKFLOW_${field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

function fromText(field: string, text: string): unknown {
  const spec = configSpec[field as keyof typeof configSpec];
  if (spec.kind === 'integer') {
    if (!/^-?\d+$/.test(text.trim())) throw new OptionsError('config', field, `"${text}" is not a whole number`);
    return Number(text);
  }
  if (spec.kind === 'boolean') {
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw new OptionsError('config', field, `"${text}" is not true or false`);
  }
  return text;
}

/** Merges flags (already named by field), environment variables and defaults. */
export function loadConfig(flags: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const field of Object.keys(configSpec)) {
    const flag = flags[field];
    const text = env[envName(field)];
    if (flag !== undefined) input[field] = typeof flag === 'string' ? fromText(field, flag) : flag;
    else if (text !== undefined && text !== '') input[field] = fromText(field, text);
  }
  return parseOptions('config', configSpec, input as never);
}
