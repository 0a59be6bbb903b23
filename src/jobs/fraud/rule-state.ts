// Everything one fraud rule holds (one per log partition): address and network records, the
// heavy-hitter summary, the rule's event-time clock, and the bookkeeping a checkpoint needs
// (dirty addresses, keys whose checkpointed rows must go, non-ok addresses waiting to go quiet).
import { createBaselineModel, type BaselineModel } from './baseline.js';
import { createNumberList, createSlotQueue, type NumberList, type SlotQueue } from './growable-list.js';
import type { FraudRuleOptions } from './options.js';
import { createChangelogState, type ChangelogState } from './ip-changelog.js';
import { f64Key, f64PerRecord, flagOwnRow, flagPersisted, recordBytes, u8Flags } from './record-layout.js';
import { createSlotTable, type SlotTable } from './slot-table.js';
import { createSpaceSaving, type SpaceSaving } from './space-saving.js';

/**
 * Seconds past a time-to-live before a key is swept: clicks that arrive out of order by less
 * than this see the same state whether or not their key was swept, so sweeping never changes a
 * verdict (an idle address is reset by the rule itself at the time-to-live).
 */
export const sweepGraceSeconds = 60;
/** Networks keep nothing but their 60-s windows: idle this long, they are empty. */
export const networkIdleSeconds = 60;

/** The thresholds `judge` reads per click, copied into one object literal: fast properties. */
export interface RuleThresholds {
  readonly ip10sSuspicious: number;
  readonly ip10sBlocked: number;
  readonly ip60sSuspicious: number;
  readonly ip60sBlocked: number;
  readonly network10sSuspicious: number;
  readonly network10sBlocked: number;
  readonly network60sSuspicious: number;
  readonly network60sBlocked: number;
  readonly zScoreSuspicious: number;
  /** At least 1. */
  readonly zScoreClicksMin: number;
  readonly zScoreDeviationMin: number;
  readonly heavyHitterClicksMin: number;
  readonly heavyHitterShareMin: number;
  readonly heavyHitterPeriodSec: number;
  readonly ipIdleTtlSec: number;
}

function thresholdsOf(options: FraudRuleOptions): RuleThresholds {
  return {
    ip10sSuspicious: options.ip10sSuspicious,
    ip10sBlocked: options.ip10sBlocked,
    ip60sSuspicious: options.ip60sSuspicious,
    ip60sBlocked: options.ip60sBlocked,
    network10sSuspicious: options.network10sSuspicious,
    network10sBlocked: options.network10sBlocked,
    network60sSuspicious: options.network60sSuspicious,
    network60sBlocked: options.network60sBlocked,
    zScoreSuspicious: options.zScoreSuspicious,
    zScoreClicksMin: Math.max(1, options.zScoreClicksMin),
    zScoreDeviationMin: options.zScoreDeviationMin,
    heavyHitterClicksMin: options.heavyHitterClicksMin,
    heavyHitterShareMin: options.heavyHitterShareMin,
    heavyHitterPeriodSec: options.heavyHitterPeriodSec,
    ipIdleTtlSec: options.ipIdleTtlSec,
  };
}

export interface RuleState {
  readonly options: FraudRuleOptions;
  readonly thresholds: RuleThresholds;
  readonly ips: SlotTable;
  readonly networks: SlotTable;
  readonly heavy: SpaceSaving;
  readonly baseline: BaselineModel;
  /** The newest event second seen, and its heavy-hitter period. */
  readonly clock: { second: number; period: number };
  /** Slots changed since the last checkpoint (a slot may appear twice after reuse; the dirty flag decides). */
  readonly dirty: NumberList;
  /** Keys in checkpointed chunks whose slots were freed since the last checkpoint (the next delta logs them). */
  readonly removed: NumberList;
  /** Keys with their own checkpointed row whose slots were freed since the last checkpoint (the rows go). */
  readonly removedOwn: NumberList;
  /** Where the changelog of address records stands (ip-changelog.ts). */
  readonly changelog: ChangelogState;
  /** Non-ok addresses, oldest verdict first. */
  readonly quiet: SlotQueue;
  /** Sweep visits per second of event time: a full turn well within the time-to-live. */
  readonly ipSweepPerSecond: number;
  readonly networkSweepPerSecond: number;
  flags: { rebuildPending: boolean; summaryDirty: boolean };
  clicks: number;
}

export function createRuleState(options: FraudRuleOptions): RuleState {
  const removed = createNumberList();
  const removedOwn = createNumberList();
  let ips: SlotTable | undefined = undefined;
  const onIpRemoved = (slot: number): void => {
    const table = ips!;
    const flags = table.u8[slot * recordBytes + u8Flags]!;
    if ((flags & flagPersisted) !== 0) removed.push(table.f64[slot * f64PerRecord + f64Key]!);
    if ((flags & flagOwnRow) !== 0) removedOwn.push(table.f64[slot * f64PerRecord + f64Key]!);
  };
  ips = createSlotTable(options.ipsMax, onIpRemoved);
  return {
    options,
    thresholds: thresholdsOf(options),
    ips,
    networks: createSlotTable(options.networksMax),
    heavy: createSpaceSaving(options.heavyHitterCounters),
    baseline: createBaselineModel(options.baselineHalfLifeSec, options.ipIdleTtlSec),
    clock: { second: 0, period: 0 },
    dirty: createNumberList(),
    removed,
    removedOwn,
    changelog: createChangelogState(),
    quiet: createSlotQueue(),
    ipSweepPerSecond: Math.max(16, Math.ceil((2 * options.ipsMax) / options.ipIdleTtlSec)),
    networkSweepPerSecond: Math.max(16, Math.ceil((2 * options.networksMax) / networkIdleSeconds)),
    flags: { rebuildPending: false, summaryDirty: false },
    clicks: 0,
  };
}
