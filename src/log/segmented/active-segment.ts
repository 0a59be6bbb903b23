// Recovers the active (last) segment on open: validates its frames from the checkpoint (or from
// the start when the checkpoint or the index file cannot be trusted), cuts everything after the
// last whole group commit with a warning, and brings the index file in line with the segment.
import { closeFile, fileSize, openReadWrite, readWholeFile, syncData, truncateFile, writeAllAt } from './file-io.js';
import { encodeJournalEntries, parseIndexJournal } from './index-journal.js';
import type { IdempotencyMeta, OffsetEntry } from './meta-records.js';
import type { Segment } from './partition-state.js';
import { dataFileFlags, type LogContext } from './log-context.js';
import type { CheckpointReading } from './checkpoint-file.js';
import { indexPath, segmentPath } from './segment-files.js';
import { scanSegment, type ScanStart } from './segment-scan.js';
import { createSparseIndex } from './sparse-index.js';

export interface RecoveredActiveSegment {
  segment: Segment;
  keys: IdempotencyMeta[];
  dataFd: number;
  indexFd: number;
  indexBytes: number;
  nextIndexPosition: number;
}

interface TrustedPrefix {
  start: ScanStart;
  offsets: OffsetEntry[];
  keys: IdempotencyMeta[];
  indexBytes: number;
}

const fromScratch = (timeMs: number): TrustedPrefix => ({
  start: { position: 0, relativeOffset: 0, nextIndexPosition: 0, timeMs },
  offsets: [],
  keys: [],
  indexBytes: 0,
});

/** What recovery may skip: the checkpoint's prefix, if the checkpoint and index file agree. */
function trustedPrefix(context: LogContext, partition: number, base: number, dataBytes: number, reading: CheckpointReading, journal: Buffer | undefined): TrustedPrefix {
  const log = (reason: string, level: 'info' | 'warn') =>
    context.logger[level]({ partition, segment: base, reason }, 'scanning the whole active segment');
  const scratch = fromScratch(context.clock.nowMs());
  if (reading.state !== 'ok') {
    if (reading.state === 'damaged' || dataBytes > 0) log(`checkpoint ${reading.state}`, reading.state === 'damaged' ? 'warn' : 'info');
    return scratch;
  }
  const checkpoint = reading.checkpoint;
  if (checkpoint.segmentBase !== base) return scratch;
  if (checkpoint.position > dataBytes) {
    log(`segment is shorter (${dataBytes} bytes) than its checkpoint (${checkpoint.position})`, 'warn');
    return scratch;
  }
  const contents = journal && journal.length >= checkpoint.indexBytes ? parseIndexJournal(journal, checkpoint.indexBytes) : undefined;
  const last = contents?.offsets.at(-1);
  if (!contents?.clean || contents.seal || (last && last.position >= checkpoint.position)) {
    log('index file missing or damaged', 'warn');
    return scratch;
  }
  const nextIndexPosition = last ? last.position + context.options.indexIntervalBytes : 0;
  return {
    start: { position: checkpoint.position, relativeOffset: checkpoint.relativeOffset, nextIndexPosition, timeMs: checkpoint.timeMs },
    offsets: contents.offsets,
    keys: contents.keys,
    indexBytes: checkpoint.indexBytes,
  };
}

async function recoverOpenSegment(
  context: LogContext,
  partition: number,
  partitionDir: string,
  base: number,
  reading: CheckpointReading,
  dataFd: number,
  indexFd: number,
): Promise<RecoveredActiveSegment> {
  const dataBytes = await fileSize(dataFd);
  const prefix = trustedPrefix(context, partition, base, dataBytes, reading, await readWholeFile(indexPath(partitionDir, base)));
  const scan = await scanSegment(dataFd, dataBytes, prefix.start, context.options.indexIntervalBytes);
  const end = scan.commitEnd;
  if (end.position < dataBytes) {
    const reason = scan.stop.status === 'end' ? 'group commit without its commit frame' : scan.stop.status;
    context.logger.warn(
      { partition, segment: base, position: scan.stop.position, truncatedTo: end.position, cutBytes: dataBytes - end.position, reason },
      'cutting the damaged or unfinished tail of the active segment',
    );
    await truncateFile(dataFd, end.position);
  }
  // Data recovered from a crash may still be only in the page cache: make it durable before a
  // checkpoint vouches for it.
  await syncData(dataFd);
  const tail = encodeJournalEntries([...scan.offsets, ...scan.keys]);
  await truncateFile(indexFd, prefix.indexBytes);
  await writeAllAt(indexFd, [tail], prefix.indexBytes);
  await syncData(indexFd);

  const index = createSparseIndex();
  for (const entry of [...prefix.offsets, ...scan.offsets]) index.add(entry.relativeOffset, entry.position);
  const segment: Segment = {
    baseOffset: base,
    dataPath: segmentPath(partitionDir, base),
    indexPath: indexPath(partitionDir, base),
    records: end.relativeOffset,
    sizeBytes: end.position,
    committedBytes: end.position,
    index,
    newestAppendMs: end.timeMs,
  };
  return { segment, keys: [...prefix.keys, ...scan.keys], dataFd, indexFd, indexBytes: prefix.indexBytes + tail.length, nextIndexPosition: end.nextIndexPosition };
}

export async function recoverActiveSegment(context: LogContext, partition: number, partitionDir: string, base: number, reading: CheckpointReading): Promise<RecoveredActiveSegment> {
  const dataFd = await openReadWrite(segmentPath(partitionDir, base), dataFileFlags(context));
  let indexFd: number | undefined;
  try {
    indexFd = await openReadWrite(indexPath(partitionDir, base));
    return await recoverOpenSegment(context, partition, partitionDir, base, reading, dataFd, indexFd);
  } catch (error) {
    await closeFile(dataFd).catch(() => undefined);
    if (indexFd !== undefined) await closeFile(indexFd).catch(() => undefined);
    throw error;
  }
}
