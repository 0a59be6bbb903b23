// Proves the fraud rule on its own: a burst is flagged on the exact click that crosses each
// threshold, with the numbers behind it; a slow steady address is never flagged over hours; a NAT'd
// /24 full of humans stays ok while one address in it bursting is blocked; an idle address starts
// afresh whether or not it was swept; a restored rule continues exactly; bad thresholds are refused.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../core/index.js';
import { ipKey, networkKey } from '../../events/index.js';
import { createFraudRule, type FraudRule } from './fraud-rule.js';
import { fraudFlagBlocked, fraudFlagOk, fraudFlagSuspicious, fraudReasons, reasonNamesOf } from './verdicts.js';

/** A time on a 10-s bucket boundary. */
const startMs = Date.UTC(2026, 2, 1, 12, 0, 0);

function click(rule: FraudRule, ip: string, timeMs: number): number {
  return rule.observe(ipKey(ip)!, networkKey(ip)!, timeMs);
}

function numbersOf(rule: FraudRule, ip: string) {
  return rule.numbers(rule.find(ipKey(ip)!), undefined, Infinity);
}

describe('fraud rule', () => {
  it('flags a burst on the click that crosses each threshold, with the numbers behind it', () => {
    const rule = createFraudRule();
    const verdicts: number[] = [];
    for (let index = 0; index < 50; index++) verdicts.push(click(rule, '198.51.100.7', startMs + index * 200));
    // No history: the z-score fires at 10 clicks in one 10-s bucket, the 10-s count at 15, blocked at 50.
    expect(verdicts.slice(0, 9).every((verdict) => verdict === fraudFlagOk)).toBe(true);
    expect(verdicts[9]).toBe(fraudFlagSuspicious);
    expect(verdicts.slice(9, 49).every((verdict) => verdict === fraudFlagSuspicious)).toBe(true);
    expect(verdicts[49]).toBe(fraudFlagBlocked);
    const numbers = numbersOf(rule, '198.51.100.7');
    expect(numbers).toMatchObject({ verdict: fraudFlagBlocked, clicks10s: 50, clicks60s: 50, bucketClicks: 50, zScore: 50, network10s: 50, heavyEstimate: 50, heavyError: 0, heavyRank: 1 });
    expect(reasonNamesOf(numbers.reasons)).toEqual(['ip-10s', 'ip-60s', 'z-score']);
    expect(numbers.lastClickMs).toBe(startMs + 9_000);
  });

  it('blocks on the 60-s count even when no 10 s holds enough clicks', () => {
    const rule = createFraudRule({ zScoreSuspicious: 0 });
    const verdicts: number[] = [];
    // 2.5 clicks a second: 25 per 10 s (suspicious), 150 in 60 s (blocked).
    for (let index = 0; index < 150; index++) verdicts.push(click(rule, '198.51.100.8', startMs + index * 400));
    expect(verdicts.indexOf(fraudFlagSuspicious)).toBe(14);
    expect(verdicts.indexOf(fraudFlagBlocked)).toBe(149);
    expect(reasonNamesOf(numbersOf(rule, '198.51.100.8').reasons)).toEqual(['ip-10s', 'ip-60s']);
  });

  it('never flags a slow steady address over hours of event time', () => {
    const rule = createFraudRule();
    const hours = 6;
    for (let index = 0; index < (hours * 3_600) / 5; index++) {
      // One click every 5 s, with a little jitter: 12 a minute, for hours.
      expect(click(rule, '2001:db8:1:2::40', startMs + index * 5_000 + ((index * 37) % 900))).toBe(fraudFlagOk);
    }
    const numbers = numbersOf(rule, '2001:db8:1:2::40');
    expect(numbers.clicks60s).toBeGreaterThanOrEqual(11);
    expect(numbers.baselineMean).toBeGreaterThan(1.5);
    expect(numbers.baselineMean).toBeLessThan(2.5);
  });

  it('keeps a NAT\'d /24 of humans ok while one address inside it bursting is blocked', () => {
    const rule = createFraudRule();
    const humans = Array.from({ length: 200 }, (_, index) => `203.0.113.${index + 1}`);
    const burster = '203.0.113.250';
    const burstAtMs = startMs + 300_000;
    const humanVerdicts = new Set<number>();
    const burstVerdicts: number[] = [];
    for (let ms = 0; ms < 600_000; ms += 100) {
      // One human clicks every 100 ms in turn: each every 20 s (three a minute), 10 a second from the /24.
      const human = humans[(ms / 100) % humans.length]!;
      humanVerdicts.add(click(rule, human, startMs + ms));
      if (ms >= burstAtMs - startMs && burstVerdicts.length < 60) burstVerdicts.push(click(rule, burster, startMs + ms));
    }
    expect([...humanVerdicts]).toEqual([fraudFlagOk]);
    expect(burstVerdicts.at(-1)).toBe(fraudFlagBlocked);
    expect(burstVerdicts.indexOf(fraudFlagBlocked)).toBe(49);
    const human = numbersOf(rule, humans[0]!);
    expect(human.verdict).toBe(fraudFlagOk);
    expect(human.network60s).toBeGreaterThan(500);
    expect((human.reasons & fraudReasons.network60s) === 0).toBe(true);
  });

  it('flags every address of a network past the network threshold as suspicious, never blocked', () => {
    const rule = createFraudRule({ network10sSuspicious: 100 });
    const verdicts: number[] = [];
    for (let index = 0; index < 120; index++) verdicts.push(click(rule, `192.0.2.${index + 1}`, startMs + index * 50));
    expect(verdicts.indexOf(fraudFlagSuspicious)).toBe(99);
    expect(verdicts.includes(fraudFlagBlocked)).toBe(false);
    expect(reasonNamesOf(numbersOf(rule, '192.0.2.120').reasons)).toEqual(['network-10s']);
  });

  it('starts an address afresh after its time-to-live, whether or not the sweep took it', () => {
    const numbersAfterPause = (pauseMs: number) => {
      const rule = createFraudRule();
      for (let index = 0; index < 200; index++) click(rule, '198.51.100.9', startMs + index * 3_000);
      const back = startMs + 200 * 3_000 + pauseMs;
      const verdicts = [click(rule, '198.51.100.9', back), click(rule, '198.51.100.9', back + 1_000)];
      return { verdicts, numbers: { ...numbersOf(rule, '198.51.100.9'), lastClickMs: 0, periodStartMs: 0, heavyEstimate: 0, periodClicks: 0, heavyRank: 0 }, ips: rule.stats() };
    };
    const kept = numbersAfterPause(1_830_000);
    const swept = numbersAfterPause(4 * 3_600_000);
    expect(kept.ips.ipExpirations).toBe(0);
    expect(swept.ips.ipExpirations).toBe(1);
    expect(swept.verdicts).toEqual(kept.verdicts);
    expect(swept.numbers).toEqual(kept.numbers);
    expect(kept.numbers.baselineMean).toBe(0);
  });

  it('restored from its checkpointed values, continues exactly as the rule it was taken from', () => {
    const original = createFraudRule();
    const ips = Array.from({ length: 50 }, (_, index) => `198.51.${100 + (index % 3)}.${index + 1}`);
    const feed = (rule: FraudRule, from: number, to: number) => {
      const verdicts: number[] = [];
      for (let index = from; index < to; index++) verdicts.push(click(rule, ips[(index * 7) % ips.length]!, startMs + index * 37 + (index % 5 === 0 ? 2_000 : 0)));
      return verdicts;
    };
    feed(original, 0, 20_000);
    const restored = createFraudRule();
    original.forEachDirty((slot) => restored.restoreIp(original.encodeIp(slot, 3)));
    restored.restoreSummary(original.encodeSummary(3));
    expect(feed(restored, 20_000, 40_000)).toEqual(feed(original, 20_000, 40_000));
    for (const ip of ips) expect(numbersOf(restored, ip)).toEqual(numbersOf(original, ip));
    expect(restored.stats()).toEqual(original.stats());
  });

  it('refuses contradictory and unknown thresholds, naming the field', () => {
    expect(() => createFraudRule({ ip10sSuspicious: 30, ip10sBlocked: 20 })).toThrow(OptionsError);
    expect(() => createFraudRule({ ip10sSuspicious: 30, ip10sBlocked: 20 })).toThrow(/ip10sBlocked/);
    expect(() => createFraudRule({ ipIdleTtlSec: 30 })).toThrow(/ipIdleTtlSec/);
    expect(() => createFraudRule({ nonsense: 1 } as never)).toThrow(/unknown option/);
    expect(() => createFraudRule({ ip10sBlocked: 0, ip10sSuspicious: 30 })).not.toThrow();
  });
});
