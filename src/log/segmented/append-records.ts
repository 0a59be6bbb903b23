// An append: offsets are assigned at once (so concurrent appends to a partition keep their call
// order), the frames are built in one buffer by the caller's turn of the event loop, and the
// promise resolves when the group commit carrying them has completed.
import { assert } from '../../core/index.js';
import type { AppendResult } from '../types.js';
import { assertFramesBuilt, dataFramesBytes, frameHeaderBytes, writeDataFrames, writeMetaFrame } from './frame-codec.js';
import type { DedupeEntry } from './dedupe-map.js';
import type { GroupCommitter } from './group-commit.js';
import { encodeMeta, type IdempotencyMeta } from './meta-records.js';
import type { PartitionState } from './partition-state.js';

function offsetsFrom(firstOffset: number, count: number): number[] {
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) offsets[i] = firstOffset + i;
  return offsets;
}

/** The records' frames, followed by the idempotency frame when there is a key. */
function encodeAppend(records: readonly Uint8Array[], key: IdempotencyMeta | undefined): Buffer {
  const keyBody = key ? encodeMeta(key) : undefined;
  const dataBytes = dataFramesBytes(records);
  const frames = Buffer.allocUnsafe(dataBytes + (keyBody ? frameHeaderBytes + keyBody.length : 0));
  const end = writeDataFrames(frames, 0, records);
  assert(end === dataBytes, 'data frames fill their space');
  if (keyBody) writeMetaFrame(frames, end, keyBody);
  assertFramesBuilt(frames, records.length);
  return frames;
}

async function duplicateOf(state: PartitionState, entry: DedupeEntry): Promise<AppendResult> {
  // A retry racing its original waits for the original to be durable, and fails with it.
  if (entry.durable) await entry.durable;
  return { partition: state.partition, offsets: offsetsFrom(entry.firstOffset, entry.count), duplicate: true };
}

export async function appendRecords(
  state: PartitionState,
  committer: GroupCommitter,
  records: readonly Uint8Array[],
  idempotencyKey: string | undefined,
  nowMs: () => number,
): Promise<AppendResult> {
  if (records.length === 0) return { partition: state.partition, offsets: [], duplicate: false };
  const room = committer.room();
  if (room) await room;
  if (state.failure) throw state.failure;
  // From the dedupe lookup to the key's registration nothing awaits, so that two racing
  // appends with one key cannot both miss the lookup.
  const seen = idempotencyKey === undefined ? undefined : state.dedupe.get(idempotencyKey, nowMs());
  if (seen) return duplicateOf(state, seen);
  const firstOffset = state.nextOffset;
  const timeMs = nowMs();
  const key: IdempotencyMeta | undefined =
    idempotencyKey === undefined ? undefined : { kind: 'idempotency', key: idempotencyKey, firstOffset, count: records.length, timeMs };
  const frames = encodeAppend(records, key);
  state.nextOffset += records.length;
  const durable = new Promise<void>((resolve, reject) => {
    committer.submit(state, { frames, firstOffset, count: records.length, key, resolve, reject });
  });
  if (key) state.dedupe.set(key.key, { firstOffset, count: key.count, timeMs, durable }, timeMs);
  await durable;
  return { partition: state.partition, offsets: offsetsFrom(firstOffset, records.length), duplicate: false };
}
