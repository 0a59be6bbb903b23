// The read cursors of the log: a few per partition, so that several readers of one partition (the
// fraud, counter and archiver jobs of one process) each keep a cursor that continues where they
// stopped instead of taking turns seeking one. Reads on one cursor run one at a time.
import { limits } from '../../core/index.js';
import type { RecordBatch } from '../types.js';
import { createPartitionCursor, type CursorContext, type PartitionCursor } from './partition-cursor.js';
import type { ReadBounds } from '../request-checks.js';

export interface CursorPool {
  read(partition: number, fromOffset: number, bounds: ReadBounds): Promise<RecordBatch>;
  renew(): void;
  close(): void;
}

interface Slot {
  cursor: PartitionCursor;
  /** The last read queued on this cursor; the next one runs after it. */
  tail: Promise<unknown>;
  queued: number;
  lastUsed: number;
}

/** Prefers an idle cursor already at the offset, then a new cursor, then the least recently used. */
function choose(slots: Slot[], fromOffset: number, make: () => Slot): Slot {
  const idle = slots.filter((slot) => slot.queued === 0);
  const exact = idle.find((slot) => slot.cursor.position === fromOffset);
  if (exact) return exact;
  if (slots.length < limits.natsReadCursorsPerPartitionMax) {
    const slot = make();
    slots.push(slot);
    return slot;
  }
  const candidates = idle.length > 0 ? idle : slots;
  return candidates.reduce((least, slot) => (slot.lastUsed < least.lastUsed ? slot : least));
}

export function createCursorPool(contextOf: (partition: number) => CursorContext): CursorPool {
  const byPartition = new Map<number, Slot[]>();
  let uses = 0;
  return {
    read(partition, fromOffset, bounds) {
      let slots = byPartition.get(partition);
      if (!slots) byPartition.set(partition, (slots = []));
      const slot = choose(slots, fromOffset, () => ({ cursor: createPartitionCursor(contextOf(partition)), tail: Promise.resolve(), queued: 0, lastUsed: 0 }));
      slot.lastUsed = ++uses;
      slot.queued++;
      const run = slot.tail.catch(() => undefined).then(() => slot.cursor.read(fromOffset, bounds));
      slot.tail = run;
      return run.finally(() => slot.queued--);
    },
    renew() {
      for (const slots of byPartition.values()) for (const slot of slots) slot.cursor.renew();
    },
    close() {
      for (const slots of byPartition.values()) for (const slot of slots) slot.cursor.close();
      byPartition.clear();
    },
  };
}
