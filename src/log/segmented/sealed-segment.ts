// Opens a sealed (full, no longer appended) segment: trusts its index file when it is intact and
// agrees with the segment, else rebuilds the index from the segment's frames. A sealed segment is
// never cut: damage in it is reported here and again, as a typed error, by any read reaching it.
import fs from 'node:fs/promises';
import { closeFile, openFile, readWholeFile, writeFileDurably } from './file-io.js';
import { encodeJournalEntries, parseIndexJournal } from './index-journal.js';
import type { IdempotencyMeta, OffsetEntry } from './meta-records.js';
import type { Segment } from './partition-state.js';
import type { LogContext } from './log-context.js';
import { indexPath, segmentPath } from './segment-files.js';
import { scanSegment } from './segment-scan.js';
import { createSparseIndex } from './sparse-index.js';

export interface LoadedSegment {
  segment: Segment;
  keys: IdempotencyMeta[];
}

function buildSegment(base: number, partitionDir: string, records: number, sizeBytes: number, offsets: OffsetEntry[], newestAppendMs: number): Segment {
  const index = createSparseIndex();
  for (const entry of offsets) index.add(entry.relativeOffset, entry.position);
  return {
    baseOffset: base,
    dataPath: segmentPath(partitionDir, base),
    indexPath: indexPath(partitionDir, base),
    records,
    sizeBytes,
    committedBytes: sizeBytes,
    index,
    newestAppendMs,
  };
}

async function rebuildSealedSegment(context: LogContext, partition: number, partitionDir: string, base: number, records: number, sizeBytes: number): Promise<LoadedSegment> {
  const fd = await openFile(segmentPath(partitionDir, base), 'r');
  const scan = await scanSegment(fd, sizeBytes, { position: 0, relativeOffset: 0, nextIndexPosition: 0, timeMs: context.clock.nowMs() }, context.options.indexIntervalBytes).finally(() => closeFile(fd));
  const whole = scan.stop.status === 'end' && scan.commitEnd.position === sizeBytes && scan.commitEnd.relativeOffset === records;
  const newestAppendMs = scan.commitEnd.timeMs;
  if (whole) {
    const seal = { kind: 'seal' as const, records, sizeBytes, newestAppendMs };
    await writeFileDurably(indexPath(partitionDir, base), encodeJournalEntries([...scan.offsets, ...scan.keys, seal]));
  } else {
    context.logger.warn(
      { partition, segment: base, position: scan.stop.position, reason: scan.stop.status, firstUnreadableOffset: base + scan.commitEnd.relativeOffset },
      'sealed segment is damaged; reads reaching the damage fail with log_corrupt',
    );
  }
  return { segment: buildSegment(base, partitionDir, records, sizeBytes, scan.offsets, newestAppendMs), keys: scan.keys };
}

/** Opens the sealed segment `base`, whose successor starts at `nextBase`. */
export async function loadSealedSegment(context: LogContext, partition: number, partitionDir: string, base: number, nextBase: number): Promise<LoadedSegment> {
  const records = nextBase - base;
  const sizeBytes = (await fs.stat(segmentPath(partitionDir, base))).size;
  const bytes = await readWholeFile(indexPath(partitionDir, base));
  const journal = bytes && parseIndexJournal(bytes);
  if (journal?.clean && journal.seal && journal.seal.records === records && journal.seal.sizeBytes === sizeBytes) {
    return { segment: buildSegment(base, partitionDir, records, sizeBytes, journal.offsets, journal.seal.newestAppendMs), keys: journal.keys };
  }
  context.logger.warn({ partition, segment: base, reason: bytes ? 'damaged or stale' : 'missing' }, 'rebuilding the index of a sealed segment');
  return rebuildSealedSegment(context, partition, partitionDir, base, records, sizeBytes);
}
