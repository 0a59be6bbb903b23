// The fraud rule: one pure, deterministic definition of a click's verdict, run by the stream
// operator on each partition and by `judgeSortedClicks` over a sealed hour. Feed it clicks with
// `observe` and it returns the verdict in force for each; the same clicks in the same order give
// the same verdicts, and its state can be checkpointed and restored exactly (rule-snapshot.ts).
//
// Per address: clicks in the last 10 s and 60 s, and a z-score of its current 10-s count against
// its own baseline. Per /24 or /64 network: clicks in the last 10 s and 60 s. Per partition: a
// Space-Saving summary of the current period's heavy hitters. docs/fraud.md has the thresholds.
import { foldClosedBuckets, zScoreOf } from './baseline.js';
import { emptyFraudNumbers, type FraudNumbers } from './fraud-numbers.js';
import { parseFraudRuleOptions, type FraudRuleOptions, type FraudRuleOptionsInput } from './options.js';
import { f32Mean, f32Variance, f64Network, f64PerRecord, epochMsOfRuleSecond, ruleSecondOf, u16PerRecord, u16Seconds, u32LastSecond, u32PerRecord } from './record-layout.js';
import {
  drainRemovedKeys,
  forEachDirtyAddress,
  readRuleNumbers,
  relaxQuietAddresses,
  ruleStats,
  settleVerdict,
  type FraudRuleStats,
} from './rule-bookkeeping.js';
import { checkpointAddresses, type AddressSink } from './ip-changelog.js';
import { encodeIpRecord, encodeSummary, partitionOfIpValue, rebuildAfterRestore, restoreIpRecord, restoreSummary } from './rule-snapshot.js';
import { createRuleState, networkIdleSeconds, sweepGraceSeconds, type RuleState } from './rule-state.js';
import { fraudReasons, type FraudVerdictCode } from './verdicts.js';
import { addClick, advanceWindows, clicks10s, clicks60s, currentBucketClicks, startWindows } from './window-counts.js';

export type { FraudRuleStats } from './rule-bookkeeping.js';

export interface FraudRule {
  readonly options: FraudRuleOptions;
  /** After each `observe`: the address's slot and the verdict in force before that click. */
  readonly last: { slot: number; previous: FraudVerdictCode };
  /** Counts one click and returns the verdict in force for it (counting it). */
  observe(ipKey: number, networkKey: number, eventTimeMs: number): FraudVerdictCode;
  /** The address's slot, or -1 when it is not tracked. */
  find(ipKey: number): number;
  /**
   * Brings the records of the clicks `from..to` into the cache ahead of `observe` (loads the
   * processor can overlap, where `observe` waits for one miss after another). Changes nothing.
   */
  prefetch(ipKeys: Float64Array, networkKeys: Float64Array, from: number, to: number): void;
  /**
   * The numbers of the address in `slot`. The heavy-hitter rank is a walk of the summary: none
   * with `rankBuckets` 0 (the default), else given up (0) past that many distinct counts above.
   */
  numbers(slot: number, into?: FraudNumbers, rankBuckets?: number): FraudNumbers;
  /**
   * Non-ok addresses with no click in the 60 s before `watermarkMs` go back to ok (their windows
   * are empty); `onChange` hears each. Only the stream calls this: it changes what is in force
   * between clicks, never a click's verdict.
   */
  relaxQuiet(watermarkMs: number, onChange: (slot: number, previous: FraudVerdictCode) => void): void;
  stats(): FraudRuleStats;
  /** Every address changed since the last call, once, as an own row (clears the dirty marks). */
  forEachDirty(callback: (slot: number, ipKey: number) => void): void;
  /** Keys whose own rows must be deleted (their addresses were evicted or expired). */
  drainRemoved(callback: (ipKey: number) => void): void;
  /** At a barrier: removed and changed addresses as own rows or a changelog delta (ip-changelog.ts). */
  checkpointAddresses(partition: number, sink: AddressSink): void;
  /** Queues a restored `ipChunks` row; applied with the own rows at the rule's first use. */
  queueRestoredChunk(bytes: Uint8Array): void;
  /** Queues a restored own row (`encodeIp` bytes). */
  queueRestoredIp(bytes: Uint8Array): void;
  /** True when the clock or heavy hitters changed since the last `encodeSummary`. */
  summaryDirty(): boolean;
  encodeIp(slot: number, partition: number): Uint8Array;
  /** Restores an address from `encodeIp` bytes; returns its slot. */
  restoreIp(bytes: Uint8Array): number;
  encodeSummary(partition: number): Uint8Array;
  restoreSummary(bytes: Uint8Array): void;
}

