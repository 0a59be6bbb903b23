// One conformance suite for the EventLog contract, run against every backend
// (CONVENTIONS.md rule 3). Called from test/log/*.conformance.test.ts, which supply a harness that
// opens a fresh log location for each case and reopens the same location on demand.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog, LogRecord } from './types.js';

export interface ConformanceLogOptions {
  /** Partition count (default 4). */
  partitions?: number;
  /** Remove data older than this (ms). The backend may keep the newest segment or message. */
  retentionMs?: number;
  /** Keep at most about this many bytes per partition. */
  retentionBytes?: number;
  /** Small storage units so that retention has something whole to remove (segmented: segment size). */
  smallUnits?: boolean;
}

export interface ConformanceHarness {
  /** Opens the harness's log; a second call after `close()` reopens the same data. */
  open(options?: ConformanceLogOptions): Promise<EventLog>;
  /** Removes everything the harness made. */
  cleanup(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function records(prefix: string, count: number, padBytes = 0): Uint8Array[] {
  const pad = 'x'.repeat(padBytes);
  return Array.from({ length: count }, (_, i) => encoder.encode(`${prefix}-${i}${pad}`));
}

function texts(batch: readonly LogRecord[]): string[] {
  return batch.map((record) => decoder.decode(record.value));
}

/** Reads a whole partition from `fromOffset` up to its current end. */
async function readAll(log: EventLog, partition: number, fromOffset: number, maxRecords = 1_000): Promise<LogRecord[]> {
  const end = (await log.endOffsets())[partition]!;
  const out: LogRecord[] = [];
  let offset = fromOffset;
  while (offset < end) {
    const batch = await log.read(partition, offset, { maxRecords });
    expect(batch.partition).toBe(partition);
    if (batch.records.length === 0) break;
    expect(batch.records.length).toBeLessThanOrEqual(maxRecords);
    expect(batch.nextOffset).toBeGreaterThan(offset);
    out.push(...batch.records);
    offset = batch.nextOffset;
  }
  return out;
}

function expectIncreasing(offsets: readonly number[]): void {
  for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThan(offsets[i - 1]!);
}

export function runEventLogConformance(backend: string, createHarness: () => Promise<ConformanceHarness>): void {
  describe(`EventLog conformance: ${backend}`, () => {
    let harness: ConformanceHarness | undefined;
    let log: EventLog | undefined;

    const open = async (options?: ConformanceLogOptions): Promise<EventLog> => {
      harness ??= await createHarness();
      log = await harness.open(options);
      return log;
    };

    afterEach(async () => {
      await log?.close().catch(() => undefined);
      await harness?.cleanup();
      harness = undefined;
      log = undefined;
    });

    it('keeps order within a partition and partitions apart', async () => {
      const log = await open({ partitions: 3 });
      expect(log.partitions).toBe(3);
      await log.append(0, records('a', 5));
      await log.append(1, records('b', 2));
      await log.append(0, records('c', 3));
      expect(texts(await readAll(log, 0, 0))).toEqual([...records('a', 5), ...records('c', 3)].map((r) => decoder.decode(r)));
      expect(texts(await readAll(log, 1, 0))).toEqual(['b-0', 'b-1']);
      expect(await readAll(log, 2, 0)).toEqual([]);
    });

    it('returns the offsets it stored, reads in bounded batches, and replays identically', async () => {
      const log = await open();
      const first = await log.append(2, records('r', 250));
      expect(first.duplicate).toBe(false);
      expect(first.partition).toBe(2);
      expect(first.offsets).toHaveLength(250);
      expectIncreasing(first.offsets);
      const start = (await log.startOffsets())[2]!;
      expect(start).toBeLessThanOrEqual(first.offsets[0]!);

      const all = await readAll(log, 2, start, 64);
      expect(all.map((r) => r.offset)).toEqual(first.offsets);
      expect(texts(all)).toEqual(records('r', 250).map((r) => decoder.decode(r)));

      // Resuming from any record's offset yields exactly the records from there on.
      const middle = first.offsets[137]!;
      const again = await readAll(log, 2, middle, 50);
      expect(texts(again)).toEqual(texts(all.slice(137)));
      const replay = await log.read(2, middle, { maxRecords: 10 });
      const replayAgain = await log.read(2, middle, { maxRecords: 10 });
      expect(texts(replay.records)).toEqual(texts(replayAgain.records));
      expect(replay.nextOffset).toBe(replayAgain.nextOffset);
      expect(replay.records).toHaveLength(10);
    });

    it('advances end offsets and answers an empty read at the end', async () => {
      const log = await open({ partitions: 2 });
      const before = await log.endOffsets();
      expect(before).toHaveLength(2);
      const result = await log.append(1, records('e', 4));
      const after = await log.endOffsets();
      expect(after[0]).toBe(before[0]);
      expect(after[1]!).toBeGreaterThan(result.offsets[3]!);
      const atEnd = await log.read(1, after[1]!, { maxRecords: 10 });
      expect(atEnd.records).toEqual([]);
      expect(atEnd.nextOffset).toBe(after[1]);
      const stats = await log.stats();
      expect(stats[1]!.records).toBe(4);
      expect(stats[1]!.bytes).toBeGreaterThan(0);
      expect(stats[0]!.records).toBe(0);
    });

    it('wakes a waiting read when an append lands', async () => {
      const log = await open({ partitions: 1 });
      const end = (await log.endOffsets())[0]!;
      const waiting = log.read(0, end, { maxRecords: 10, waitMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const startedMs = Date.now();
      await log.append(0, records('w', 2));
      const batch = await waiting;
      expect(texts(batch.records)).toEqual(['w-0', 'w-1']);
      expect(Date.now() - startedMs).toBeLessThan(2_000);
    });

    it('commits consumer offsets and resumes from them after reopening', async () => {
      let log = await open({ partitions: 2 });
      const appended = await log.append(0, records('c', 10));
      expect(await log.consumerOffsets('counters')).toEqual(new Map());
      const firstRead = await log.read(0, (await log.startOffsets())[0]!, { maxRecords: 4 });
      await log.commitConsumerOffsets('counters', new Map([[0, firstRead.nextOffset]]));
      await log.commitConsumerOffsets('other', new Map([[1, 0]]));
      await log.close();

      log = await open({ partitions: 2 });
      const committed = await log.consumerOffsets('counters');
      expect([...committed.keys()]).toEqual([0]);
      expect(committed.get(0)).toBe(firstRead.nextOffset);
      const rest = await readAll(log, 0, committed.get(0)!);
      expect(texts(rest)).toEqual(['c-4', 'c-5', 'c-6', 'c-7', 'c-8', 'c-9']);
      expect(rest.map((r) => r.offset)).toEqual(appended.offsets.slice(4));
      expect((await log.consumerOffsets('other')).get(1)).toBe(0);

      // A later commit replaces the earlier one.
      await log.commitConsumerOffsets('counters', new Map([[0, rest[5]!.offset]]));
      expect((await log.consumerOffsets('counters')).get(0)).toBe(rest[5]!.offset);
    });

    it('keeps everything across close and reopen and continues the offsets', async () => {
      let log = await open({ partitions: 2 });
      const a = await log.append(0, records('a', 20));
      await log.append(1, records('b', 3));
      const ends = await log.endOffsets();
      await log.close();
      await expect(log.append(0, records('late', 1))).rejects.toThrow();

      log = await open({ partitions: 2 });
      expect(await log.endOffsets()).toEqual(ends);
      const b = await log.append(0, records('c', 5));
      expect(b.offsets[0]!).toBeGreaterThan(a.offsets[19]!);
      const all = await readAll(log, 0, (await log.startOffsets())[0]!);
      expect(texts(all)).toEqual([...records('a', 20).map((r) => decoder.decode(r)), ...['c-0', 'c-1', 'c-2', 'c-3', 'c-4']]);
      expect(texts(await readAll(log, 1, 0))).toEqual(['b-0', 'b-1', 'b-2']);
    });

    it('stores every record of concurrent appenders exactly once, each batch in its order', async () => {
      const log = await open({ partitions: 2 });
      const appends = Array.from({ length: 40 }, (_, i) => log.append(i % 2, records(`p${i}`, 25)));
      const results = await Promise.all(appends);
      for (const partition of [0, 1]) {
        const all = await readAll(log, partition, (await log.startOffsets())[partition]!, 333);
        expect(all).toHaveLength(20 * 25);
        expectIncreasing(all.map((r) => r.offset));
        const seen = new Set(texts(all));
        expect(seen.size).toBe(all.length);
        const byOffset = new Map(all.map((r) => [r.offset, decoder.decode(r.value)]));
        results.forEach((result, i) => {
          if (i % 2 !== partition) return;
          expectIncreasing(result.offsets);
          expect(result.offsets.map((offset) => byOffset.get(offset))).toEqual(records(`p${i}`, 25).map((r) => decoder.decode(r)));
        });
      }
    });

    it('stores a retried append once, also after reopening', async () => {
      let log = await open({ partitions: 2 });
      const first = await log.append(1, records('k', 7), { idempotencyKey: 'batch-1' });
      const retried = await log.append(1, records('k', 7), { idempotencyKey: 'batch-1' });
      expect(retried.duplicate).toBe(true);
      expect(retried.offsets).toEqual(first.offsets);
      // The same key on another partition is another batch.
      const elsewhere = await log.append(0, records('k', 7), { idempotencyKey: 'batch-1' });
      expect(elsewhere.duplicate).toBe(false);
      await log.close();

      log = await open({ partitions: 2 });
      const afterReopen = await log.append(1, records('k', 7), { idempotencyKey: 'batch-1' });
      expect(afterReopen.duplicate).toBe(true);
      expect(afterReopen.offsets).toEqual(first.offsets);
      const other = await log.append(1, records('m', 2), { idempotencyKey: 'batch-2' });
      expect(other.duplicate).toBe(false);
      expect(texts(await readAll(log, 1, 0))).toEqual([...records('k', 7), ...records('m', 2)].map((r) => decoder.decode(r)));
    });

    it('rejects bad partitions and oversized records and stores nothing of a rejected batch', async () => {
      const log = await open({ partitions: 2 });
      await expect(log.append(2, records('x', 1))).rejects.toThrow(/partition/);
      await expect(log.append(-1, records('x', 1))).rejects.toThrow(/partition/);
      await expect(log.read(5, 0)).rejects.toThrow(/partition/);
      const huge = new Uint8Array(1024 * 1024 + 1);
      await expect(log.append(0, [encoder.encode('ok'), huge])).rejects.toThrow(/bytes/);
      expect((await log.stats())[0]!.records).toBe(0);
      const empty = await log.append(0, []);
      expect(empty.offsets).toEqual([]);
    });

    it('removes old data by size, keeps the newest, and refuses reads of removed offsets', async () => {
      const log = await open({ partitions: 1, retentionBytes: 64 * 1024, smallUnits: true });
      for (let i = 0; i < 40; i++) await log.append(0, records(`s${i}`, 20, 200));
      const before = await log.stats();
      expect(before[0]!.bytes).toBeGreaterThan(64 * 1024);
      const report = await log.applyRetention();
      expect(report.removedRecords).toBeGreaterThan(0);
      const after = (await log.stats())[0]!;
      expect(after.records).toBe(40 * 20 - report.removedRecords);
      expect(after.bytes).toBeLessThanOrEqual(64 * 1024 * 1.5 + 32 * 1024);
      const start = (await log.startOffsets())[0]!;
      expect(start).toBeGreaterThan(0);
      await expect(log.read(0, 0)).rejects.toThrow(/retention/);
      const kept = await readAll(log, 0, start);
      expect(kept).toHaveLength(after.records);
      expect(texts(kept.slice(-1))[0]).toMatch(/^s39-19x/);
    });

    it('removes data older than the age limit and keeps what is newer', async () => {
      const log = await open({ partitions: 1, retentionMs: 1_000, smallUnits: true });
      for (let i = 0; i < 20; i++) await log.append(0, records(`old${i}`, 20, 200));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const fresh = await log.append(0, records('new', 5));
      await log.applyRetention();
      const start = (await log.startOffsets())[0]!;
      expect(start).toBeGreaterThan(0);
      expect(start).toBeLessThanOrEqual(fresh.offsets[0]!);
      const kept = await readAll(log, 0, start);
      expect(texts(kept.slice(-5))).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'new-4']);
    });
  });
}
