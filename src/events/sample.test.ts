// Proves sample events are deterministic per seed, valid, varied like real traffic, and about the size the benchmarks claim.
import { describe, expect, it } from 'vitest';
import { encodeClick } from './codec.js';
import { sampleClickEvent } from './sample.js';
import { parseClickValidationPolicy, validateClickEvent } from './validate.js';

describe('sampleClickEvent', () => {
  const events = Array.from({ length: 2_000 }, (_, seed) => sampleClickEvent(seed));

  it('gives the same event for the same seed, and applies overrides', () => {
    expect(sampleClickEvent(42)).toEqual(sampleClickEvent(42));
    expect(sampleClickEvent(42)).not.toEqual(sampleClickEvent(43));
    expect(sampleClickEvent(42, { country: '', bot: true })).toMatchObject({ country: '', bot: true, linkId: sampleClickEvent(42).linkId });
  });

  it('is valid', () => {
    const policy = parseClickValidationPolicy();
    for (const event of events) expect(validateClickEvent(event, policy, event.ingestTimeMs)).toEqual({ ok: true, event });
  });

  it('mixes addresses, bots, sources and direct traffic', () => {
    const share = (test: (event: (typeof events)[number]) => boolean) => events.filter(test).length / events.length;
    expect(share((event) => event.ip.includes(':'))).toBeGreaterThan(0.2);
    expect(share((event) => event.bot)).toBeGreaterThan(0.1);
    expect(share((event) => event.source === 'import')).toBeGreaterThan(0.05);
    expect(share((event) => event.referrer === '')).toBeGreaterThan(0.2);
    expect(new Set(events.map((event) => event.linkId)).size).toBeGreaterThan(500);
  });

  it('encodes to 60 to 300 bytes, about 200 on average', () => {
    const sizes = events.map((event) => encodeClick(event).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(300);
    const average = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
    expect(average).toBeGreaterThan(150);
    expect(average).toBeLessThan(250);
  });
});
