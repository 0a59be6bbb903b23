// Long-polling reads: a read at a partition's end waits here until a commit lands in that
// partition, its wait runs out, or the log closes. Bounded by `limits.logReadWaitersMax`:
// beyond it a read does not wait and answers at once.
import { limits, type Clock } from '../../core/index.js';

export interface ReadWaiters {
  /** Resolves on the next commit to `partition`, after `waitMs`, or at close. */
  wait(partition: number, waitMs: number): Promise<void>;
  wake(partition: number): void;
  wakeAll(): void;
  /** Whether a read is waiting on `partition`. */
  has(partition: number): boolean;
}

export function createReadWaiters(clock: Clock, partitions: number): ReadWaiters {
  const waiting = Array.from({ length: partitions }, () => new Set<() => void>());
  let count = 0;

  const wake = (partition: number): void => {
    const set = waiting[partition]!;
    if (set.size === 0) return;
    for (const done of [...set]) done();
  };

  return {
    wait(partition, waitMs) {
      if (count >= limits.logReadWaitersMax || waitMs <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const set = waiting[partition]!;
        const done = (): void => {
          if (!set.delete(done)) return;
          count--;
          timer.cancel();
          resolve();
        };
        set.add(done);
        count++;
        const timer = clock.setTimer(waitMs, done);
      });
    },
    wake,
    has: (partition) => waiting[partition]!.size > 0,
    wakeAll() {
      for (let partition = 0; partition < partitions; partition++) wake(partition);
    },
  };
}
