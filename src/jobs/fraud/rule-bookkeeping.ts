// What a rule remembers besides the counts: the verdict in force per address (and what a checkpoint
// and the quiet queue need to know about it), addresses that went quiet, the dirty and removed
// lists a checkpoint drains, and the numbers and counters it reports.
import { limits } from '../../core/index.js';
import { zScoreOf } from './baseline.js';
import type { FraudNumbers } from './fraud-numbers.js';
import {
  epochMsOfRuleSecond,
  f32Mean,
  f32Variance,
  f64Key,
  f64Network,
  f64PerRecord,
  flagDirty,
  flagLive,
  flagOwnRow,
  flagQueued,
  recordBytes,
  u32LastSecond,
  u32PerRecord,
  u8Flags,
  u8Reasons,
  u8Verdict,
} from './record-layout.js';
import type { RuleState } from './rule-state.js';
import type { FraudVerdictCode } from './verdicts.js';
import { clicks10s, clicks60s, currentBucketClicks } from './window-counts.js';

export interface FraudRuleStats {
  clicks: number;
  ips: number;
  ipEvictions: number;
  ipExpirations: number;
  networks: number;
  networkEvictions: number;
  networkExpirations: number;
  heavyHitterCounters: number;
  periodClicks: number;
}

/**
 * Stores the verdict in force for the address in `slot`, marks it dirty for the next checkpoint
 * and queues a non-ok one to be checked for going quiet. Returns the verdict it replaced.
 */
export function settleVerdict(state: RuleState, slot: number, level: FraudVerdictCode, reasons: number): FraudVerdictCode {
  const { ips, dirty, quiet } = state;
  const { u8 } = ips;
  const base = slot * recordBytes;
  const previous = u8[base + u8Verdict]! as FraudVerdictCode;
  u8[base + u8Verdict] = level;
  u8[base + u8Reasons] = reasons;
  const flags = u8[base + u8Flags]!;
  if ((flags & flagDirty) === 0) dirty.push(slot);
  if (level !== 0 && (flags & flagQueued) === 0) {
    quiet.push(slot, ips.f64[slot * f64PerRecord + f64Key]!);
    u8[base + u8Flags] = flags | flagDirty | flagQueued;
  } else {
    u8[base + u8Flags] = flags | flagDirty;
  }
  return previous;
}

const popped = { slot: 0, key: 0 };

/** Non-ok addresses with no click in the 60 s before `watermarkSecond` go back to ok. */
export function relaxQuietAddresses(state: RuleState, watermarkSecond: number, onChange: (slot: number, previous: FraudVerdictCode) => void): void {
  const { ips, quiet } = state;
  const rounds = Math.min(quiet.size(), limits.fraudQuietChecksPerWatermarkMax);
  for (let round = 0; round < rounds && quiet.shift(popped); round++) {
    const { slot, key } = popped;
    const base = slot * recordBytes;
    // The queue may hold a slot since freed or taken by another address.
    if ((ips.u8[base + u8Flags]! & flagLive) === 0 || ips.f64[slot * f64PerRecord + f64Key] !== key) continue;
    const previous = ips.u8[base + u8Verdict]! as FraudVerdictCode;
    if (previous !== 0 && watermarkSecond - ips.i32[slot * u32PerRecord + u32LastSecond]! < 60) {
      quiet.push(slot, key);
      continue;
    }
    ips.u8[base + u8Flags] = ips.u8[base + u8Flags]! & ~flagQueued;
    if (previous === 0) continue;
    settleVerdict(state, slot, 0, 0);
    onChange(slot, previous);
  }
}

export function forEachDirtyAddress(state: RuleState, callback: (slot: number, ipKey: number) => void): void {
  const { ips, dirty } = state;
  const { u8, f64 } = ips;
  for (let index = 0; index < dirty.length; index++) {
    const slot = dirty.items[index]!;
    const at = slot * recordBytes + u8Flags;
    const flags = u8[at]!;
    // A slot freed and taken again since it was listed is listed twice: the flag decides.
    if ((flags & (flagLive | flagDirty)) !== (flagLive | flagDirty)) continue;
    u8[at] = (flags & ~flagDirty) | flagOwnRow;
    callback(slot, f64[slot * f64PerRecord + f64Key]!);
  }
  dirty.clear();
}

export function drainRemovedKeys(state: RuleState, callback: (ipKey: number) => void): void {
  const { removedOwn } = state;
  for (let index = 0; index < removedOwn.length; index++) callback(removedOwn.items[index]!);
  removedOwn.clear();
}

export function readRuleNumbers(state: RuleState, slot: number, into: FraudNumbers, rankBuckets: number): FraudNumbers {
  const { ips, networks, heavy, thresholds, clock } = state;
  const at = slot * u32PerRecord;
  into.ipKey = ips.f64[slot * f64PerRecord + f64Key]!;
  into.networkKey = ips.f64[slot * f64PerRecord + f64Network]!;
  into.verdict = ips.u8[slot * recordBytes + u8Verdict]! as FraudVerdictCode;
  into.reasons = ips.u8[slot * recordBytes + u8Reasons]!;
  into.lastClickMs = epochMsOfRuleSecond(ips.i32[at + u32LastSecond]!);
  into.clicks10s = clicks10s(ips, slot);
  into.clicks60s = clicks60s(ips, slot);
  into.bucketClicks = currentBucketClicks(ips, slot);
  into.zScore = zScoreOf(ips, slot, into.bucketClicks, thresholds.zScoreDeviationMin);
  into.baselineMean = ips.f32[at + f32Mean]!;
  into.baselineDeviation = Math.sqrt(ips.f32[at + f32Variance]!);
  const network = networks.find(into.networkKey);
  into.network10s = network < 0 ? 0 : clicks10s(networks, network);
  into.network60s = network < 0 ? 0 : clicks60s(networks, network);
  const counter = heavy.find(into.ipKey);
  into.heavyEstimate = counter < 0 ? 0 : heavy.estimate(counter);
  into.heavyError = counter < 0 ? 0 : heavy.error(counter);
  into.heavyRank = counter >= 0 && rankBuckets > 0 ? heavy.rank(counter, rankBuckets) : 0;
  into.periodClicks = heavy.total;
  into.periodStartMs = clock.period * thresholds.heavyHitterPeriodSec * 1_000;
  return into;
}

export function ruleStats(state: RuleState): FraudRuleStats {
  const { ips, networks, heavy, clicks } = state;
  return {
    clicks,
    ips: ips.size(),
    ipEvictions: ips.counters.evictions,
    ipExpirations: ips.counters.expirations,
    networks: networks.size(),
    networkEvictions: networks.counters.evictions,
    networkExpirations: networks.counters.expirations,
    heavyHitterCounters: heavy.size(),
    periodClicks: heavy.total,
  };
}
