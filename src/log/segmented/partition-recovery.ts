// Opens one partition: its folder, sealed segments, the recovered active segment, the dedupe map
// rebuilt from the idempotency keys still inside the window, a fresh checkpoint, and the
// committed end that followers read up to.
import fs from 'node:fs/promises';
import path from 'node:path';
import { limits } from '../../core/index.js';
import { recoverActiveSegment } from './active-segment.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';
import { writeCommittedEnd } from './committed-end.js';
import { createDedupeMap, type DedupeMap } from './dedupe-map.js';
import { openReadWrite, syncDirectory } from './file-io.js';
import type { IdempotencyMeta } from './meta-records.js';
import type { PartitionState, Segment } from './partition-state.js';
import type { LogContext } from './log-context.js';
import { checkpointPath, committedEndPath, indexPath, listPartition, partitionDirectory } from './segment-files.js';
import { loadSealedSegment } from './sealed-segment.js';

/** Removes what a crash can leave behind: index files of removed segments, unfinished temporary files. */
async function removeLeftovers(partitionDir: string, orphanIndexBases: readonly number[]): Promise<void> {
  for (const base of orphanIndexBases) await fs.rm(indexPath(partitionDir, base), { force: true });
  for (const name of await fs.readdir(partitionDir)) {
    if (name.includes('.tmp-')) await fs.rm(path.join(partitionDir, name), { force: true });
  }
}

function rebuildDedupe(context: LogContext, keyLists: readonly IdempotencyMeta[][]): DedupeMap {
  const nowMs = context.clock.nowMs();
  const dedupe = createDedupeMap(limits.dedupeKeysPerPartitionMax, context.options.dedupeWindowMs);
  for (const keys of keyLists) {
    for (const key of keys) {
      if (key.timeMs < nowMs - context.options.dedupeWindowMs) continue;
      dedupe.set(key.key, { firstOffset: key.firstOffset, count: key.count, timeMs: key.timeMs, durable: undefined }, nowMs);
    }
  }
  return dedupe;
}

export async function recoverPartition(context: LogContext, partition: number): Promise<PartitionState> {
  const partitionDir = partitionDirectory(context.options.dir, partition);
  await fs.mkdir(partitionDir, { recursive: true });
  const listing = await listPartition(partitionDir);
  await removeLeftovers(partitionDir, listing.orphanIndexBases);
  const bases = listing.segmentBases.length > 0 ? listing.segmentBases : [0];

  const segments: Segment[] = [];
  const keyLists: IdempotencyMeta[][] = [];
  for (let i = 0; i < bases.length - 1; i++) {
    const loaded = await loadSealedSegment(context, partition, partitionDir, bases[i]!, bases[i + 1]!);
    segments.push(loaded.segment);
    keyLists.push(loaded.keys);
  }
  const active = await recoverActiveSegment(context, partition, partitionDir, bases.at(-1)!, await readCheckpoint(partitionDir));
  segments.push(active.segment);
  keyLists.push(active.keys);
  if (listing.segmentBases.length === 0) {
    // A new partition: make its folder and first segment's names durable.
    await syncDirectory(partitionDir);
    await syncDirectory(context.options.dir);
  }

  const checkpointFd = await openReadWrite(checkpointPath(partitionDir));
  const committedEndFd = await openReadWrite(committedEndPath(partitionDir));
  const committedEnd = active.segment.baseOffset + active.segment.records;
  const state: PartitionState = {
    partition,
    dir: partitionDir,
    segments,
    dataFd: active.dataFd,
    indexFd: active.indexFd,
    checkpointFd,
    committedEndFd,
    indexBytes: active.indexBytes,
    nextIndexPosition: active.nextIndexPosition,
    nextOffset: committedEnd,
    committedEnd,
    lastCheckpointMs: context.clock.nowMs(),
    unsyncedSinceMs: undefined,
    dedupe: rebuildDedupe(context, keyLists),
    failure: undefined,
    committedEndWriting: undefined,
    committedEndNext: undefined,
  };
  await writeCheckpoint(checkpointFd, {
    segmentBase: active.segment.baseOffset,
    position: active.segment.sizeBytes,
    relativeOffset: active.segment.records,
    indexBytes: active.indexBytes,
    timeMs: active.segment.newestAppendMs,
  });
  // Recovery kept every whole commit: followers may see them all, acknowledged before the crash or not.
  await writeCommittedEnd(committedEndFd, {
    segmentBase: active.segment.baseOffset,
    position: active.segment.sizeBytes,
    relativeOffset: active.segment.records,
    timeMs: active.segment.newestAppendMs,
  });
  return state;
}
