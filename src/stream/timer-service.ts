// Event-time and processing-time timers. Each domain keeps its timers in a state table
// (namespace = due time, key = the operator's key), so checkpoints carry them like any state, and
// a heap orders them by (time, partition, key): a replay fires them in the same order.
import { limits } from '../core/index.js';
import { createMinHeap, type MinHeap } from './min-heap.js';
import { createStateTable, type StateEntry, type StateTable } from './state-table.js';
import type { FiredTimer, StateCodec, TimeDomain, TimerService } from './types.js';

export interface TimerServiceInternal extends TimerService {
  readonly tables: readonly StateTable<number>[];
  /** Fires, in due order, every timer of `domain` due at `limitMs`, including ones registered meanwhile. */
  fireDue(domain: TimeDomain, limitMs: number, fire: (timer: FiredTimer) => void): void;
  nextDueMs(domain: TimeDomain): number | undefined;
  /** Rebuilds the heaps once the restored tables are finished. */
  finishRestore(): void;
}

const emptyValue = new Uint8Array(0);
/** A timer is its key: the stored value is empty. */
const timerCodec: StateCodec<number> = { encode: () => emptyValue, decode: () => 0 };

function dueBefore(a: StateEntry<number>, b: StateEntry<number>): boolean {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace;
  if (a.partition !== b.partition) return a.partition < b.partition;
  return a.key < b.key;
}

interface Domain {
  table: StateTable<number>;
  heap: MinHeap<StateEntry<number>>;
}

export function createTimerService(job: string, operator: string, time: { watermarkMs: number }): TimerServiceInternal {
  const makeDomain = (domain: TimeDomain): Domain => ({
    table: createStateTable({
      job,
      operator,
      qualifiedName: `${operator}.timers.${domain}`,
      codec: timerCodec,
      keysMax: limits.streamTimersPerOperatorMax,
      whenFull: 'fail',
      ttlMs: 0,
      time,
    }),
    heap: createMinHeap(dueBefore),
  });
  const domains: Record<TimeDomain, Domain> = { 'event-time': makeDomain('event-time'), 'processing-time': makeDomain('processing-time') };
  const rebuild = ({ table, heap }: Domain): void => {
    while (heap.size() > 0) heap.pop();
    table.forEach((entry) => heap.push(entry));
  };

  return {
    tables: [domains['event-time'].table, domains['processing-time'].table],
    register(domain, partition, key, timeMs) {
      const target = domains[domain];
      if (target.table.lookup(partition, timeMs, key) !== undefined) return;
      target.heap.push(target.table.put(partition, timeMs, key, 0));
      // Cancelled timers stay in the heap until due; rebuild before they outnumber live ones.
      if (target.heap.size() > 2 * target.table.size() + 1024) rebuild(target);
    },
    cancel(domain, partition, key, timeMs) {
      const { table } = domains[domain];
      const entry = table.lookup(partition, timeMs, key);
      if (entry === undefined) return false;
      table.remove(entry);
      return true;
    },
    pending: (domain) => domains[domain].table.size(),
    fireDue(domain, limitMs, fire) {
      const { table, heap } = domains[domain];
      for (let top = heap.peek(); top !== undefined && top.namespace <= limitMs; top = heap.peek()) {
        heap.pop();
        if (!top.live) continue;
        table.remove(top);
        fire({ domain, partition: top.partition, key: top.key, timeMs: top.namespace });
      }
    },
    nextDueMs(domain) {
      const { heap } = domains[domain];
      while (heap.size() > 0 && !heap.peek()!.live) heap.pop();
      return heap.peek()?.namespace;
    },
    finishRestore() {
      for (const domain of Object.values(domains)) rebuild(domain);
    },
  };
}
