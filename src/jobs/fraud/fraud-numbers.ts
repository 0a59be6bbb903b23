// The numbers behind a verdict, read from the rule's state: what the live messages carry and the
// verdict API answers with.
import type { FraudVerdictCode } from './verdicts.js';

export interface FraudNumbers {
  ipKey: number;
  networkKey: number;
  verdict: FraudVerdictCode;
  /** Reason bits (see `fraudReasons`). */
  reasons: number;
  /** The address's newest click second, as epoch ms: the numbers are as of then. */
  lastClickMs: number;
  /** Clicks from the address in the 10 s ending at its newest click second. */
  clicks10s: number;
  /** Clicks from the address in the last 60 s (10-s resolution). */
  clicks60s: number;
  /** Clicks in the address's current 10-s bucket: what the z-score measures. */
  bucketClicks: number;
  zScore: number;
  /** The baseline: EWMA of clicks per 10-s bucket, and the deviation (square root of the EWMA variance). */
  baselineMean: number;
  baselineDeviation: number;
  network10s: number;
  network60s: number;
  /** Space-Saving estimate and error of the address in the current period (0 and 0: not monitored). */
  heavyEstimate: number;
  heavyError: number;
  /** 1 = the partition's biggest; 0 when not computed (only heavy hitters get a rank). */
  heavyRank: number;
  /** Clicks of the partition in the current heavy-hitter period, and when it began (epoch ms). */
  periodClicks: number;
  periodStartMs: number;
}

export function emptyFraudNumbers(): FraudNumbers {
  return {
    ipKey: 0,
    networkKey: 0,
    verdict: 0,
    reasons: 0,
    lastClickMs: 0,
    clicks10s: 0,
    clicks60s: 0,
    bucketClicks: 0,
    zScore: 0,
    baselineMean: 0,
    baselineDeviation: 0,
    network10s: 0,
    network60s: 0,
    heavyEstimate: 0,
    heavyError: 0,
    heavyRank: 0,
    periodClicks: 0,
    periodStartMs: 0,
  };
}
