// Proves the shared input checks accept what they should, refuse what they should naming the
// field, store canonical forms, and cut text on UTF-8 character boundaries.
import { describe, expect, it } from 'vitest';
import { defaultPlans } from './default-plans.js';
import { StoreError } from './errors.js';
import {
  canonicalTimeZone,
  cutUtf8,
  isValidEmail,
  isValidSlug,
  normalizeTargetUrl,
  reservedSlugs,
  validateDeadLetter,
  validateLinkPatch,
  validatePlan,
  validateSlug,
} from './validate.js';

function fieldOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return (error as StoreError).field;
  }
  return undefined;
}

describe('store validation', () => {
  it('accepts slugs of the pattern and refuses reserved words in any case', () => {
    for (const slug of ['a', 'A-b_9', '9lives', 'x'.repeat(64)]) expect(isValidSlug(slug), slug).toBe(true);
    for (const slug of ['', '_a', 'a.b', 'a/b', 'x'.repeat(65), ...reservedSlugs, 'API', 'Metrics']) expect(isValidSlug(slug), slug).toBe(false);
    expect(() => validateSlug('readyz')).toThrow(/slug: "readyz" is reserved/);
  });

  it('accepts plain e-mail addresses and refuses the rest', () => {
    for (const email of ['a@b.co', 'first.last+tag@mail.example.org', "o'neil@x-y.example"]) expect(isValidEmail(email), email).toBe(true);
    for (const email of ['a@b', 'a@@b.co', 'a..b@c.co', '.a@b.co', 'a@-b.co', 'a@b.co.', 'ä@b.co', 'a@b_c.co']) expect(isValidEmail(email), email).toBe(false);
  });

  it('gives the canonical name of a time zone and refuses offsets and unknown zones', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const zone of ['', 'Mars/Olympus', '+02:00', 'GMT+25']) expect(canonicalTimeZone(zone), zone).toBeUndefined();
  });

  it('serialises target URLs as a redirect sends them, without line breaks', () => {
    expect(normalizeTargetUrl('https://Example.COM')).toBe('https://example.com/');
    expect(normalizeTargetUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
    expect(normalizeTargetUrl('https://example.com/\r\nSet-Cookie: x')).not.toMatch(/[\r\n]/);
    expect(normalizeTargetUrl('http://[::1]:8080/x')).toBe('http://[::1]:8080/x');
    expect(normalizeTargetUrl('file:///etc/passwd')).toBeUndefined();
  });

  it('cuts on character boundaries', () => {
    expect(cutUtf8('héllo', 2)).toBe('h');
    expect(cutUtf8('héllo', 3)).toBe('hé');
    expect(cutUtf8('😀😀', 7)).toBe('😀');
    expect(cutUtf8('abc', 10)).toBe('abc');
    expect(cutUtf8('€', 0)).toBe('');
  });

  it('keeps the default plans valid', () => {
    for (const plan of defaultPlans) expect(validatePlan(plan)).toEqual(plan);
  });

  it('names the field of a bad plan, patch or dead letter', () => {
    const plan = defaultPlans[0]!;
    expect(fieldOf(() => validatePlan({ ...plan, id: 'Free Plan' }))).toBe('id');
    expect(fieldOf(() => validatePlan({ ...plan, tiers: [{ upToClicks: null, pricePerThousandMinor: 1.5 }] }))).toBe('tiers[0].pricePerThousandMinor');
    expect(fieldOf(() => validatePlan({ ...plan, tiers: [null as never] }))).toBe('tiers[0]');
    expect(fieldOf(() => validateLinkPatch({ slug: 'ok', userId: 'usr_x' } as never))).toBe('userId');
    expect(fieldOf(() => validateLinkPatch({ disabled: 'yes' as never }))).toBe('disabled');
    expect(validateLinkPatch({ slug: undefined, targetUrl: 'https://a.example' })).toEqual({ targetUrl: 'https://a.example/' });
    const letter = { receivedAtMs: 1, accountId: null, source: 'ingest', line: 1, reason: 'r', payload: 'p' };
    expect(fieldOf(() => validateDeadLetter({ ...letter, source: '' }))).toBe('source');
    expect(fieldOf(() => validateDeadLetter({ ...letter, receivedAtMs: -1 }))).toBe('receivedAtMs');
  });
});
