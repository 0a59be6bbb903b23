// Proves the import line scanner agrees with the full path (JSON.parse, then validateImportLine):
// every line it accepts, the full path accepts with exactly the same fields; it takes the common
// line shapes (compact JSON, spaces after separators, any field order); and it declines, leaving
// the verdict to the full path, whatever it cannot be sure of.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClickValidationPolicy, validateImportLine } from '../events/index.js';
import { scanImportLine } from './import-line-scanner.js';

const policy = parseClickValidationPolicy();
const nowMs = Date.UTC(2026, 0, 1);
const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** What the full path says about a line: the fields, or undefined when it rejects the line. */
function fullPath(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = validateImportLine(value, policy, nowMs);
  return result.ok ? result.line : undefined;
}

const fieldValues = {
  id: fc.oneof(fc.constantFrom('ext-1', 'a', 'x'.repeat(128), 'x'.repeat(129), '', 'has space', 'ümlaut', 'tab\there'), fc.string({ maxLength: 20 }), fc.integer()),
  eventTimeMs: fc.oneof(
    fc.integer({ min: nowMs - 40 * 86_400_000, max: nowMs + 600_000 }),
    fc.constantFrom(nowMs, nowMs - 30 * 86_400_000, nowMs + 300_000, nowMs + 300_001, 0, -1, 1.5, 2 ** 53, '1767225600000', null),
  ),
  slug: fc.oneof(fc.constantFrom('promo', 'go1', '', 'y'.repeat(128), 'y'.repeat(129), 'a b', 'qu"ote', 'back\\slash', 'ünï'), fc.string({ maxLength: 10 })),
  ip: fc.constantFrom('203.0.113.7', '2001:DB8::1', '::ffff:1.2.3.4', '1.2.3', '01.2.3.4', 'fe80::1%eth0', '', '999.1.1.1', 7),
  userAgent: fc.oneof(fc.constantFrom(chrome, '', 'A'.repeat(1024), 'A'.repeat(1025), 'ctrl\u0001char', 'emoji 😀'), fc.string({ maxLength: 30 })),
  referrer: fc.constantFrom('https://news.example/a', '', 'r'.repeat(2048), 'r'.repeat(2049), 'https://ex.example/ü'),
  country: fc.constantFrom('DE', '', 'de', 'DEU', 'D', 'ZZ', 1),
  device: fc.constantFrom('desktop', 'mobile', 'bot', 'unknown', 'Desktop', 'phone', ''),
  browser: fc.constantFrom('Chrome', '', 'b'.repeat(32), 'b'.repeat(33)),
  os: fc.constantFrom('iOS', '', 'o'.repeat(33)),
  bot: fc.constantFrom(true, false, 'true', 0, null),
  head: fc.constantFrom(true, false, 'false', 1),
  source: fc.constantFrom('import'),
  linkId: fc.constantFrom('lnk_1'),
  __proto__: fc.constantFrom('x'),
};
type FieldName = keyof typeof fieldValues;
const names = Object.keys(fieldValues) as FieldName[];

/** A line from a subset of fields in any order, joined with the given separators. */
const lineArbitrary = fc
  .tuple(
    fc.shuffledSubarray(names, { minLength: 0, maxLength: 8 }),
    fc.constantFrom(['', ''], [' ', ' '], ['', ' '], [' ', ''], ['  ', '\t']),
    fc.boolean(),
  )
  .chain(([fields, [afterColon, afterComma], repeat]) =>
    fc.tuple(...fields.map((name) => fieldValues[name].map((value) => [name, value] as const))).map((pairs) => {
      const parts = pairs.map(([name, value]) => `${JSON.stringify(name)}:${afterColon}${JSON.stringify(value) ?? 'null'}`);
      if (repeat && parts.length > 0) parts.push(parts[0]!);
      return `{${parts.join(`,${afterComma}`)}}`;
    }),
  );

