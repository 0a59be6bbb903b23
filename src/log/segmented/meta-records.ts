// The bodies of meta frames, in segments (commit time, idempotency key) and in index files
// (offset entry, idempotency key, seal). The first byte names the kind; numbers are little endian;
// offsets and times are float64, exact for every integer below 2^53.

const kindCommit = 1;
const kindIdempotency = 2;
const kindOffset = 16;
const kindSeal = 17;

/** Ends every group commit's bytes in a segment: when they were committed. */
export interface CommitMeta {
  kind: 'commit';
  timeMs: number;
}

/** Follows the records of an append that carried an idempotency key. */
export interface IdempotencyMeta {
  kind: 'idempotency';
  key: string;
  firstOffset: number;
  count: number;
  timeMs: number;
}

/** A sparse index entry: the data frame of `relativeOffset` starts at `position`. */
export interface OffsetEntry {
  kind: 'offset';
  relativeOffset: number;
  position: number;
}

/** The last entry of a sealed segment's index: what the segment holds. */
export interface SealEntry {
  kind: 'seal';
  records: number;
  sizeBytes: number;
  newestAppendMs: number;
}

export type MetaRecord = CommitMeta | IdempotencyMeta | OffsetEntry | SealEntry;

export function encodeMeta(record: MetaRecord): Buffer {
  switch (record.kind) {
    case 'commit': {
      const body = Buffer.allocUnsafe(9);
      body.writeUInt8(kindCommit, 0);
      body.writeDoubleLE(record.timeMs, 1);
      return body;
    }
    case 'idempotency': {
      const key = Buffer.from(record.key, 'utf8');
      const body = Buffer.allocUnsafe(21 + key.length);
      body.writeUInt8(kindIdempotency, 0);
      body.writeDoubleLE(record.firstOffset, 1);
      body.writeUInt32LE(record.count, 9);
      body.writeDoubleLE(record.timeMs, 13);
      key.copy(body, 21);
      return body;
    }
    case 'offset': {
      const body = Buffer.allocUnsafe(9);
      body.writeUInt8(kindOffset, 0);
      body.writeUInt32LE(record.relativeOffset, 1);
      body.writeUInt32LE(record.position, 5);
      return body;
    }
    case 'seal': {
      const body = Buffer.allocUnsafe(17);
      body.writeUInt8(kindSeal, 0);
      body.writeUInt32LE(record.records, 1);
      body.writeUInt32LE(record.sizeBytes, 5);
      body.writeDoubleLE(record.newestAppendMs, 9);
      return body;
    }
  }
}

/** The meta record in `body`, or undefined when it is not one this version writes. */
export function decodeMeta(body: Buffer): MetaRecord | undefined {
  if (body.length === 0) return undefined;
  switch (body.readUInt8(0)) {
    case kindCommit:
      return body.length === 9 ? { kind: 'commit', timeMs: body.readDoubleLE(1) } : undefined;
    case kindIdempotency:
      if (body.length <= 21) return undefined;
      return {
        kind: 'idempotency',
        firstOffset: body.readDoubleLE(1),
        count: body.readUInt32LE(9),
        timeMs: body.readDoubleLE(13),
        key: body.toString('utf8', 21),
      };
    case kindOffset:
      return body.length === 9 ? { kind: 'offset', relativeOffset: body.readUInt32LE(1), position: body.readUInt32LE(5) } : undefined;
    case kindSeal:
      if (body.length !== 17) return undefined;
      return { kind: 'seal', records: body.readUInt32LE(1), sizeBytes: body.readUInt32LE(5), newestAppendMs: body.readDoubleLE(9) };
    default:
      return undefined;
  }
}
