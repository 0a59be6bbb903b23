// Batch decoders for clicks. The header decoder reads, once per record for every operator of a
// job, the fields the hot jobs use (`readClickHeader`: time, flags, device, country, address,
// link and owner) into columns; an operator that needs a cold field (user agent, referrer)
// decodes it from `values[row]` itself. The time-only decoder is for jobs that need nothing else.
import { ipKey, networkKey, readClickEventTimeMs, readClickHeader, type ClickHeader, type DeviceClass, type EventSource } from '../events/index.js';
import { createBatchColumns } from './batch-columns.js';
import type { BatchColumns, BatchDecoder } from './types.js';

export interface ClickBatch extends BatchColumns {
  readonly ingestTimesMs: Float64Array;
  readonly ips: string[];
  /** The address as a number (see `ipKey` in src/events): the key of per-IP state. */
  readonly ipKeys: Float64Array;
  /** The address's /24 or /64 network as a number (see `networkKey`). */
  readonly networkKeys: Float64Array;
  readonly countries: string[];
  readonly devices: DeviceClass[];
  /** 1 for a bot, else 0. */
  readonly bots: Uint8Array;
  /** 1 for a HEAD request, else 0. */
  readonly heads: Uint8Array;
  readonly sources: EventSource[];
  readonly linkIds: string[];
  readonly userIds: string[];
  readonly accountIds: string[];
  /**
   * Free for the job's operators: e.g. fraud writes 1 for a suspicious click, and counters, run
   * after it on the same batch, split human from suspicious by it.
   */
  readonly flags: Uint8Array;
}

export function clickHeaderDecoder(): BatchDecoder<ClickBatch> {
  // One header object, refilled per record: decoding allocates only the strings themselves.
  const header: ClickHeader = { eventTimeMs: 0, ingestTimeMs: 0, ip: '', country: '', device: 'unknown', bot: false, head: false, source: 'redirect', linkId: '', userId: '', accountId: '' };
  return {
    createBatch(capacity) {
      const strings = () => new Array<string>(capacity).fill('');
      return {
        ...createBatchColumns(capacity),
        ingestTimesMs: new Float64Array(capacity),
        ips: strings(),
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
        flags: new Uint8Array(capacity),
      };
    },
    decode(value, batch, row) {
      readClickHeader(value, header);
      batch.eventTimesMs[row] = header.eventTimeMs;
      batch.ingestTimesMs[row] = header.ingestTimeMs;
      batch.ips[row] = header.ip;
      batch.ipKeys[row] = ipKey(header.ip) ?? 0;
      batch.networkKeys[row] = networkKey(header.ip) ?? 0;
      batch.countries[row] = header.country;
      batch.devices[row] = header.device;
      batch.bots[row] = header.bot ? 1 : 0;
      batch.heads[row] = header.head ? 1 : 0;
      batch.sources[row] = header.source;
      batch.linkIds[row] = header.linkId;
      batch.userIds[row] = header.userId;
      batch.accountIds[row] = header.accountId;
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
