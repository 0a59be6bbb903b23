// Splits one append into JetStream messages: as many records per message as the packing bounds
// allow, in order. A record larger than the byte target goes alone into a message of its own; the
// caller has already checked it fits the server's max_payload.
import { batchBytes, batchRecordOverheadBytes } from './batch-codec.js';

export interface PackingBounds {
  recordsPerMessageMax: number;
  /** Target encoded size of one message payload. */
  messageBytesMax: number;
}

/** Half-open ranges [start, end) of `records`, one per message. */
export function packRecords(records: readonly Uint8Array[], bounds: PackingBounds): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  let bytes = batchBytes(0, 0);
  for (let i = 0; i < records.length; i++) {
    const added = batchRecordOverheadBytes + records[i]!.byteLength;
    const full = i - start >= bounds.recordsPerMessageMax || bytes + added > bounds.messageBytesMax;
    if (i > start && full) {
      ranges.push([start, i]);
      start = i;
      bytes = batchBytes(0, 0);
    }
    bytes += added;
  }
  if (records.length > start) ranges.push([start, records.length]);
  return ranges;
}
