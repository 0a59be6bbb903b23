// What the fraud operator pushes to the serving process with `ctx.emit` (live messages: at least
// once, full values, so a repeat or a replay after a restart is harmless). Two channels:
// - verdict changes, each with its reasons and the numbers behind it (alerts are made of these);
// - the numbers of every address a batch touched, coalesced per batch, packed as one Float64Array
//   of `fraudNumberFields` per address, at most `liveIpsPerMessage` addresses per message.
import { emptyFraudNumbers, type FraudNumbers } from './fraud-numbers.js';
import type { FraudReasonName, FraudVerdictCode, FraudVerdictName } from './verdicts.js';

export const fraudLiveChannels = {
  changes: 'fraud-verdict-changes',
  ipNumbers: 'fraud-ip-numbers',
} as const;

/** Why a verdict changed: a click, or no click for 60 s (its windows emptied). */
export type FraudChangeCause = 'click' | 'quiet';

export interface FraudVerdictChange {
  /** The address as text; null when unknown (an IPv6 address gone quiet after a restart). */
  ip: string | null;
  ipKey: number;
  partition: number;
  from: FraudVerdictName;
  to: FraudVerdictName;
  reasons: FraudReasonName[];
  cause: FraudChangeCause;
  /** The click's event time, or the watermark that found the address quiet (epoch ms). */
  eventTimeMs: number;
  /** The click's log offset (null for `quiet`). */
  offset: number | null;
  /** The user agent of the click that changed the verdict to a non-ok one, when decoded. */
  userAgent: string | null;
  numbers: FraudNumbers;
}

export interface FraudChangesPayload {
  changes: FraudVerdictChange[];
}

/** The order of the numbers of one address in `FraudIpNumbersPayload.values`. */
export const fraudNumberFields = [
  'ipKey',
  'networkKey',
  'verdict',
  'reasons',
  'lastClickMs',
  'clicks10s',
  'clicks60s',
  'bucketClicks',
  'zScore',
  'baselineMean',
  'baselineDeviation',
  'network10s',
  'network60s',
  'heavyEstimate',
  'heavyError',
  'heavyRank',
  'periodClicks',
  'periodStartMs',
] as const satisfies readonly (keyof FraudNumbers)[];

export const fraudNumberStride = fraudNumberFields.length;

export interface FraudIpNumbersPayload {
  partition: number;
  count: number;
  /** `count * fraudNumberStride` numbers. */
  values: Float64Array;
}

// Straight-line, in `fraudNumberFields` order: these run for every address a batch touched.
export function writeFraudNumbers(values: Float64Array, index: number, numbers: FraudNumbers): void {
  const at = index * fraudNumberStride;
  values[at + 0] = numbers.ipKey;
  values[at + 1] = numbers.networkKey;
  values[at + 2] = numbers.verdict;
  values[at + 3] = numbers.reasons;
  values[at + 4] = numbers.lastClickMs;
  values[at + 5] = numbers.clicks10s;
  values[at + 6] = numbers.clicks60s;
  values[at + 7] = numbers.bucketClicks;
  values[at + 8] = numbers.zScore;
  values[at + 9] = numbers.baselineMean;
  values[at + 10] = numbers.baselineDeviation;
  values[at + 11] = numbers.network10s;
  values[at + 12] = numbers.network60s;
  values[at + 13] = numbers.heavyEstimate;
  values[at + 14] = numbers.heavyError;
  values[at + 15] = numbers.heavyRank;
  values[at + 16] = numbers.periodClicks;
  values[at + 17] = numbers.periodStartMs;
}

export function readFraudNumbers(values: Float64Array, index: number, into: FraudNumbers = emptyFraudNumbers()): FraudNumbers {
  const at = index * fraudNumberStride;
  into.ipKey = values[at + 0]!;
  into.networkKey = values[at + 1]!;
  into.verdict = values[at + 2]! as FraudVerdictCode;
  into.reasons = values[at + 3]!;
  into.lastClickMs = values[at + 4]!;
  into.clicks10s = values[at + 5]!;
  into.clicks60s = values[at + 6]!;
  into.bucketClicks = values[at + 7]!;
  into.zScore = values[at + 8]!;
  into.baselineMean = values[at + 9]!;
  into.baselineDeviation = values[at + 10]!;
  into.network10s = values[at + 11]!;
  into.network60s = values[at + 12]!;
  into.heavyEstimate = values[at + 13]!;
  into.heavyError = values[at + 14]!;
  into.heavyRank = values[at + 15]!;
  into.periodClicks = values[at + 16]!;
  into.periodStartMs = values[at + 17]!;
  return into;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isFraudChangesPayload(value: unknown): value is FraudChangesPayload {
  return isObject(value) && Array.isArray(value.changes);
}

export function isFraudIpNumbersPayload(value: unknown): value is FraudIpNumbersPayload {
  return isObject(value) && value.values instanceof Float64Array && typeof value.count === 'number' && value.values.length === value.count * fraudNumberStride;
}
