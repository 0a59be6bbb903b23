// Reads a worker's partitions with at most one read in flight per partition. Every read
// long-polls at the partition's end, so an append to any partition wakes the worker at once
// (a verdict is milliseconds from its click), and results wait in a queue of at most one per
// partition: bounded, and fair, since a partition asks again only after its batch is processed.
import type { Clock, TimerHandle } from '../core/index.js';
import type { EventLog, RecordBatch } from '../log/index.js';

export type ReadResult = { kind: 'batch'; partition: number; offset: number; batch: RecordBatch } | { kind: 'error'; partition: number; offset: number; error: unknown };

export interface PartitionReader {
  /** Starts a read of `partition` from `offset` (one at a time per partition). */
  request(partition: number, offset: number): void;
  /** The next result, or undefined once `waitMs` passes (or `wake` is called) with none. */
  next(waitMs: number): Promise<ReadResult | undefined>;
  /** Ends a pending `next` at once, with undefined. */
  wake(): void;
  /** Whether a result is waiting (`next` would answer at once). */
  ready(): boolean;
}

export function createPartitionReader(log: EventLog, clock: Clock, options: { readRecordsMax: number; readWaitMs: number }): PartitionReader {
  const queue: ReadResult[] = [];
  const inFlight = new Set<number>();
  let waiter: ((result: ReadResult | undefined) => void) | undefined;
  let timer: TimerHandle | undefined;

  const settle = (result: ReadResult | undefined): void => {
    const resolve = waiter;
    waiter = undefined;
    timer?.cancel();
    timer = undefined;
    resolve?.(result);
  };
  const arrive = (result: ReadResult): void => {
    inFlight.delete(result.partition);
    if (waiter !== undefined) settle(result);
    else queue.push(result);
  };

  return {
    request(partition, offset) {
      if (inFlight.has(partition)) return;
      inFlight.add(partition);
      log.read(partition, offset, { maxRecords: options.readRecordsMax, waitMs: options.readWaitMs }).then(
        (batch) => arrive({ kind: 'batch', partition, offset, batch }),
        (error: unknown) => arrive({ kind: 'error', partition, offset, error }),
      );
    },
    next(waitMs) {
      const ready = queue.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve) => {
        waiter = resolve;
        timer = clock.setTimer(waitMs, () => settle(undefined));
      });
    },
    wake: () => settle(undefined),
    ready: () => queue.length > 0,
  };
}
