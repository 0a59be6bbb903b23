// Proves the segmented backend meets the EventLog contract (the shared conformance suite, on disk,
// under both fsync policies, and with every read answered by a read-only follower of the writer's
// folder), plus its own promises: a fixed partition count and retries that race their original
// append.
import { describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { runEventLogConformance, type ConformanceLogOptions } from '../../src/log/conformance.js';
import { LogError, createSegmentedLog, type EventLog, type SegmentedLogOptions } from '../../src/log/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const deps = () => ({ clock: createSystemClock(), logger: createSilentLogger() });

const writerOptions = (dir: string, fsync: 'batch' | 'interval', options: ConformanceLogOptions): SegmentedLogOptions => ({
  dir,
  fsync,
  partitions: options.partitions ?? 4,
  retentionMs: options.retentionMs ?? 0,
  retentionBytes: options.retentionBytes ?? 0,
  segmentBytes: options.smallUnits ? 16 * 1024 : undefined,
  indexIntervalBytes: options.smallUnits ? 1024 : 4096,
});

for (const fsync of ['batch', 'interval'] as const) {
  runEventLogConformance(`segmented (fsync ${fsync})`, async () => {
    const dir = await makeTempDir('clickflow-segmented-');
    return {
      open: (options: ConformanceLogOptions = {}) => createSegmentedLog(deps(), writerOptions(dir.path, fsync, options)),
      cleanup: () => dir.remove(),
    };
  });
}

/** The writer takes appends and retention; a follower of the same folder answers everything else. */
async function openWriterAndFollower(dir: string, options: ConformanceLogOptions): Promise<EventLog> {
  const writer = await createSegmentedLog(deps(), writerOptions(dir, 'batch', options));
  const follower = await createSegmentedLog(deps(), { dir, readOnly: true, followPollIntervalMs: 5 });
  return {
    kind: follower.kind,
    partitions: follower.partitions,
    append: writer.append,
    applyRetention: writer.applyRetention,
    read: follower.read,
    endOffsets: follower.endOffsets,
    startOffsets: follower.startOffsets,
    stats: follower.stats,
    commitConsumerOffsets: follower.commitConsumerOffsets,
    consumerOffsets: follower.consumerOffsets,
    close: async () => {
      await follower.close();
      await writer.close();
    },
  };
}

runEventLogConformance('segmented follower (a writer appends, a follower of its folder reads)', async () => {
  const dir = await makeTempDir('clickflow-segmented-');
  return {
    open: (options: ConformanceLogOptions = {}) => openWriterAndFollower(dir.path, options),
    cleanup: () => dir.remove(),
  };
});

describe('segmented log specifics', () => {
  const withLog = async (test: (options: SegmentedLogOptions) => Promise<void>) => {
    const dir = await makeTempDir('clickflow-segmented-');
    try {
      await test({ dir: dir.path, partitions: 2 });
    } finally {
      await dir.remove();
    }
  };

  it('refuses to reopen a folder with another partition count, naming both', () =>
    withLog(async (options) => {
      await (await createSegmentedLog(deps(), options)).close();
      const failure = await createSegmentedLog(deps(), { ...options, partitions: 3 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LogError);
      expect(failure).toMatchObject({ domain: 'user', code: 'log_partitions_mismatch' });
      expect((failure as Error).message).toMatch(/created with 2 partitions.*opened with 3/);
    }));

  it('answers a retry racing its original with the original offsets, once durable', () =>
    withLog(async (options) => {
      const log = await createSegmentedLog(deps(), options);
      const records = [new TextEncoder().encode('one'), new TextEncoder().encode('two')];
      const [first, second] = await Promise.all([
        log.append(1, records, { idempotencyKey: 'same' }),
        log.append(1, records, { idempotencyKey: 'same' }),
      ]);
      expect(first).toEqual({ partition: 1, offsets: [0, 1], duplicate: false });
      expect(second).toEqual({ partition: 1, offsets: [0, 1], duplicate: true });
      expect((await log.endOffsets())[1]).toBe(2);
      await log.close();
      await expect(log.read(1, 0)).rejects.toMatchObject({ code: 'log_closed' });
    }));
});
