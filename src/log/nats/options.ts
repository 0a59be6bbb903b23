// The JetStream log's options: each field's default, unit and bounds, validated once
// (CONVENTIONS.md rule 10). docs/log-nats.md explains the choices.
import { limits, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';

const dayMs = 24 * 60 * 60 * 1000;
// Stream and bucket names become subject tokens and file names on the server.
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;
const subjectPrefixPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const natsLogOptionsSpec = {
  servers: { kind: 'string', nonEmpty: true, default: 'nats://127.0.0.1:4222', doc: 'NATS server URLs, comma-separated' },
  stream: { kind: 'string', pattern: namePattern, default: 'clickflow-events', doc: 'JetStream stream holding the log; created if absent' },
  subjectPrefix: {
    kind: 'string',
    pattern: subjectPrefixPattern,
    default: 'clickflow.events',
    doc: 'partition p is the subject <prefix>.p.<p>',
  },
  partitions: {
    kind: 'integer',
    min: 1,
    max: limits.partitionsMax,
    default: 8,
    doc: 'partition count, fixed when the stream is created; opening it with another count is an error',
  },
  replicas: { kind: 'integer', min: 1, max: 5, default: 1, doc: 'copies of the stream in a JetStream cluster' },
  retentionMs: { kind: 'integer', min: 0, default: 7 * dayMs, doc: 'applyRetention removes messages older than this many ms (0: keep)' },
  retentionBytes: {
    kind: 'integer',
    min: 0,
    default: 0,
    doc: 'applyRetention keeps at most about this many bytes per partition, removing its oldest messages (0: no limit)',
  },
  duplicateWindowMs: {
    kind: 'integer',
    min: 100,
    max: 7 * dayMs,
    default: limits.dedupeWindowMsDefault,
    doc: "ms JetStream remembers a message id (the stream's duplicate window): a retried append within it is stored once",
  },
  recordsPerMessageMax: {
    kind: 'integer',
    min: 1,
    max: limits.natsRecordsPerMessageMax,
    default: limits.natsRecordsPerMessageMax,
    doc: 'records packed into one JetStream message at most',
  },
  messageBytesMax: {
    kind: 'integer',
    min: 1024,
    max: limits.natsMessageBytesMax,
    default: limits.natsMessageBytesDefault,
    doc: "packing target of one message's payload in bytes (lowered to the server's max_payload); a larger record goes alone",
  },
  publishesInFlightMax: {
    kind: 'integer',
    min: 1,
    max: limits.natsPublishesInFlightMax,
    default: limits.natsPublishesInFlightDefault,
    doc: 'publishes awaiting their JetStream ack at once, over all appends',
  },
  requestTimeoutMs: {
    kind: 'integer',
    min: 100,
    max: 120_000,
    default: limits.natsRequestTimeoutMsDefault,
    doc: 'ms to wait for a publish ack or an API answer before retrying (publishes) or failing',
  },
  offsetsBucket: {
    kind: 'string',
    pattern: namePattern,
    default: 'clickflow-offsets',
    doc: "JetStream KV bucket of consumer offsets and retention cut points, keyed by stream; created if absent",
  },
} as const;

export type NatsLogOptionsSpec = typeof natsLogOptionsSpec;
/** Options of {@link createNatsLog}; every field has a default. */
export type NatsLogOptions = OptionsInput<NatsLogOptionsSpec>;
export type ParsedNatsLogOptions = OptionsOf<NatsLogOptionsSpec>;

export function parseNatsLogOptions(input: NatsLogOptions = {}): ParsedNatsLogOptions {
  return parseOptions('nats log', natsLogOptionsSpec, input);
}

/** The subject of one partition. */
export function partitionSubject(options: ParsedNatsLogOptions, partition: number): string {
  return `${options.subjectPrefix}.p.${partition}`;
}

/** The wildcard covering every partition's subject: the stream's only subject. */
export function allPartitionsSubject(options: ParsedNatsLogOptions): string {
  return `${options.subjectPrefix}.p.*`;
}

/** The partition of a subject of this log, or undefined for any other subject. */
export function partitionOfSubject(options: ParsedNatsLogOptions, subject: string): number | undefined {
  const prefix = `${options.subjectPrefix}.p.`;
  if (!subject.startsWith(prefix)) return undefined;
  const partition = Number(subject.slice(prefix.length));
  return Number.isInteger(partition) && partition >= 0 && partition < options.partitions ? partition : undefined;
}
