// Proves address state keys are distinct for distinct keys across the IPv4 and IPv6 ranges, short,
// and plain ASCII (they are stored as text).
import { describe, expect, it } from 'vitest';
import { ipKey } from '../../events/index.js';
import { ipStateKey } from './partition-rules.js';

describe('address state keys', () => {
  it('are distinct, short and ASCII', () => {
    const keys = [0, 1, 63, 64, 2 ** 24 - 1, 2 ** 24, 2 ** 32 - 1, 2 ** 32, 2 ** 48 - 1, 2 ** 48, 2 ** 53 - 1, ipKey('203.0.113.7')!, ipKey('2001:db8::1')!];
    for (let index = 0; index < 100_000; index++) keys.push((index * 2_654_435_761) % 2 ** 32, 2 ** 32 + index * 40_000_000_019);
    const texts = keys.map(ipStateKey);
    expect(new Set(texts).size).toBe(new Set(keys).size);
    expect(texts.every((text) => /^[0-9A-Za-z_-]{4,9}$/.test(text))).toBe(true);
    expect(ipStateKey(ipKey('203.0.113.7')!).length).toBe(8);
    expect(ipStateKey(ipKey('2001:db8::1')!).length).toBe(9);
  });
});
