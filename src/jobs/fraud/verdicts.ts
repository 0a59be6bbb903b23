// Verdict codes, the click flags they become, and the reasons behind them. A click's verdict is
// written into `ClickBatch.flags[row]` as its code, so an operator running after fraud on the same
// batch (counters) splits human from suspicious clicks by it, and the batch layer stores the same
// codes in its rollups.

/** No rule fired for the click: counted as human. */
export const fraudFlagOk = 0;
/** Some rule fired: shown apart from human clicks, not billed. */
export const fraudFlagSuspicious = 1;
/** A hard threshold was crossed: as suspicious, and the redirect path may refuse the address. */
export const fraudFlagBlocked = 2;

export type FraudVerdictCode = typeof fraudFlagOk | typeof fraudFlagSuspicious | typeof fraudFlagBlocked;

export const fraudVerdictNames = ['ok', 'suspicious', 'blocked'] as const;
export type FraudVerdictName = (typeof fraudVerdictNames)[number];

/** Reason bits: which signal crossed its threshold (its suspicious one; the level says how far). */
export const fraudReasons = {
  /** Clicks from the address in the last 10 s. */
  ip10s: 1,
  /** Clicks from the address in the last 60 s. */
  ip60s: 2,
  /** The address's current 10-s count against its own baseline (EWMA mean and deviation). */
  zScore: 4,
  /** Clicks from the address's /24 (IPv4) or /64 (IPv6) in the last 10 s. */
  network10s: 8,
  /** Clicks from the address's network in the last 60 s. */
  network60s: 16,
  /** The address is a heavy hitter of its partition in the current period (Space-Saving). */
  heavyHitter: 32,
} as const;

export type FraudReasonName = 'ip-10s' | 'ip-60s' | 'z-score' | 'network-10s' | 'network-60s' | 'heavy-hitter';

const reasonNames: readonly [number, FraudReasonName][] = [
  [fraudReasons.ip10s, 'ip-10s'],
  [fraudReasons.ip60s, 'ip-60s'],
  [fraudReasons.zScore, 'z-score'],
  [fraudReasons.network10s, 'network-10s'],
  [fraudReasons.network60s, 'network-60s'],
  [fraudReasons.heavyHitter, 'heavy-hitter'],
];

export function verdictName(code: number): FraudVerdictName {
  return fraudVerdictNames[code] ?? 'ok';
}

/** The names of the reason bits set in `bits`, in a fixed order. */
export function reasonNamesOf(bits: number): FraudReasonName[] {
  const names: FraudReasonName[] = [];
  for (const [bit, name] of reasonNames) if ((bits & bit) !== 0) names.push(name);
  return names;
}
