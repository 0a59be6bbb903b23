// Strict validation of a whole click event. Every field is checked and every problem reported,
// each naming its field, so a rejected line's 4xx and dead-letter entry say all that must be fixed
// at once. Nothing is coerced: a sender that writes "123" for a number has a bug worth hearing of.
import { limits, parseOptions, type OptionsInput, type OptionsOf } from '../core/index.js';
import {
  asRecord,
  checkBoolean,
  checkCountry,
  checkDevice,
  checkEventId,
  checkIp,
  checkKnownFields,
  checkSource,
  checkText,
  checkTimeMs,
  ownField,
  type Problems,
} from './field-checks.js';
import type { ClickEvent, FieldProblem, ValidationResult } from './types.js';

export const clickValidationSpec = {
  maxFutureSkewMs: {
    kind: 'integer',
    default: limits.eventFutureSkewMsDefault,
    min: 0,
    doc: 'how far after this node\'s clock an event time may be, in ms (clock skew of redirect nodes and importers)',
  },
  maxPastAgeMs: {
    kind: 'integer',
    default: limits.eventPastAgeMsDefault,
    min: 0,
    doc: 'how far before this node\'s clock an event time may be, in ms; older clicks are refused',
  },
} as const;

/** The accepted window of event times around a node's clock; parsed once, used per event. */
export type ClickValidationPolicy = OptionsOf<typeof clickValidationSpec>;
export type ClickValidationOptions = OptionsInput<typeof clickValidationSpec>;

export function parseClickValidationPolicy(options: ClickValidationOptions = {}): ClickValidationPolicy {
  return parseOptions('click validation', clickValidationSpec, options);
}

/** Checks `eventTimeMs` against the window around `nowMs`. */
export function checkEventTimeMs(problems: Problems, value: unknown, policy: ClickValidationPolicy, nowMs: number): number {
  return checkTimeMs(problems, 'eventTimeMs', value, nowMs - policy.maxPastAgeMs, nowMs + policy.maxFutureSkewMs);
}

/**
 * Ingest time is when clickflow accepted the event: the event time was inside the window then, and
 * a clickflow node's clock is no further ahead of this one than a sender's may be.
 */
function checkIngestTimeMs(problems: Problems, value: unknown, eventTimeMs: number, policy: ClickValidationPolicy, nowMs: number): number {
  const latestMs = Math.min(eventTimeMs + policy.maxPastAgeMs, nowMs + policy.maxFutureSkewMs);
  return checkTimeMs(problems, 'ingestTimeMs', value, eventTimeMs - policy.maxFutureSkewMs, latestMs);
}

const clickEventFields: ReadonlySet<string> = new Set<keyof ClickEvent>([
  'id', 'eventTimeMs', 'ingestTimeMs', 'linkId', 'slug', 'userId', 'accountId', 'ip', 'userAgent', 'referrer',
  'country', 'device', 'browser', 'os', 'bot', 'head', 'source',
]);

/** Bounds of the free-text fields (UTF-8 bytes), shared with the import line. */
export const textBounds = {
  entityId: { minBytes: 1, maxBytes: limits.entityIdBytesMax },
  slug: { minBytes: 1, maxBytes: limits.slugBytesMax },
  userAgent: { minBytes: 0, maxBytes: limits.userAgentBytesMax },
  referrer: { minBytes: 0, maxBytes: limits.referrerBytesMax },
  class: { minBytes: 0, maxBytes: limits.classBytesMax },
} as const;

/**
 * Validates a whole click event (as produced inside clickflow) against the time window around
 * `nowMs`. Unknown fields are refused; the IP comes back in canonical text.
 */
export function validateClickEvent(input: unknown, policy: ClickValidationPolicy, nowMs: number): ValidationResult {
  const problems: Problems = [];
  const record = asRecord(problems, 'event', input);
  if (record === undefined) return { ok: false, problems };
  checkKnownFields(problems, record, clickEventFields, () => `unknown field; a click event has ${[...clickEventFields].join(', ')}`);
  const field = (name: keyof ClickEvent) => ownField(record, name);
  const problemsBefore = problems.length;
  const eventTimeMs = checkEventTimeMs(problems, field('eventTimeMs'), policy, nowMs);
  // Ingest time is judged against event time only when event time itself is sound.
  const ingestTimeMs =
    problems.length === problemsBefore
      ? checkIngestTimeMs(problems, field('ingestTimeMs'), eventTimeMs, policy, nowMs)
      : checkTimeMs(problems, 'ingestTimeMs', field('ingestTimeMs'), 0, Number.MAX_SAFE_INTEGER);
  const event: ClickEvent = {
    id: checkEventId(problems, 'id', field('id'), limits.eventIdBytesMax),
    eventTimeMs,
    ingestTimeMs,
    linkId: checkText(problems, 'linkId', field('linkId'), textBounds.entityId),
    slug: checkText(problems, 'slug', field('slug'), textBounds.slug),
    userId: checkText(problems, 'userId', field('userId'), textBounds.entityId),
    accountId: checkText(problems, 'accountId', field('accountId'), textBounds.entityId),
    ip: checkIp(problems, 'ip', field('ip')),
    userAgent: checkText(problems, 'userAgent', field('userAgent'), textBounds.userAgent),
    referrer: checkText(problems, 'referrer', field('referrer'), textBounds.referrer),
    country: checkCountry(problems, 'country', field('country')),
    device: checkDevice(problems, 'device', field('device')),
    browser: checkText(problems, 'browser', field('browser'), textBounds.class),
    os: checkText(problems, 'os', field('os'), textBounds.class),
    bot: checkBoolean(problems, 'bot', field('bot')),
    head: checkBoolean(problems, 'head', field('head')),
    source: checkSource(problems, 'source', field('source')),
  };
  return problems.length === 0 ? { ok: true, event } : { ok: false, problems: sortProblems(problems) };
}

const fieldOrder = new Map([...clickEventFields].map((name, index) => [name, index]));

/** Problems in the event's field order (unknown fields last), so messages read predictably. */
export function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  const rank = (problem: FieldProblem) => fieldOrder.get(problem.field) ?? fieldOrder.size;
  return problems.sort((a, b) => rank(a) - rank(b));
}

/** One line for a 4xx body or a dead-letter reason: `eventTimeMs: must be ...; ip: ...`. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map(({ field, problem }) => `${field}: ${problem}`).join('; ');
}
