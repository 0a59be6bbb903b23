// The serving process's memory of fraud verdicts: the latest numbers of recently active addresses,
// filled from the fraud operator's live messages (at least once, full values) and read by
// `GET /v1/fraud/ips/:ip` with one map lookup. Bounded: the least recently updated go first. An
// update older than what is held (a replay after a worker restart) is ignored.
import { assert, limits, LruCache } from '../core/index.js';
import {
  emptyFraudNumbers,
  fraudNumberFields,
  fraudNumberStride,
  readFraudNumbers,
  writeFraudNumbers,
  type FraudIpNumbersPayload,
  type FraudNumbers,
  type FraudVerdictChange,
} from '../jobs/fraud/index.js';

export interface VerdictEntry {
  /** The numbers in `fraudNumberFields` order (a typed array: compact, no boxed fields). */
  values: Float64Array;
  /** The address text when a change named it (numbers messages carry keys only). */
  ip: string | null;
  /** When this process last updated the entry (its clock, epoch ms). */
  updatedAtMs: number;
}

export interface VerdictTableOptions {
  /** Addresses held at most (default `limits.fraudVerdictTableEntriesDefault`). */
  entriesMax?: number;
}

export interface VerdictTable {
  applyNumbers(payload: FraudIpNumbersPayload, nowMs: number): void;
  applyChange(change: FraudVerdictChange, nowMs: number): void;
  get(ipKey: number): VerdictEntry | undefined;
  size(): number;
  /** Updates ignored because the table held newer numbers. */
  staleUpdates(): number;
}

const ipKeyField = fraudNumberFields.indexOf('ipKey');
const lastClickField = fraudNumberFields.indexOf('lastClickMs');

/** The numbers of an entry as an object. */
export function numbersOfEntry(entry: VerdictEntry): FraudNumbers {
  return readFraudNumbers(entry.values, 0, emptyFraudNumbers());
}

export function createVerdictTable(options: VerdictTableOptions = {}): VerdictTable {
  const entriesMax = options.entriesMax ?? limits.fraudVerdictTableEntriesDefault;
  assert(Number.isInteger(entriesMax) && entriesMax >= 1 && entriesMax <= limits.fraudVerdictTableEntriesMax, () => `verdict table entriesMax must be 1..${limits.fraudVerdictTableEntriesMax}, got ${entriesMax}`);
  const entries = new LruCache<number, VerdictEntry>(entriesMax);
  let stale = 0;
  // Numbers of an address are replaced only by numbers as new or newer (its last click second).
  const put = (values: Float64Array, ip: string | null, nowMs: number): void => {
    const ipKey = values[ipKeyField]!;
    const held = entries.get(ipKey);
    if (held !== undefined && values[lastClickField]! < held.values[lastClickField]!) {
      stale++;
      return;
    }
    entries.set(ipKey, { values, ip: ip ?? held?.ip ?? null, updatedAtMs: nowMs });
  };
  return {
    applyNumbers(payload, nowMs) {
      assert(payload.values.length === payload.count * fraudNumberStride, 'a numbers payload of the wrong length');
      for (let index = 0; index < payload.count; index++) put(payload.values.slice(index * fraudNumberStride, (index + 1) * fraudNumberStride), null, nowMs);
    },
    applyChange(change, nowMs) {
      const values = new Float64Array(fraudNumberStride);
      writeFraudNumbers(values, 0, change.numbers);
      put(values, change.ip, nowMs);
    },
    get: (ipKey) => entries.get(ipKey),
    size: () => entries.size,
    staleUpdates: () => stale,
  };
}
