// Clicks encoded for the log, in a few flat buffers instead of an object per click: what an ingest
// worker hands the thread that owns the log and the dedupe window. Every buffer has its own
// ArrayBuffer (never a slice of Node's shared pool), so all of them can be transferred, not copied.
import { assert } from '../core/index.js';
import { writeEventIdHash } from './dedupe-window.js';

export interface EncodedClicks {
  /** Records in the clicks. */
  count: number;
  /** The records' bytes, back to back, in line order. */
  bytes: Uint8Array;
  /** Record i spans `bytes[ends[i - 1] .. ends[i])`, with `ends[-1]` taken as 0. */
  ends: Uint32Array;
  /** Record i's log partition. */
  partitions: Uint16Array;
  /** Record i's event id hash (see `writeEventIdHash`): `[2i]` high half, `[2i + 1]` low half. */
  idHashes: Uint32Array;
}

/** The ArrayBuffers of `clicks`, for a `postMessage` transfer list. */
export function transferablesOf(clicks: EncodedClicks): ArrayBuffer[] {
  return [clicks.bytes.buffer, clicks.ends.buffer, clicks.partitions.buffer, clicks.idHashes.buffer] as ArrayBuffer[];
}

/** Memory that is not a view into Node's shared Buffer pool, so it may be transferred. */
function ownBytes(length: number): Buffer {
  return Buffer.allocUnsafeSlow(length);
}

export interface EncodedClicksBuilder {
  /** Appends one encoded record with its partition and event id. */
  add(record: Uint8Array, partition: number, id: string): void;
  /** The clicks added so far; the builder must not be used afterwards. */
  finish(): EncodedClicks;
}

/** A builder starting with room for `bytesHint` bytes of records; it grows by doubling beyond. */
export function createEncodedClicksBuilder(bytesHint: number): EncodedClicksBuilder {
  let bytes = ownBytes(Math.max(1024, bytesHint));
  // Records are rarely under 100 bytes: room for that many first.
  let countMax = Math.max(16, Math.ceil(bytes.length / 100));
  let ends = new Uint32Array(countMax);
  let partitions = new Uint16Array(countMax);
  let idHashes = new Uint32Array(countMax * 2);
  let count = 0;
  let used = 0;

  const growIndex = (): void => {
    countMax *= 2;
    const grownEnds = new Uint32Array(countMax);
    grownEnds.set(ends);
    ends = grownEnds;
    const grownPartitions = new Uint16Array(countMax);
    grownPartitions.set(partitions);
    partitions = grownPartitions;
    const grownHashes = new Uint32Array(countMax * 2);
    grownHashes.set(idHashes);
    idHashes = grownHashes;
  };

  return {
    add(record, partition, id) {
      if (count === countMax) growIndex();
      if (used + record.length > bytes.length) {
        const grown = ownBytes(Math.max(bytes.length * 2, used + record.length));
        bytes.copy(grown, 0, 0, used);
        bytes = grown;
      }
      assert(partition >= 0 && partition < 65_536, 'a partition number fits 16 bits');
      bytes.set(record, used);
      used += record.length;
      ends[count] = used;
      partitions[count] = partition;
      writeEventIdHash(id, idHashes, count * 2);
      count++;
    },
    finish() {
      return {
        count,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, used),
        ends: ends.subarray(0, count),
        partitions: partitions.subarray(0, count),
        idHashes: idHashes.subarray(0, count * 2),
      };
    },
  };
}
