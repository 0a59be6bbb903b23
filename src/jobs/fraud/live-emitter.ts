// Builds the operator's live messages: verdict changes as they happen in a batch (with the address
// text and user agent of the click that changed it: cold fields, decoded from the raw record only
// for a change), and the
// numbers of every address the batch touched, in messages of bounded size.
import { limits, LruCache } from '../../core/index.js';
import { decodeClick, type ClickEvent } from '../../events/index.js';
import type { ClickBatch, OperatorContext } from '../../stream/index.js';
import { emptyFraudNumbers } from './fraud-numbers.js';
import type { FraudRule } from './fraud-rule.js';
import { fraudLiveChannels, fraudNumberStride, writeFraudNumbers, type FraudChangeCause, type FraudIpNumbersPayload, type FraudVerdictChange } from './live-messages.js';
import type { TouchedSlots } from './touched-slots.js';
import { reasonNamesOf, verdictName, type FraudVerdictCode } from './verdicts.js';

export interface LiveEmitterOptions {
  alertUserAgents: boolean;
  ipNumbers: boolean;
  ipsPerMessage: number;
  changesPerMessage: number;
}

export interface LiveEmitter {
  /** A click at `row` changed its address's verdict from `previous`. */
  clickChange(rule: FraudRule, batch: ClickBatch, row: number, previous: FraudVerdictCode): void;
  /** The address in `slot` went quiet: back to ok from `previous`. */
  quietChange(rule: FraudRule, partition: number, slot: number, previous: FraudVerdictCode, watermarkMs: number): void;
  /** Emits the changes collected so far. */
  flushChanges(context: OperatorContext): void;
  /** Emits the numbers of the touched addresses of `partition`. */
  emitNumbers(context: OperatorContext, rule: FraudRule, partition: number, touched: TouchedSlots): void;
}

const ipv4KeysEnd = 2 ** 32;
/** Numbers messages rank an address only among the top distinct counts (a short walk), and only one with this many guaranteed clicks. */
const numbersRankBuckets = 64;
const numbersRankClicksMin = 10;

/** IPv4 keys are the address itself; IPv6 keys are hashes, so their text must be remembered. */
function ipv4Text(ipKey: number): string | null {
  if (ipKey >= ipv4KeysEnd) return null;
  return `${ipKey >>> 24}.${(ipKey >>> 16) & 255}.${(ipKey >>> 8) & 255}.${ipKey & 255}`;
}

/** The whole click of a raw record (address text, user agent: cold fields), decoded only for a change. */
function clickOf(value: Uint8Array | undefined): ClickEvent | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeClick(value);
  } catch {
    return undefined;
  }
}

export function createLiveEmitter(options: LiveEmitterOptions): LiveEmitter {
  let changes: FraudVerdictChange[] = [];
  // Texts of non-ok IPv6 addresses, so a quiet change can name them (IPv4 keys are the address).
  const texts = new LruCache<number, string>(limits.fraudIpv6TextsMax);
  const change = (rule: FraudRule, partition: number, slot: number, previous: FraudVerdictCode, cause: FraudChangeCause): FraudVerdictChange => {
    // A change is rare: it gets the heavy-hitter rank (a walk of the summary) whatever its reasons.
    const numbers = rule.numbers(slot, emptyFraudNumbers(), Infinity);
    const reasons = reasonNamesOf(numbers.reasons);
    return { ip: null, ipKey: numbers.ipKey, partition, from: verdictName(previous), to: verdictName(numbers.verdict), reasons, cause, eventTimeMs: 0, offset: null, userAgent: null, numbers };
  };
  return {
    clickChange(rule, batch, row, previous) {
      const record = change(rule, batch.partition, rule.last.slot, previous, 'click');
      const click = clickOf(batch.values[row]);
      record.ip = click?.ip ?? ipv4Text(record.ipKey);
      record.eventTimeMs = batch.eventTimesMs[row]!;
      record.offset = batch.offsets[row]!;
      if (record.to !== 'ok' && options.alertUserAgents) record.userAgent = click?.userAgent ?? null;
      if (record.to === 'ok') texts.delete(record.ipKey);
      else if (record.ipKey >= ipv4KeysEnd && record.ip !== null) texts.set(record.ipKey, record.ip);
      changes.push(record);
    },
    quietChange(rule, partition, slot, previous, watermarkMs) {
      const record = change(rule, partition, slot, previous, 'quiet');
      record.ip = texts.get(record.ipKey) ?? ipv4Text(record.ipKey);
      record.eventTimeMs = watermarkMs;
      texts.delete(record.ipKey);
      changes.push(record);
    },
    flushChanges(context) {
      for (let start = 0; start < changes.length; start += options.changesPerMessage) {
        context.emit(fraudLiveChannels.changes, { changes: changes.slice(start, start + options.changesPerMessage) });
      }
      changes = [];
    },
    emitNumbers(context, rule, partition, touched) {
      if (!options.ipNumbers || touched.size === 0) return;
      const numbers = emptyFraudNumbers();
      let payload: FraudIpNumbersPayload | undefined;
      let left = touched.size;
      touched.forEach((slot) => {
        payload ??= { partition, count: 0, values: new Float64Array(Math.min(options.ipsPerMessage, left) * fraudNumberStride) };
        rule.numbers(slot, numbers, 0);
        // A rank is a walk of the summary: only addresses with some guaranteed weight get one.
        if (numbers.heavyEstimate - numbers.heavyError >= numbersRankClicksMin) rule.numbers(slot, numbers, numbersRankBuckets);
        writeFraudNumbers(payload.values, payload.count++, numbers);
        left--;
        if (payload.count * fraudNumberStride === payload.values.length) {
          context.emit(fraudLiveChannels.ipNumbers, payload);
          payload = undefined;
        }
      });
    },
  };
}
