// Retention removes whole sealed segments from the front of a partition, never the active one:
// those whose newest commit is older than `retentionMs`, then more while the partition holds
// over `retentionBytes`. The start offset is the first remaining segment's base offset.
import fs from 'node:fs/promises';
import type { RetentionReport } from '../types.js';
import { syncDirectory } from './file-io.js';
import { partitionBytes, type PartitionState, type Segment } from './partition-state.js';
import type { LogContext } from './log-context.js';

function removable(context: LogContext, state: PartitionState, nowMs: number): Segment[] {
  const { retentionMs, retentionBytes } = context.options;
  const removed: Segment[] = [];
  let bytes = partitionBytes(state);
  for (const segment of state.segments.slice(0, -1)) {
    const tooOld = retentionMs > 0 && segment.newestAppendMs < nowMs - retentionMs;
    const tooBig = retentionBytes > 0 && bytes > retentionBytes;
    if (!tooOld && !tooBig) break;
    removed.push(segment);
    bytes -= segment.committedBytes;
  }
  return removed;
}

export async function applyPartitionRetention(context: LogContext, state: PartitionState): Promise<RetentionReport> {
  const removed = removable(context, state, context.clock.nowMs());
  const report: RetentionReport = { removedUnits: 0, removedRecords: 0, removedBytes: 0 };
  if (removed.length === 0) return report;
  // Forget the segments first: reads of their offsets now fail as removed, not as missing files.
  state.segments.splice(0, removed.length);
  for (const segment of removed) {
    // The data file goes first: an index file left by a crash here is removed on open.
    await fs.rm(segment.dataPath, { force: true });
    await fs.rm(segment.indexPath, { force: true });
    report.removedUnits++;
    report.removedRecords += segment.records;
    report.removedBytes += segment.committedBytes;
  }
  await syncDirectory(state.dir);
  context.logger.info({ partition: state.partition, ...report, startOffset: state.segments[0]!.baseOffset }, 'retention removed old segments');
  return report;
}