/** The reason bit of each signal, in the order `judge` fills its levels. */
const signalBits = [fraudReasons.ip10s, fraudReasons.ip60s, fraudReasons.zScore, fraudReasons.network10s, fraudReasons.network60s, fraudReasons.heavyHitter] as const;

/** 0, 1 (suspicious) or 2 (blocked) for a count against its thresholds (0: that level is off). */
function levelOf(count: number, suspicious: number, blocked: number): number {
  if (blocked > 0 && count >= blocked) return 2;
  return suspicious > 0 && count >= suspicious ? 1 : 0;
}

class FraudRuleImpl implements FraudRule {
  readonly last: { slot: number; previous: FraudVerdictCode } = { slot: -1, previous: 0 };
  private readonly state: RuleState;
  private readonly ttlSeconds: number;
  private readonly signals = new Uint8Array(signalBits.length);
  private sink = 0;

  constructor(readonly options: FraudRuleOptions) {
    this.state = createRuleState(options);
    this.ttlSeconds = options.ipIdleTtlSec;
  }

  observe(ipKey: number, networkKey: number, eventTimeMs: number): FraudVerdictCode {
    const state = this.state;
    if (state.flags.rebuildPending) rebuildAfterRestore(state);
    const second = ruleSecondOf(eventTimeMs);
    if (second > state.clock.second) this.advanceClock(second);
    state.clicks++;
    state.flags.summaryDirty = true;
    const ip = this.touchIp(ipKey, networkKey, second);
    const network = this.touchNetwork(networkKey, second);
    const counter = state.heavy.add(ipKey);
    return this.judge(ip, network, counter);
  }

  find(ipKey: number): number {
    if (this.state.flags.rebuildPending) rebuildAfterRestore(this.state);
    return this.state.ips.find(ipKey);
  }

  prefetch(ipKeys: Float64Array, networkKeys: Float64Array, from: number, to: number): void {
    const { ips, networks } = this.state;
    this.sink += ips.warm(ipKeys, from, to) + networks.warm(networkKeys, from, to);
  }

  /** A new second: a new heavy-hitter period begins on its boundary; idle keys are swept. */
  private advanceClock(second: number): void {
    const { clock, heavy, ips, networks, thresholds } = this.state;
    const elapsed = clock.second === 0 ? 1 : second - clock.second;
    clock.second = second;
    const period = Math.floor(epochMsOfRuleSecond(second) / 1_000 / thresholds.heavyHitterPeriodSec);
    if (period !== clock.period) {
      clock.period = period;
      heavy.reset();
    }
    ips.sweep(second, this.ttlSeconds + sweepGraceSeconds, Math.min(ips.capacity, elapsed * this.state.ipSweepPerSecond));
    networks.sweep(second, networkIdleSeconds + sweepGraceSeconds, Math.min(networks.capacity, elapsed * this.state.networkSweepPerSecond));
  }

  private touchIp(ipKey: number, networkKey: number, second: number): number {
    const { ips, baseline } = this.state;
    let slot = ips.find(ipKey);
    if (slot < 0) {
      slot = ips.insert(ipKey);
      ips.f64[slot * f64PerRecord + f64Network] = networkKey;
      startWindows(ips, slot, second);
    } else {
      const last = ips.i32[slot * u32PerRecord + u32LastSecond]!;
      if (second - last >= this.ttlSeconds) {
        // Idle past the time-to-live: start afresh, exactly as if the sweep had removed it.
        ips.u16.fill(0, slot * u16PerRecord + u16Seconds, (slot + 1) * u16PerRecord);
        ips.f32[slot * u32PerRecord + f32Mean] = 0;
        ips.f32[slot * u32PerRecord + f32Variance] = 0;
        startWindows(ips, slot, second);
      } else if (second > last) {
        foldClosedBuckets(baseline, ips, slot, second);
        advanceWindows(ips, slot, second);
      }
    }
    addClick(ips, slot, second);
    return slot;
  }

  private touchNetwork(networkKey: number, second: number): number {
    const { networks } = this.state;
    let slot = networks.find(networkKey);
    if (slot < 0) {
      slot = networks.insert(networkKey);
      startWindows(networks, slot, second);
    } else {
      advanceWindows(networks, slot, second);
    }
    addClick(networks, slot, second);
    return slot;
  }

