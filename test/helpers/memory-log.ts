// A tiny in-memory EventLog for fast tests: dense offsets from 0, long-polling reads woken by
// appends, no durability. It follows the contract's observable behaviour; it is not a backend.
import { createSystemClock, type Clock } from '../../src/core/index.js';
import { LogError, type EventLog, type RecordBatch } from '../../src/log/index.js';

export interface MemoryLog extends EventLog {
  /** Every record of `partition`, for ground truth. */
  records(partition: number): readonly Uint8Array[];
}

export function createMemoryLog(partitions: number, clock: Clock = createSystemClock()): MemoryLog {
  const data: Uint8Array[][] = Array.from({ length: partitions }, () => []);
  const waiters: (() => void)[][] = Array.from({ length: partitions }, () => []);
  const consumers = new Map<string, Map<number, number>>();
  let closed = false;
  const check = (partition: number): Uint8Array[] => {
    if (closed) throw new LogError('the event log is closed', { domain: 'internal', code: 'log_closed' });
    const found = data[partition];
    if (found === undefined) throw new LogError(`no partition ${partition}`, { domain: 'user', code: 'log_usage', partition });
    return found;
  };
  const wake = (partition: number): void => {
    for (const waiter of waiters[partition]!.splice(0)) waiter();
  };
  const take = (partition: number, fromOffset: number, maxRecords: number): RecordBatch => {
    const stored = check(partition);
    const end = Math.min(stored.length, fromOffset + maxRecords);
    const records = [];
    for (let offset = fromOffset; offset < end; offset++) records.push({ offset, value: stored[offset]! });
    return { partition, records, nextOffset: Math.max(fromOffset, end) };
  };
  return {
    kind: 'memory',
    partitions,
    async append(partition, records) {
      const stored = check(partition);
      const first = stored.length;
      stored.push(...records);
      wake(partition);
      return { partition, offsets: records.map((_, index) => first + index), duplicate: false };
    },
    async read(partition, fromOffset, options = {}) {
      const stored = check(partition);
      const waitMs = options.waitMs ?? 0;
      if (fromOffset >= stored.length && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = clock.setTimer(waitMs, resolve);
          waiters[partition]!.push(() => {
            timer.cancel();
            resolve();
          });
        });
      }
      return take(partition, fromOffset, options.maxRecords ?? 10_000);
    },
    endOffsets: async () => data.map((stored) => stored.length),
    startOffsets: async () => data.map(() => 0),
    stats: async () => data.map((stored, partition) => ({ partition, startOffset: 0, endOffset: stored.length, records: stored.length, bytes: stored.reduce((sum, value) => sum + value.byteLength, 0) })),
    async commitConsumerOffsets(consumer, offsets) {
      consumers.set(consumer, new Map(offsets));
    },
    consumerOffsets: async (consumer) => new Map(consumers.get(consumer) ?? []),
    applyRetention: async () => ({ removedUnits: 0, removedRecords: 0, removedBytes: 0 }),
    async close() {
      closed = true;
      for (let partition = 0; partition < partitions; partition++) wake(partition);
    },
    records: (partition) => data[partition]!,
  };
}
