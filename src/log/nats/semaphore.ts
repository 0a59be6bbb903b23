// A counting semaphore: bounds work in flight, and queues (in arrival order) what waits for a slot.
export interface Semaphore {
  /** Takes a slot now if one is free. */
  tryAcquire(): boolean;
  /** Takes a slot, waiting for one if need be. */
  acquire(): Promise<void>;
  release(): void;
  /** Runs `work` holding a slot. */
  run<T>(work: () => Promise<T>): Promise<T>;
}

export function createSemaphore(slots: number): Semaphore {
  let free = slots;
  const waiting: Array<() => void> = [];
  const semaphore: Semaphore = {
    tryAcquire() {
      if (free === 0) return false;
      free--;
      return true;
    },
    acquire() {
      if (semaphore.tryAcquire()) return Promise.resolve();
      return new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
    async run(work) {
      await semaphore.acquire();
      try {
        return await work();
      } finally {
        semaphore.release();
      }
    },
  };
  return semaphore;
}

/** Runs `work` on every item with at most `slots` at once; results in item order. */
export async function mapBounded<T, R>(items: readonly T[], slots: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const semaphore = createSemaphore(slots);
  return Promise.all(items.map((item) => semaphore.run(() => work(item))));
}
