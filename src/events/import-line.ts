// Clicks imported from another shortener: `POST /v1/events` with one JSON object per line, e.g.
// {"id":"abc","eventTimeMs":1767225600000,"slug":"promo","ip":"203.0.113.7","userAgent":"...",
//  "referrer":"https://news.example/","country":"DE"}
// Validation is in two steps so an ingest handler can resolve the slugs of a whole request in one
// store query between them: `validateImportLine` checks what the sender wrote, `completeImportLine`
// adds what only clickflow knows. `validateImportedClick` does both for a synchronous resolver.
import { assert, limits } from '../core/index.js';
import {
  asRecord,
  checkBoolean,
  checkCountry,
  checkDevice,
  checkEventId,
  checkIp,
  checkKnownFields,
  checkText,
  ownField,
  type Problems,
} from './field-checks.js';
import type { ClickEvent, ImportLine, ImportLineResult, LinkOwnership, UserAgentTraits, ValidationResult } from './types.js';
import { checkEventTimeMs, sortProblems, textBounds, type ClickValidationPolicy } from './validate.js';

const importLineFields: ReadonlySet<string> = new Set([
  'id', 'eventTimeMs', 'slug', 'ip', 'userAgent', 'referrer', 'country', 'device', 'browser', 'os', 'bot', 'head',
]);

/** Event fields a sender may not set, and why: a client must not choose whose link it bills. */
const stampedFields: ReadonlyMap<string, string> = new Map([
  ['ingestTimeMs', 'is stamped by clickflow when it accepts the line; remove it'],
  ['linkId', 'comes from the slug; send "slug" instead'],
  ['userId', 'comes from the slug; send "slug" instead'],
  ['accountId', 'comes from the slug; send "slug" instead'],
  ['source', 'is set by clickflow ("import" for this endpoint); remove it'],
]);

function explainField(field: string): string {
  return stampedFields.get(field) ?? `unknown field; an import line has ${[...importLineFields].join(', ')}`;
}

/** Checks `value` only when the sender gave it; undefined means "not given". */
function optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

/**
 * Validates the sender's side of one import line: its own fields, strictly, every problem
 * reported. `nowMs` is the ingest time, which the event time must lie near (see the policy).
 */
export function validateImportLine(input: unknown, policy: ClickValidationPolicy, nowMs: number): ImportLineResult {
  const problems: Problems = [];
  const record = asRecord(problems, 'line', input);
  if (record === undefined) return { ok: false, problems };
  checkKnownFields(problems, record, importLineFields, explainField);
  const field = (name: string) => ownField(record, name);
  const line: ImportLine = {
    id: optional(field('id'), (value) => checkEventId(problems, 'id', value, limits.eventIdBytesMax)),
    eventTimeMs: checkEventTimeMs(problems, field('eventTimeMs'), policy, nowMs),
    slug: checkText(problems, 'slug', field('slug'), textBounds.slug),
    ip: checkIp(problems, 'ip', field('ip')),
    userAgent: optional(field('userAgent'), (value) => checkText(problems, 'userAgent', value, textBounds.userAgent)) ?? '',
    referrer: optional(field('referrer'), (value) => checkText(problems, 'referrer', value, textBounds.referrer)) ?? '',
    country: optional(field('country'), (value) => checkCountry(problems, 'country', value)) ?? '',
    head: optional(field('head'), (value) => checkBoolean(problems, 'head', value)) ?? false,
    device: optional(field('device'), (value) => checkDevice(problems, 'device', value)),
    browser: optional(field('browser'), (value) => checkText(problems, 'browser', value, textBounds.class)),
    os: optional(field('os'), (value) => checkText(problems, 'os', value, textBounds.class)),
    bot: optional(field('bot'), (value) => checkBoolean(problems, 'bot', value)),
  };
  return problems.length === 0 ? { ok: true, line } : { ok: false, problems: sortProblems(problems) };
}

/** What clickflow adds to a validated import line. */
export interface ImportCompletion {
  /** When clickflow accepted the line, in ms since the epoch. */
  ingestTimeMs: number;
  /** The link the line's slug names. */
  link: LinkOwnership;
  /** Makes an id for a line that came without one. */
  newEventId: () => string;
  /**
   * Derives the traits the sender left out from the user agent. A hook for a UA parser, which
   * clickflow does not have yet; without it, missing traits stay unknown.
   */
  describeUserAgent?: (userAgent: string) => UserAgentTraits;
}

/** The traits the sender left out, from the hook; its output is checked like input, as a bug guard. */
function derivedTraits(line: ImportLine, completion: ImportCompletion): UserAgentTraits {
  const given = [line.device, line.browser, line.os, line.bot];
  if (completion.describeUserAgent === undefined || given.every((trait) => trait !== undefined)) return {};
  const traits = completion.describeUserAgent(line.userAgent);
  const problems: Problems = [];
  if (traits.device !== undefined) checkDevice(problems, 'device', traits.device);
  if (traits.browser !== undefined) checkText(problems, 'browser', traits.browser, textBounds.class);
  if (traits.os !== undefined) checkText(problems, 'os', traits.os, textBounds.class);
  if (traits.bot !== undefined) checkBoolean(problems, 'bot', traits.bot);
  assert(problems.length === 0, () => `describeUserAgent returned bad traits: ${JSON.stringify(problems)}`);
  return traits;
}

/** A whole click event from a validated line. What the sender said wins over what is derived. */
export function completeImportLine(line: ImportLine, completion: ImportCompletion): ClickEvent {
  const derived = derivedTraits(line, completion);
  return {
    id: line.id ?? completion.newEventId(),
    eventTimeMs: line.eventTimeMs,
    ingestTimeMs: completion.ingestTimeMs,
    linkId: completion.link.linkId,
    slug: line.slug,
    userId: completion.link.userId,
    accountId: completion.link.accountId,
    ip: line.ip,
    userAgent: line.userAgent,
    referrer: line.referrer,
    country: line.country,
    device: line.device ?? derived.device ?? 'unknown',
    browser: line.browser ?? derived.browser ?? '',
    os: line.os ?? derived.os ?? '',
    bot: line.bot ?? derived.bot ?? false,
    head: line.head,
    source: 'import',
  };
}

/** Everything `validateImportedClick` needs besides the line. */
export interface ImportContext extends Omit<ImportCompletion, 'link'> {
  policy: ClickValidationPolicy;
  /** The link a slug names, or undefined when there is none (the line is then rejected). */
  resolveSlug: (slug: string) => LinkOwnership | undefined;
}

/** Validates one import line and completes it into a click event, for a synchronous slug resolver. */
export function validateImportedClick(input: unknown, context: ImportContext): ValidationResult {
  const result = validateImportLine(input, context.policy, context.ingestTimeMs);
  if (!result.ok) return result;
  const link = context.resolveSlug(result.line.slug);
  if (link === undefined) return { ok: false, problems: [{ field: 'slug', problem: `no link has the slug ${JSON.stringify(result.line.slug)}` }] };
  return { ok: true, event: completeImportLine(result.line, { ...context, link }) };
}