/** Lines the full path accepts: every required field valid, optional ones from valid values. */
const validLineArbitrary = fc
  .record(
    {
      id: fc.constantFrom('ext-1', 'r7-12345', 'x'.repeat(128)),
      eventTimeMs: fc.integer({ min: nowMs - 30 * 86_400_000, max: nowMs + 300_000 }),
      slug: fc.constantFrom('promo', 'go1', 'a b'),
      ip: fc.constantFrom('203.0.113.7', '2001:DB8::1', '::ffff:1.2.3.4'),
      userAgent: fc.constantFrom(chrome, ''),
      referrer: fc.constantFrom('https://news.example/a', ''),
      country: fc.constantFrom('DE', ''),
      device: fc.constantFrom('desktop', 'mobile'),
      browser: fc.constantFrom('Chrome', ''),
      os: fc.constantFrom('iOS', ''),
      bot: fc.boolean(),
      head: fc.boolean(),
    },
    { requiredKeys: ['eventTimeMs', 'slug', 'ip'] },
  )
  .chain((record) => fc.shuffledSubarray(Object.entries(record), { minLength: Object.keys(record).length }))
  .chain((entries) => fc.constantFrom('', ' ').map((space) => `{${entries.map(([name, value]) => `"${name}":${space}${JSON.stringify(value)}`).join(`,${space}`)}}`));

describe('scanImportLine', () => {
  it('reads the common line exactly as the full path does', () => {
    const line = `{"id":"r0-1","eventTimeMs":${nowMs - 5},"slug":"go1","ip":"198.0.0.1","userAgent":"${chrome}","referrer":"https://news.example/item/1","country":"DE"}`;
    expect(scanImportLine(line, policy, nowMs)).toEqual(fullPath(line));
    const spaced = `{"eventTimeMs": ${nowMs}, "slug": "promo", "ip": "2001:DB8::1", "bot": true, "head": false, "device": "mobile"}`;
    expect(scanImportLine(spaced, policy, nowMs)).toEqual(fullPath(spaced));
    expect(scanImportLine(spaced, policy, nowMs)?.ip).toBe('2001:db8::1');
  });

  it('accepts only what the full path accepts, with the same fields', () => {
    fc.assert(
      fc.property(lineArbitrary, (line) => {
        const scanned = scanImportLine(line, policy, nowMs);
        if (scanned !== undefined) expect(scanned).toEqual(fullPath(line));
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes every valid line of the common shapes', () => {
    fc.assert(
      fc.property(validLineArbitrary, (line) => {
        expect(fullPath(line)).toBeDefined();
        expect(scanImportLine(line, policy, nowMs)).toEqual(fullPath(line));
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the full path on damaged lines', () => {
    const damaged = validLineArbitrary.chain((line) =>
      fc.tuple(fc.nat({ max: line.length }), fc.nat({ max: line.length }), fc.constantFrom('', '"', ',', ':', '}', '{', ' ', '0', '-', '.', 'e', 'x', '\\', 'ü')).map(
        ([from, length, insert]) => line.slice(0, from) + insert + line.slice(Math.min(line.length, from + (length % 3))),
      ),
    );
    fc.assert(
      fc.property(damaged, (line) => {
        const scanned = scanImportLine(line, policy, nowMs);
        if (scanned !== undefined) expect(scanned).toEqual(fullPath(line));
      }),
      { numRuns: 5_000 },
    );
  });

  it('declines lines it cannot be sure of', () => {
    const base = `"eventTimeMs":${nowMs},"slug":"promo","ip":"203.0.113.7"`;
    for (const line of [
      `{${base},"userAgent":"a\\"b"}`, // an escape
      `{${base},"referrer":"https://ex.example/ü"}`, // not ASCII
      `{${base},"eventTimeMs":${nowMs}}`, // a repeated field
      `{${base},"extra":1}`, // an unknown field
      ` {${base}}`, // leading space
      `{"eventTimeMs":${nowMs}.0,"slug":"promo","ip":"203.0.113.7"}`, // a fraction
      `{"eventTimeMs":${nowMs}e0,"slug":"promo","ip":"203.0.113.7"}`, // an exponent
    ]) {
      expect(scanImportLine(line, policy, nowMs)).toBeUndefined();
    }
  });
});
