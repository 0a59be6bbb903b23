// The fraud rule's thresholds and bounds, and the operator's own settings: one spec each, parsed
// once with parseOptions. docs/fraud.md justifies every default. A threshold of 0 turns its signal off.
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';

/** Counts are kept per second (u16, saturating at 65,535), so no window holds more than this. */
const countMax = 65_535 * 60;

const threshold = (doc: string, value: number) => ({ kind: 'integer', default: value, min: 0, max: countMax, doc }) as const;

export const fraudRuleOptionsSpec = {
  ip10sSuspicious: threshold('clicks from one address in the last 10 s that make it suspicious', 15),
  ip10sBlocked: threshold('clicks from one address in the last 10 s that block it', 50),
  ip60sSuspicious: threshold('clicks from one address in the last 60 s (10-s resolution) that make it suspicious', 40),
  ip60sBlocked: threshold('clicks from one address in the last 60 s that block it', 150),
  network10sSuspicious: threshold('clicks from one /24 (IPv4) or /64 (IPv6) in the last 10 s that make its addresses suspicious', 500),
  network10sBlocked: threshold('clicks from one network in the last 10 s that block its addresses (0: never; NAT carries many humans)', 0),
  network60sSuspicious: threshold('clicks from one network in the last 60 s that make its addresses suspicious', 2_000),
  network60sBlocked: threshold('clicks from one network in the last 60 s that block its addresses (0: never)', 0),
  zScoreSuspicious: { kind: 'number', default: 6, min: 0, max: 1_000, doc: 'z-score of the current 10-s count against the address\'s baseline that makes it suspicious' },
  zScoreClicksMin: threshold('clicks in the current 10-s bucket before the z-score counts (below it, noise)', 10),
  zScoreDeviationMin: { kind: 'number', default: 1, min: 0.01, max: 1_000, doc: 'floor of the baseline deviation, in clicks per 10 s (a new address has none)' },
  baselineHalfLifeSec: { kind: 'integer', default: 600, min: 10, max: 7 * 86_400, doc: 'half-life of the baseline (EWMA of clicks per 10 s and of their variance), in s' },
  heavyHitterPeriodSec: { kind: 'integer', default: 600, min: 60, max: 86_400, doc: 'event-time period over which heavy hitters are counted (tumbling), in s' },
  heavyHitterCounters: { kind: 'integer', default: limits.fraudHeavyHitterCountersDefault, min: 16, max: limits.fraudHeavyHitterCountersMax, doc: 'Space-Saving counters per partition' },
  heavyHitterClicksMin: threshold('guaranteed clicks (estimate minus error) of an address in a period that make it a heavy hitter', 200),
  heavyHitterShareMin: { kind: 'number', default: 0.001, min: 0, max: 1, doc: 'share of the partition\'s clicks in a period an address must also reach to be a heavy hitter' },
  ipIdleTtlSec: { kind: 'integer', default: 1_800, min: 120, max: 7 * 86_400, doc: 'an address idle this long (event time) is forgotten: windows and baseline start afresh, in s' },
  ipsMax: { kind: 'integer', default: limits.fraudIpsDefault, min: 16, max: limits.fraudIpsMax, doc: 'addresses kept at most (an operator splits it over its partitions)' },
  networksMax: { kind: 'integer', default: limits.fraudNetworksDefault, min: 16, max: limits.fraudNetworksMax, doc: 'networks kept at most (split like ipsMax)' },
} as const;

export type FraudRuleOptions = OptionsOf<typeof fraudRuleOptionsSpec>;
export type FraudRuleOptionsInput = OptionsInput<typeof fraudRuleOptionsSpec>;

const pairs = [
  ['ip10sSuspicious', 'ip10sBlocked'],
  ['ip60sSuspicious', 'ip60sBlocked'],
  ['network10sSuspicious', 'network10sBlocked'],
  ['network60sSuspicious', 'network60sBlocked'],
] as const;

function checkRuleOptions(options: FraudRuleOptions): void {
  for (const [suspicious, blocked] of pairs) {
    if (options[blocked] > 0 && options[suspicious] > 0 && options[blocked] < options[suspicious]) {
      throw new OptionsError('fraud rule', blocked, `must be 0 (off) or at least ${suspicious} (${options[suspicious]}), got ${options[blocked]}`);
    }
  }
}

export function parseFraudRuleOptions(input: FraudRuleOptionsInput = {}): FraudRuleOptions {
  return parseOptions('fraud rule', fraudRuleOptionsSpec, input, checkRuleOptions);
}

export const fraudOperatorOptionsSpec = {
  ...fraudRuleOptionsSpec,
  liveIpNumbers: { kind: 'boolean', default: true, doc: 'push the numbers of every address a batch touched (coalesced per batch) besides verdict changes' },
  liveIpsPerMessage: { kind: 'integer', default: limits.fraudLiveIpsPerMessageMax, min: 1, max: limits.fraudLiveIpsPerMessageMax, doc: 'addresses per live numbers message at most' },
  alertUserAgents: { kind: 'boolean', default: true, doc: 'decode the user agent of the click that changed a verdict (a cold field) and put it in the alert' },
} as const;

export type FraudOperatorOptions = OptionsOf<typeof fraudOperatorOptionsSpec>;
export type FraudOperatorOptionsInput = OptionsInput<typeof fraudOperatorOptionsSpec>;

export function parseFraudOperatorOptions(input: FraudOperatorOptionsInput = {}): FraudOperatorOptions {
  return parseOptions('fraud operator', fraudOperatorOptionsSpec, input, checkRuleOptions);
}

/** The rule's part of the operator's options. */
export function ruleOptionsOf(options: FraudOperatorOptions): FraudRuleOptions {
  const rule: Record<string, unknown> = {};
  for (const name of Object.keys(fraudRuleOptionsSpec)) rule[name] = options[name as keyof FraudRuleOptions];
  return rule as unknown as FraudRuleOptions;
}
