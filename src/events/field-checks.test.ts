// Proves the UTF-8 length used for every byte bound agrees with Node's encoder and detects lone surrogates, and that wrong values are described readably.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue, utf8ByteLength } from './field-checks.js';

describe('utf8ByteLength', () => {
  it('agrees with Buffer.byteLength on well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 5_000 },
    );
  });

  it('finds lone surrogates anywhere, and only those', () => {
    for (const text of ['\uD800', '\uDC00', 'a\uD800', '\uD800a', '\uDC00\uD800', 'x\uD83D\uD83D\uDE00'.slice(0, 2)]) {
      expect(utf8ByteLength(text), JSON.stringify(text)).toBe(-1);
    }
    expect(utf8ByteLength('\uD83D\uDE00')).toBe(4);
    expect(utf8ByteLength('')).toBe(0);
  });
});

describe('describeValue', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
    ['123', 'string "123"'],
    [12, 'number 12'],
    [false, 'boolean false'],
    ['x'.repeat(50), `string "${'x'.repeat(40)}…"`],
  ])('describes %j', (value, description) => {
    expect(describeValue(value)).toBe(description);
  });
});
