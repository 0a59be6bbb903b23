// The archiver's manifest: one view row per committed lake file, written by the archiver in the
// same store transaction as the offsets its rows came from. The key is the file's number within
// its partition (1, 2, 3, … with no gaps: a number that was not committed is used again), so the
// sealer reads each partition's new files by asking for the next key until there is none.
import { assert } from '../core/index.js';
import { lakeFileKinds, type LakeFileInput } from '../store/index.js';

export const lakeManifestView = 'lake_files';

/** `p0003-000000000042`: zero-padded, so keys sort as their numbers do. */
export function lakeManifestKey(partition: number, sequence: number): string {
  assert(Number.isSafeInteger(partition) && partition >= 0 && partition < 10_000, () => `partition ${partition} does not fit a manifest key`);
  assert(Number.isSafeInteger(sequence) && sequence >= 1 && sequence < 1e12, () => `sequence ${sequence} does not fit a manifest key`);
  return `p${String(partition).padStart(4, '0')}-${String(sequence).padStart(12, '0')}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const numberFields = ['hourStartMs', 'partition', 'firstOffset', 'lastOffset', 'rows', 'bytes', 'minEventTimeMs', 'maxEventTimeMs'] as const;

/** JSON, with every field checked on the way back (the store validates the rest). */
export const lakeManifestCodec = {
  encode(entry: LakeFileInput): Uint8Array {
    return encoder.encode(JSON.stringify(entry));
  },
  decode(bytes: Uint8Array): LakeFileInput {
    const value = JSON.parse(decoder.decode(bytes)) as LakeFileInput;
    const wellFormed =
      typeof value.path === 'string' &&
      typeof value.sha256 === 'string' &&
      lakeFileKinds.includes(value.kind) &&
      numberFields.every((field) => Number.isSafeInteger(value[field]));
    assert(wellFormed, () => `a lake manifest entry is malformed: ${JSON.stringify(value)}`);
    const { path, hourStartMs, kind, partition, firstOffset, lastOffset, rows, bytes: size, sha256, minEventTimeMs, maxEventTimeMs } = value;
    return { path, hourStartMs, kind, partition, firstOffset, lastOffset, rows, bytes: size, sha256, minEventTimeMs, maxEventTimeMs };
  },
};