  private judge(ip: number, network: number, counter: number): FraudVerdictCode {
    const { ips, networks, heavy, thresholds } = this.state;
    const signals = this.signals;
    signals[0] = levelOf(clicks10s(ips, ip), thresholds.ip10sSuspicious, thresholds.ip10sBlocked);
    signals[1] = levelOf(clicks60s(ips, ip), thresholds.ip60sSuspicious, thresholds.ip60sBlocked);
    const bucket = currentBucketClicks(ips, ip);
    const zHigh = thresholds.zScoreSuspicious > 0 && bucket >= thresholds.zScoreClicksMin && zScoreOf(ips, ip, bucket, thresholds.zScoreDeviationMin) >= thresholds.zScoreSuspicious;
    signals[2] = zHigh ? 1 : 0;
    signals[3] = levelOf(clicks10s(networks, network), thresholds.network10sSuspicious, thresholds.network10sBlocked);
    signals[4] = levelOf(clicks60s(networks, network), thresholds.network60sSuspicious, thresholds.network60sBlocked);
    const estimate = heavy.estimate(counter);
    const heavyHit = thresholds.heavyHitterClicksMin > 0 && estimate - heavy.error(counter) >= thresholds.heavyHitterClicksMin && estimate >= thresholds.heavyHitterShareMin * heavy.total;
    signals[5] = heavyHit ? 1 : 0;
    let level = 0;
    let reasons = 0;
    for (let signal = 0; signal < signalBits.length; signal++) {
      const signalLevel = signals[signal]!;
      if (signalLevel === 0) continue;
      reasons |= signalBits[signal]!;
      if (signalLevel > level) level = signalLevel;
    }
    this.last.slot = ip;
    this.last.previous = settleVerdict(this.state, ip, level as FraudVerdictCode, reasons);
    return level as FraudVerdictCode;
  }

  numbers(slot: number, into: FraudNumbers = emptyFraudNumbers(), rankBuckets = 0): FraudNumbers {
    return readRuleNumbers(this.state, slot, into, rankBuckets);
  }

  relaxQuiet(watermarkMs: number, onChange: (slot: number, previous: FraudVerdictCode) => void): void {
    if (this.state.flags.rebuildPending) rebuildAfterRestore(this.state);
    relaxQuietAddresses(this.state, ruleSecondOf(watermarkMs), onChange);
  }

  stats(): FraudRuleStats {
    if (this.state.flags.rebuildPending) rebuildAfterRestore(this.state);
    return ruleStats(this.state);
  }

  forEachDirty(callback: (slot: number, ipKey: number) => void): void {
    forEachDirtyAddress(this.state, callback);
  }

  drainRemoved(callback: (ipKey: number) => void): void {
    drainRemovedKeys(this.state, callback);
  }

  summaryDirty(): boolean {
    return this.state.flags.summaryDirty;
  }

  checkpointAddresses(partition: number, sink: AddressSink): void {
    checkpointAddresses(this.state, partition, sink);
  }

  queueRestoredChunk(bytes: Uint8Array): void {
    this.state.changelog.pending.push(bytes);
    this.state.flags.rebuildPending = true;
  }

  queueRestoredIp(bytes: Uint8Array): void {
    partitionOfIpValue(bytes);
    this.state.changelog.pendingOwn.push(bytes);
    this.state.flags.rebuildPending = true;
  }

  encodeIp(slot: number, partition: number): Uint8Array {
    return encodeIpRecord(this.state, slot, partition);
  }

  restoreIp(bytes: Uint8Array): number {
    return restoreIpRecord(this.state, bytes);
  }

  encodeSummary(partition: number): Uint8Array {
    this.state.flags.summaryDirty = false;
    return encodeSummary(this.state, partition);
  }

  restoreSummary(bytes: Uint8Array): void {
    restoreSummary(this.state, bytes);
  }
}

/** A rule with `thresholds` (defaults: docs/fraud.md) and empty state. */
export function createFraudRule(thresholds: FraudRuleOptionsInput = {}): FraudRule {
  return new FraudRuleImpl(parseFraudRuleOptions(thresholds));
}

/** A rule from options already parsed (the operator parses once for all its partitions). */
export function createFraudRuleFromOptions(options: FraudRuleOptions): FraudRule {
  return new FraudRuleImpl(options);
}
