// Proves event validation checks every field strictly (no coercion, UTF-8 byte bounds, lone surrogates, the time window), reports all problems by field, and returns the address in canonical form.
import { describe, expect, it } from 'vitest';
import { limits, OptionsError } from '../core/index.js';
import { sampleClickEvent } from './sample.js';
import type { ValidationResult } from './types.js';
import { describeProblems, parseClickValidationPolicy, validateClickEvent } from './validate.js';

const policy = parseClickValidationPolicy();
const event = sampleClickEvent(1, { ip: '203.0.113.7' });
const nowMs = event.ingestTimeMs;

function problemsOf(result: ValidationResult): Record<string, string> {
  if (result.ok) throw new Error('expected problems, got a valid event');
  return Object.fromEntries(result.problems.map(({ field, problem }) => [field, problem]));
}

function validateWith(changes: Record<string, unknown>): ValidationResult {
  return validateClickEvent({ ...event, ...changes }, policy, nowMs);
}

describe('validateClickEvent', () => {
  it('accepts a valid event, unchanged, and a JSON round trip of it', () => {
    for (let seed = 0; seed < 200; seed++) {
      const sample = sampleClickEvent(seed);
      expect(validateClickEvent(sample, policy, sample.ingestTimeMs)).toEqual({ ok: true, event: sample });
      expect(validateClickEvent(JSON.parse(JSON.stringify(sample)), policy, sample.ingestTimeMs)).toEqual({ ok: true, event: sample });
    }
  });

  it('returns the address in canonical form', () => {
    expect(validateWith({ ip: '2001:DB8:0:0::1' })).toMatchObject({ ok: true, event: { ip: '2001:db8::1' } });
  });

  it('coerces nothing and reports every problem, each under its field', () => {
    const result = validateWith({
      id: 123, eventTimeMs: String(event.eventTimeMs), ingestTimeMs: null, linkId: ['l'], slug: {}, userId: true,
      ip: 'localhost', userAgent: 5, country: 'de', device: 'phone', browser: 7, bot: 'true', head: 1, source: 'web',
    });
    const problems = problemsOf(result);
    expect(Object.keys(problems).sort()).toEqual(
      ['id', 'eventTimeMs', 'ingestTimeMs', 'linkId', 'slug', 'userId', 'ip', 'userAgent', 'country', 'device', 'browser', 'bot', 'head', 'source'].sort(),
    );
    expect(problems.eventTimeMs).toBe(`must be a whole number of milliseconds since the epoch (got string "${event.eventTimeMs}")`);
    expect(problems.bot).toBe('must be true or false (got string "true")');
    expect(problems.head).toBe('must be true or false (got number 1)');
    expect(problems.ingestTimeMs).toMatch(/got null/);
    expect(problems.linkId).toMatch(/got an array/);
    expect(problems.device).toMatch(/one of desktop, mobile/);
    expect(problems.ip).toMatch(/"localhost" is not an IPv4 or IPv6 address/);
  });

  it('lists problems in field order', () => {
    const result = validateWith({ source: 'x', id: '', extra: 1, country: 'x' });
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toEqual(['id', 'country', 'source', 'extra']);
  });

  it('names missing and unknown fields, and reads only own properties', () => {
    const { slug: _slug, ...withoutSlug } = event;
    expect(problemsOf(validateClickEvent({ ...withoutSlug, slg: 'x' }, policy, nowMs))).toEqual({
      slug: 'is required',
      slg: expect.stringMatching(/^unknown field; a click event has id, eventTimeMs/),
    });
    const inherited = Object.assign(Object.create({ slug: 'promo' }) as object, withoutSlug);
    expect(problemsOf(validateClickEvent(inherited, policy, nowMs))).toEqual({ slug: 'is required' });
    const polluted = JSON.parse(`${JSON.stringify(event).slice(0, -1)},"__proto__":{"bot":true}}`) as unknown;
    expect(Object.keys(problemsOf(validateClickEvent(polluted, policy, nowMs)))).toEqual(['__proto__']);
  });

  it.each([null, [], 'event', 42, undefined])('refuses %j as a whole', (input) => {
    expect(Object.keys(problemsOf(validateClickEvent(input, policy, nowMs)))).toEqual(['event']);
  });

  it('bounds strings by UTF-8 bytes, not characters', () => {
    const atBound = '€'.repeat(limits.slugBytesMax / 4) + 'x'.repeat(limits.slugBytesMax / 4);
    expect(validateWith({ slug: atBound }).ok).toBe(true);
    expect(problemsOf(validateWith({ slug: `${atBound}x` })).slug).toBe(`is ${limits.slugBytesMax + 1} UTF-8 bytes; at most ${limits.slugBytesMax} are allowed`);
    expect(problemsOf(validateWith({ userAgent: '😀'.repeat(limits.userAgentBytesMax / 4 + 1) })).userAgent).toMatch(/UTF-8 bytes/);
    expect(problemsOf(validateWith({ linkId: '' })).linkId).toBe('must not be empty');
    expect(validateWith({ referrer: '', browser: '', os: '', userAgent: '', country: '' }).ok).toBe(true);
  });

  it('refuses lone surrogates, which have no UTF-8 form, and accepts pairs', () => {
    expect(problemsOf(validateWith({ userAgent: 'a\uD800b', referrer: '\uDC00' }))).toEqual({
      userAgent: 'holds a lone UTF-16 surrogate, which has no UTF-8 form',
      referrer: 'holds a lone UTF-16 surrogate, which has no UTF-8 form',
    });
    expect(validateWith({ userAgent: 'a\uD83D\uDE00b' }).ok).toBe(true);
  });

  it.each([
    ['', 'must be 1 to 128 characters long (got 0)'],
    ['a b', 'must be printable ASCII without spaces (characters 0x21 to 0x7e)'],
    ['café', 'must be printable ASCII without spaces (characters 0x21 to 0x7e)'],
    ['tab\there', 'must be printable ASCII without spaces (characters 0x21 to 0x7e)'],
    ['x'.repeat(limits.eventIdBytesMax + 1), `must be 1 to 128 characters long (got ${limits.eventIdBytesMax + 1})`],
  ])('refuses the id %j', (id, problem) => {
    expect(problemsOf(validateWith({ id })).id).toBe(problem);
  });

  it('accepts ids of printable ASCII up to the bound', () => {
    expect(validateWith({ id: '!~{}"\\'.padEnd(limits.eventIdBytesMax, 'z') }).ok).toBe(true);
  });

  it('keeps event time within the window around now, bounds included', () => {
    const latestMs = nowMs + policy.maxFutureSkewMs;
    const earliestMs = nowMs - policy.maxPastAgeMs;
    expect(validateWith({ eventTimeMs: latestMs, ingestTimeMs: nowMs }).ok).toBe(true);
    expect(validateWith({ eventTimeMs: earliestMs, ingestTimeMs: earliestMs }).ok).toBe(true);
    expect(problemsOf(validateWith({ eventTimeMs: latestMs + 1 })).eventTimeMs).toMatch(/is outside the accepted window 2025-12-02T.* \.\. 2026-01-01T00:05/);
    expect(problemsOf(validateWith({ eventTimeMs: earliestMs - 1 })).eventTimeMs).toMatch(/outside the accepted window/);
    for (const eventTimeMs of [nowMs + 0.5, Number.NaN, Infinity, -1]) expect(problemsOf(validateWith({ eventTimeMs })).eventTimeMs).toBeDefined();
  });

  it('keeps ingest time no earlier than the skew before event time, and not in the future', () => {
    expect(problemsOf(validateWith({ ingestTimeMs: event.eventTimeMs - policy.maxFutureSkewMs - 1 })).ingestTimeMs).toMatch(/outside/);
    expect(problemsOf(validateWith({ ingestTimeMs: nowMs + policy.maxFutureSkewMs + 1 })).ingestTimeMs).toMatch(/outside/);
    expect(validateWith({ ingestTimeMs: event.eventTimeMs - policy.maxFutureSkewMs }).ok).toBe(true);
  });

  it('takes its window from the policy', () => {
    const strict = parseClickValidationPolicy({ maxFutureSkewMs: 0, maxPastAgeMs: 1000 });
    expect(validateClickEvent({ ...event, eventTimeMs: nowMs + 1 }, strict, nowMs).ok).toBe(false);
    expect(validateClickEvent({ ...event, eventTimeMs: nowMs - 1001 }, strict, nowMs).ok).toBe(false);
    expect(validateClickEvent({ ...event, eventTimeMs: nowMs - 1000 }, strict, nowMs).ok).toBe(true);
  });
});

describe('parseClickValidationPolicy', () => {
  it('defaults from limits and refuses bad or unknown options', () => {
    expect(parseClickValidationPolicy()).toEqual({ maxFutureSkewMs: 5 * 60 * 1000, maxPastAgeMs: 30 * 24 * 60 * 60 * 1000 });
    expect(() => parseClickValidationPolicy({ maxFutureSkewMs: -1 })).toThrow(OptionsError);
    expect(() => parseClickValidationPolicy({ maxPastAgeMs: 1.5 })).toThrow(/maxPastAgeMs: must be an integer/);
    expect(() => parseClickValidationPolicy({ maxSkew: 1 } as never)).toThrow(/unknown option/);
  });
});

describe('describeProblems', () => {
  it('joins problems into one line for a 4xx body or a dead letter', () => {
    expect(describeProblems([{ field: 'ip', problem: 'is required' }, { field: 'bot', problem: 'must be true or false' }])).toBe('ip: is required; bot: must be true or false');
  });
});
