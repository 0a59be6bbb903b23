// Proves options are merged with defaults and that bad, unknown or contradictory values are
// rejected with the component and field named.
import { describe, expect, it } from 'vitest';
import { OptionsError } from './errors.js';
import { parseDurationMs, parseOptions } from './options.js';

const spec = {
  partitions: { kind: 'integer', default: 8, min: 1, max: 1024, doc: 'partition count' },
  mode: { kind: 'enum', values: ['a', 'b'], default: 'a', doc: 'mode' },
  lowMs: { kind: 'integer', default: 1, min: 0, doc: 'low' },
  highMs: { kind: 'integer', default: 10, min: 0, doc: 'high' },
} as const;

describe('parseOptions', () => {
  it('merges defaults', () => {
    expect(parseOptions('thing', spec, { partitions: 4 })).toEqual({ partitions: 4, mode: 'a', lowMs: 1, highMs: 10 });
  });

  it('names the field of a bad value', () => {
    expect(() => parseOptions('thing', spec, { partitions: 0 })).toThrow(/thing option partitions: must be at least 1/);
    expect(() => parseOptions('thing', spec, { partitions: 1.5 })).toThrow(/must be an integer/);
    expect(() => parseOptions('thing', spec, { mode: 'c' as 'a' })).toThrow(/must be one of a, b/);
  });

  it('rejects unknown fields', () => {
    expect(() => parseOptions('thing', spec, { partitons: 3 } as never)).toThrow(OptionsError);
  });

  it('runs cross-field checks', () => {
    const check = (o: { lowMs: number; highMs: number }) => {
      if (o.lowMs >= o.highMs) throw new OptionsError('thing', 'lowMs', 'must be below highMs');
    };
    expect(() => parseOptions('thing', spec, { lowMs: 20 }, check)).toThrow(/lowMs: must be below highMs/);
  });
});

describe('parseDurationMs', () => {
  it('reads units', () => {
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('10s')).toBe(10_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('40')).toBe(40);
  });
  it('rejects nonsense', () => {
    expect(() => parseDurationMs('ten seconds')).toThrow(/not a duration/);
  });
});
