// Batch decoders for clicks. The header decoder reads, once per record for every operator of a
// job, the fields the hot jobs use into columns, straight from the record's bytes: times, flags,
// device and country from fixed offsets, numeric address and network keys from the raw address
// bytes, and link, user and account ids through a cache keyed by their raw bytes, so a repeated
// link makes no string. No address text is made per record: `ipText(batch, row)` formats it on
// demand. An operator that needs a cold field (user agent, referrer) decodes it from
// `values[row]` itself. The time-only decoder is for jobs that need nothing else.
import { limits } from '../core/index.js';
import {
  addressKeysInto,
  clickFlagBits,
  clickIpOffset,
  countryOfCode,
  createClickLayout,
  deviceClasses,
  readClickEventTimeMs,
  readClickIp,
  readClickLayout,
  type DeviceClass,
  type EventSource,
} from '../events/index.js';
import { createBatchColumns } from './batch-columns.js';
import { createClickIdCache } from './click-id-cache.js';
import type { BatchColumns, BatchDecoder } from './types.js';

export interface ClickBatch extends BatchColumns {
  readonly ingestTimesMs: Float64Array;
  /** The address as a number (see `ipKey` in src/events): the key of per-IP state. Its text: `ipText(batch, row)`. */
  readonly ipKeys: Float64Array;
  /** The address's /24 or /64 network as a number (see `networkKey`). */
  readonly networkKeys: Float64Array;
  /** ISO code or '' (shared strings: no allocation per record). */
  readonly countries: string[];
  readonly devices: DeviceClass[];
  /** 1 for a bot, else 0. */
  readonly bots: Uint8Array;
  /** 1 for a HEAD request, else 0. */
  readonly heads: Uint8Array;
  readonly sources: EventSource[];
  /** Id texts, shared between records with the same ids (see click-id-cache.ts). */
  readonly linkIds: string[];
  readonly userIds: string[];
  readonly accountIds: string[];
  /**
   * The decoder's id-cache slot of the row's ids, or -1: two rows with the same slot and the same
   * `linkIds` text have the same link. Lets an operator keep per-link data in an array by slot and
   * skip a map lookup; a slot is reused for other ids, so check the link id.
   */
  readonly linkSlots: Int32Array;
  /**
   * Free for the job's operators: e.g. fraud writes 1 for a suspicious click, and counters, run
   * after it on the same batch, split human from suspicious by it. Zero after decoding.
   */
  readonly flags: Uint8Array;
}

/** The visitor's address of row `row` as canonical text, formatted from the raw record on demand. */
export function ipText(batch: BatchColumns, row: number): string {
  return readClickIp(batch.values[row]!);
}

export interface ClickHeaderDecoderOptions {
  /** Slots of the id cache (a power of two); default `limits.streamClickIdCacheSlots`. */
  idCacheSlots?: number;
}

export function clickHeaderDecoder(options: ClickHeaderDecoderOptions = {}): BatchDecoder<ClickBatch> {
  // One layout, refilled per record: decoding a known link allocates nothing.
  const layout = createClickLayout();
  const idCache = createClickIdCache({ slots: options.idCacheSlots ?? limits.streamClickIdCacheSlots, keyBytesMax: limits.streamClickIdCacheKeyBytesMax });
  return {
    createBatch(capacity) {
      const strings = () => new Array<string>(capacity).fill('');
      return {
        ...createBatchColumns(capacity),
        ingestTimesMs: new Float64Array(capacity),
        ipKeys: new Float64Array(capacity),
        networkKeys: new Float64Array(capacity),
        countries: strings(),
        devices: new Array<DeviceClass>(capacity).fill('unknown'),
        bots: new Uint8Array(capacity),
        heads: new Uint8Array(capacity),
        sources: new Array<EventSource>(capacity).fill('redirect'),
        linkIds: strings(),
        userIds: strings(),
        accountIds: strings(),
        linkSlots: new Int32Array(capacity),
        flags: new Uint8Array(capacity),
      };
    },
    decode(value, batch, row) {
      readClickLayout(value, layout);
      const { flags, ipLength } = layout;
      batch.eventTimesMs[row] = layout.eventTimeMs;
      batch.ingestTimesMs[row] = layout.ingestTimeMs;
      addressKeysInto(value, clickIpOffset, ipLength, batch.ipKeys, batch.networkKeys, row);
      batch.countries[row] = countryOfCode(layout.country);
      batch.devices[row] = deviceClasses[layout.device]!;
      batch.bots[row] = (flags & clickFlagBits.bot) !== 0 ? 1 : 0;
      batch.heads[row] = (flags & clickFlagBits.head) !== 0 ? 1 : 0;
      batch.sources[row] = (flags & clickFlagBits.import) !== 0 ? 'import' : 'redirect';
      batch.linkSlots[row] = idCache.resolve(value, layout, batch, row);
      batch.flags[row] = 0;
    },
  };
}

/** Only each click's event time (a fixed offset): for jobs that need nothing else, and for measuring the engine. */
export function clickTimeDecoder(): BatchDecoder<BatchColumns> {
  return {
    createBatch: createBatchColumns,
    decode(value, batch, row) {
      batch.eventTimesMs[row] = readClickEventTimeMs(value);
    },
  };
}
