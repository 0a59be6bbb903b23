// The segments of a follower's view. A sealed segment is taken whole: its size is final and its
// records run up to the next segment's name; its index file is used when it is intact and sealed
// to match, else the follower learns an index from its own reads. The committed end's segment is
// taken up to the committed end only; of its index file, only entries before that end are used
// (the writer adds entries for a commit before acknowledging it), and reads extend the rest.
import fs from 'node:fs/promises';
import type { CommittedEnd } from './committed-end.js';
import { readWholeFile } from './file-io.js';
import { parseIndexJournal, type JournalContents } from './index-journal.js';
import type { Segment } from './partition-state.js';
import { indexPath, listPartition, segmentPath } from './segment-files.js';
import { followerDivergedError } from './segmented-errors.js';
import { createSparseIndex, type SparseIndex } from './sparse-index.js';

interface ViewOwner {
  readonly partition: number;
  readonly dir: string;
  sealed: Set<number>;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export function emptySegment(partitionDir: string, base: number): Segment {
  return {
    baseOffset: base,
    dataPath: segmentPath(partitionDir, base),
    indexPath: indexPath(partitionDir, base),
    records: 0,
    sizeBytes: 0,
    committedBytes: 0,
    index: createSparseIndex(),
    newestAppendMs: 0,
  };
}

/** Base offsets of the partition's segment files, ascending (none while the folder is missing). */
export async function listSegmentBases(partitionDir: string): Promise<number[]> {
  try {
    return (await listPartition(partitionDir)).segmentBases;
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

async function readJournal(filePath: string): Promise<JournalContents | undefined> {
  const bytes = await readWholeFile(filePath);
  return bytes && parseIndexJournal(bytes);
}

function indexOf(journal: JournalContents | undefined, endPosition: number): SparseIndex {
  const index = createSparseIndex();
  for (const entry of journal?.offsets ?? []) {
    if (entry.position >= endPosition) break;
    index.add(entry.relativeOffset, entry.position);
  }
  return index;
}

/** The committed end's segment, up to the end: `existing` updated in place, or loaded. */
export async function activeSegmentView(owner: ViewOwner, base: number, existing: Segment | undefined, end: CommittedEnd): Promise<Segment> {
  const segment = existing ?? { ...emptySegment(owner.dir, base), index: indexOf(await readJournal(indexPath(owner.dir, base)), end.position) };
  segment.records = end.relativeOffset;
  segment.sizeBytes = end.position;
  segment.committedBytes = end.position;
  segment.newestAppendMs = end.timeMs;
  return segment;
}

/** A sealed segment followed by `next`; undefined when retention removed it. */
export async function sealedSegmentView(owner: ViewOwner, base: number, next: number, existing: Segment | undefined): Promise<Segment | undefined> {
  let sizeBytes: number;
  try {
    sizeBytes = (await fs.stat(segmentPath(owner.dir, base))).size;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const records = next - base;
  if (existing && (records < existing.records || sizeBytes < existing.committedBytes)) {
    throw followerDivergedError(owner.partition, `sealed segment ${base} holds ${records} records in ${sizeBytes} bytes, fewer than the ${existing.records} in ${existing.committedBytes} already shown`);
  }
  const journal = await readJournal(indexPath(owner.dir, base));
  const seal = journal?.clean ? journal.seal : undefined;
  const intact = seal !== undefined && seal.records === records && seal.sizeBytes === sizeBytes;
  owner.sealed.add(base);
  return {
    ...emptySegment(owner.dir, base),
    records,
    sizeBytes,
    committedBytes: sizeBytes,
    index: intact ? indexOf(journal, sizeBytes) : (existing?.index ?? createSparseIndex()),
    newestAppendMs: seal?.newestAppendMs ?? existing?.newestAppendMs ?? 0,
  };
}
