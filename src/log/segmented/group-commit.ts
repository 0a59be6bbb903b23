// Group commit: appends from every caller and partition queue here and share one write and one
// fsync per partition per cycle. Cycles run one at a time; appends arriving during a cycle form
// the next one, which starts as soon as it ends. When no cycle is running, the first queued append
// waits `groupCommitIntervalMs` for company, unless `limits.groupCommitBytesMax` bytes queue first. Queued bytes are
// bounded by `limits.logPendingBytesMax`: beyond it, appends wait for a cycle to take the queue.
//
// The wait is skipped while the log is busy, i.e. when the last cycle ended less than
// `groupCommitIntervalMs` ago: appends arriving then come mostly from callers that cycle just
// answered (a redirect answered, its client's next click), and waiting would only lengthen every
// round trip. The cycle then starts at the end of the current event-loop turn, after all the
// appends that turn's I/O brought, and appends arriving during it form the next cycle as usual.
import { limits } from '../../core/index.js';
import type { IdempotencyMeta } from './meta-records.js';
import type { PartitionState } from './partition-state.js';
import type { LogContext } from './log-context.js';

export interface PendingAppend {
  frames: Buffer;
  firstOffset: number;
  count: number;
  key: IdempotencyMeta | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

export type CommitBatches = Map<PartitionState, PendingAppend[]>;

/** Runs one cycle: writes the batches, settles every append in them. Never rejects. */
export type CommitCycle = (batches: CommitBatches) => Promise<void>;

export interface GroupCommitter {
  /** Resolves when the queue has room for another append. */
  room(): Promise<void> | undefined;
  /** Queues an append for the next cycle. */
  submit(state: PartitionState, append: PendingAppend): void;
  /** Asks for a cycle now, even with nothing queued (the cycle may have other work, e.g. fsyncs). */
  kick(): void;
  /** From now on every submit starts a cycle at once (used while closing). */
  hurry(): void;
  /** Resolves once nothing is queued or being committed. */
  drain(): Promise<void>;
}

/** Resolves after the current event-loop turn's I/O callbacks (setImmediate): no time passes. */
function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createGroupCommitter(context: LogContext, cycle: CommitCycle): GroupCommitter {
  let queue: CommitBatches = new Map();
  let queuedBytes = 0;
  // The linger is a clock sleep, not a timer: unlike the real clock's timers it keeps the process
  // alive, so a script awaiting an append never exits before it is committed. A sleep cannot be
  // cancelled, so one that wakes after its cycle already started (generation moved on) does nothing.
  let lingering = false;
  let generation = 0;
  let lastCycleEndMs = -Infinity;
  let running: Promise<void> | undefined;
  let again = false;
  let urgent = false;
  let roomWaiters: (() => void)[] = [];

  const linger = (): void => {
    if (lingering) return;
    lingering = true;
    const mine = generation;
    const intervalMs = context.options.groupCommitIntervalMs;
    const busy = context.clock.monotonicMs() - lastCycleEndMs < intervalMs;
    void (busy || intervalMs === 0 ? endOfTurn() : context.clock.sleep(intervalMs)).then(() => {
      if (mine !== generation) return;
      lingering = false;
      start();
    });
  };

  const start = (): void => {
    generation++;
    lingering = false;
    if (running) {
      again = true;
      return;
    }
    const batches = queue;
    queue = new Map();
    queuedBytes = 0;
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const wake of waiters) wake();
    running = cycle(batches)
      .catch((error: unknown) => {
        // A cycle settles its appends itself; this only keeps a bug from leaving them hanging.
        for (const appends of batches.values()) for (const append of appends) append.reject(error);
      })
      .finally(() => {
        running = undefined;
        lastCycleEndMs = context.clock.monotonicMs();
        // Appends queued during the cycle have had their chance to gather: commit them now. So
        // do the starts asked for during the cycle (a kick may come with nothing queued).
        if (again || queue.size > 0) {
          again = false;
          start();
        }
      });
  };

  return {
    room() {
      if (queuedBytes < limits.logPendingBytesMax) return undefined;
      return new Promise((resolve) => roomWaiters.push(resolve));
    },
    submit(state, append) {
      const batch = queue.get(state);
      if (batch) batch.push(append);
      else queue.set(state, [append]);
      queuedBytes += append.frames.length;
      if (urgent || queuedBytes >= limits.groupCommitBytesMax) start();
      else linger();
    },
    kick: () => start(),
    hurry() {
      urgent = true;
    },
    async drain() {
      while (running || queue.size > 0) {
        if (!running) start();
        await running;
      }
    },
  };
}
