// Proves an import line is validated strictly (its own fields only, server-stamped fields refused with a reason, all problems named) and completed into a click event with a generated id, the slug's link, and sender traits winning over derived ones.
import { describe, expect, it } from 'vitest';
import { AssertionFailure, createTestClock } from '../core/index.js';
import { createEventIdGenerator, eventIdTimeMs } from './event-id.js';
import { completeImportLine, validateImportedClick, validateImportLine, type ImportContext } from './import-line.js';
import type { FieldProblem, ImportLine, LinkOwnership } from './types.js';
import { parseClickValidationPolicy, validateClickEvent } from './validate.js';

const policy = parseClickValidationPolicy();
const ingestTimeMs = Date.UTC(2026, 0, 1, 0, 0, 1);
const promo: LinkOwnership = { linkId: 'lnk_1', userId: 'usr_1', accountId: 'acc_1' };
const line = {
  id: 'abc', eventTimeMs: Date.UTC(2026, 0, 1), slug: 'promo', ip: '203.0.113.7', userAgent: 'Mozilla/5.0',
  referrer: 'https://news.example/', country: 'DE',
};

function context(overrides: Partial<ImportContext> = {}): ImportContext {
  return {
    policy,
    ingestTimeMs,
    resolveSlug: (slug) => (slug === 'promo' ? promo : undefined),
    newEventId: createEventIdGenerator(createTestClock(ingestTimeMs)),
    ...overrides,
  };
}

function problemsOf(result: { ok: true } | { ok: false; problems: FieldProblem[] }): Record<string, string> {
  if (result.ok) throw new Error('expected problems, got a valid line');
  return Object.fromEntries(result.problems.map(({ field, problem }) => [field, problem]));
}

describe('validateImportLine', () => {
  it('accepts the documented example, defaulting what was left out', () => {
    expect(validateImportLine(line, policy, ingestTimeMs)).toEqual({
      ok: true,
      line: { ...line, head: false, device: undefined, browser: undefined, os: undefined, bot: undefined },
    });
  });

  it('needs only eventTimeMs, slug and ip', () => {
    const result = validateImportLine({ eventTimeMs: line.eventTimeMs, slug: 'promo', ip: '2001:DB8::7' }, policy, ingestTimeMs);
    expect(result).toMatchObject({ ok: true, line: { id: undefined, ip: '2001:db8::7', userAgent: '', referrer: '', country: '' } });
    expect(problemsOf(validateImportLine({}, policy, ingestTimeMs))).toEqual({ eventTimeMs: 'is required', slug: 'is required', ip: 'is required' });
  });

  it('refuses fields clickflow stamps, saying why, and unknown fields, listing the known ones', () => {
    const problems = problemsOf(
      validateImportLine({ ...line, ingestTimeMs, linkId: 'x', userId: 'x', accountId: 'x', source: 'import', colour: 'red' }, policy, ingestTimeMs),
    );
    expect(problems).toEqual({
      ingestTimeMs: 'is stamped by clickflow when it accepts the line; remove it',
      linkId: 'comes from the slug; send "slug" instead',
      userId: 'comes from the slug; send "slug" instead',
      accountId: 'comes from the slug; send "slug" instead',
      source: 'is set by clickflow ("import" for this endpoint); remove it',
      colour: 'unknown field; an import line has id, eventTimeMs, slug, ip, userAgent, referrer, country, device, browser, os, bot, head',
    });
  });

  it('checks optional fields strictly when given, null included', () => {
    const problems = problemsOf(
      validateImportLine({ ...line, id: 'a b', userAgent: null, country: 'Germany', device: 'phone', bot: 'false', head: 0, browser: 'x'.repeat(33) }, policy, ingestTimeMs),
    );
    expect(Object.keys(problems)).toEqual(['id', 'userAgent', 'country', 'device', 'browser', 'bot', 'head']);
  });

  it('judges event time against the ingest time', () => {
    expect(problemsOf(validateImportLine({ ...line, eventTimeMs: ingestTimeMs + policy.maxFutureSkewMs + 1 }, policy, ingestTimeMs)).eventTimeMs).toMatch(/outside/);
    expect(problemsOf(validateImportLine({ ...line, eventTimeMs: '1767225600000' }, policy, ingestTimeMs)).eventTimeMs).toMatch(/got string/);
  });
});

describe('completeImportLine', () => {
  const validated = (fields: Record<string, unknown>): ImportLine => {
    const result = validateImportLine(fields, policy, ingestTimeMs);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.line;
  };

  it('adds ingest time, the link, source import, and a generated id when the sender sent none', () => {
    const { id: _id, ...withoutId } = line;
    const event = completeImportLine(validated(withoutId), { ingestTimeMs, link: promo, newEventId: context().newEventId });
    expect(event).toMatchObject({ ...withoutId, ...promo, ingestTimeMs, source: 'import', device: 'unknown', browser: '', os: '', bot: false, head: false });
    expect(eventIdTimeMs(event.id)).toBe(ingestTimeMs);
    expect(validateClickEvent(event, policy, ingestTimeMs)).toEqual({ ok: true, event });
  });

  it('derives missing traits through the hook, the sender winning where it spoke', () => {
    const describeUserAgent = () => ({ device: 'mobile' as const, browser: 'Chrome Mobile', os: 'Android', bot: false });
    const event = completeImportLine(validated({ ...line, bot: true, os: 'HarmonyOS' }), { ingestTimeMs, link: promo, newEventId: () => 'unused', describeUserAgent });
    expect(event).toMatchObject({ id: 'abc', device: 'mobile', browser: 'Chrome Mobile', os: 'HarmonyOS', bot: true });
  });

  it('skips the hook when the sender gave every trait, and treats bad hook output as a bug', () => {
    const all = validated({ ...line, device: 'tv', browser: 'X', os: 'Y', bot: false });
    expect(completeImportLine(all, { ingestTimeMs, link: promo, newEventId: () => 'unused', describeUserAgent: () => { throw new Error('called'); } }).device).toBe('tv');
    const badHook = () => ({ device: 'fridge' as never });
    expect(() => completeImportLine(validated(line), { ingestTimeMs, link: promo, newEventId: () => 'unused', describeUserAgent: badHook })).toThrow(AssertionFailure);
  });
});

describe('validateImportedClick', () => {
  it('validates and completes in one step', () => {
    const result = validateImportedClick(line, context());
    expect(result).toMatchObject({ ok: true, event: { id: 'abc', linkId: 'lnk_1', ingestTimeMs, source: 'import' } });
  });

  it('refuses a slug no link has, and reports line problems before resolving', () => {
    expect(problemsOf(validateImportedClick({ ...line, slug: 'nope' }, context()))).toEqual({ slug: 'no link has the slug "nope"' });
    let resolved = 0;
    const counting = context({ resolveSlug: () => { resolved++; return promo; } });
    expect(validateImportedClick({ ...line, ip: 'x' }, counting).ok).toBe(false);
    expect(resolved).toBe(0);
  });
});
