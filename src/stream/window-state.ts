// Keyed event-time windows. Each (partition, key, window) accumulator is an entry of a state
// table whose namespace is the window's start, so a checkpoint carries open windows like any
// state and a closed window is removed as one row. Windows fire when the job watermark reaches
// their end; an event for a fired window within the allowed lateness updates it and fires it
// again; a later one goes to the late ledger. Whether a window fired needs no state of its own:
// it did exactly when the checkpointed watermark is at or past its end.
import { assert } from '../core/index.js';
import type { StateEntry, StateTable } from './state-table.js';
import { lastWindowStartMs } from './window-assigners.js';
import type { BatchColumns, LateLedger, WindowFiring, WindowResult, WindowState, WindowStateOptions } from './types.js';

export interface WindowStateInternal<A, B extends BatchColumns> extends WindowState<A, B> {
  /** Fires the windows the watermark completed, then removes those past their allowed lateness. */
  advance(previousWatermarkMs: number, watermarkMs: number): void;
}

/** Late-ledger reasons of window state. */
export const windowLateReasons = {
  /** Every window of the event had closed (its end plus the allowed lateness was behind the watermark). */
  beyond: 'beyond-allowed-lateness',
  /** Sliding windows: the event went to its open windows but missed closed ones. */
  partly: 'partly-beyond-allowed-lateness',
} as const;

/** Window starts per partition, kept sorted as windows open and close. */
export function createWindowIndex(): { starts: Map<number, number[]>; added(partition: number, start: number): void; removed(partition: number, start: number): void } {
  const starts = new Map<number, number[]>();
  return {
    starts,
    added(partition, start) {
      let list = starts.get(partition);
      if (list === undefined) {
        list = [];
        starts.set(partition, list);
      }
      let index = list.length;
      while (index > 0 && list[index - 1]! > start) index--;
      list.splice(index, 0, start);
    },
    removed(partition, start) {
      const list = starts.get(partition);
      const index = list?.indexOf(start) ?? -1;
      assert(index >= 0, () => `window ${start} of partition ${partition} closed but was never open`);
      list!.splice(index, 1);
    },
  };
}

export interface WindowStateDeps<A> {
  table: StateTable<A>;
  index: ReturnType<typeof createWindowIndex>;
  late: LateLedger;
  time: { watermarkMs: number };
}

export function createWindowState<A, B extends BatchColumns>(name: string, options: WindowStateOptions<A, B>, deps: WindowStateDeps<A>): WindowStateInternal<A, B> {
  const { table, index, late, time } = deps;
  const { aggregate, onFire, allowedLatenessMs } = options;
  const { sizeMs, slideMs } = options.assigner;
  const create = (): A => aggregate.create();
  const result: WindowResult<A> = { partition: 0, key: '', startMs: 0, endMs: 0, accumulator: undefined as A, firing: 'on-time' };
  const emit = (entry: StateEntry<A>, firing: WindowFiring, callback: (result: WindowResult<A>) => void): void => {
    result.partition = entry.partition;
    result.key = entry.key;
    result.startMs = entry.namespace;
    result.endMs = entry.namespace + sizeMs;
    result.accumulator = entry.value;
    result.firing = firing;
    callback(result);
  };
  const fireWindow = (partition: number, start: number): void => {
    const entries = table.namespace(partition, start);
    if (entries !== undefined) for (const entry of entries.values()) emit(entry, 'on-time', onFire);
  };

  return {
    name,
    add(partition, key, batch, row) {
      const timeMs = batch.eventTimesMs[row]!;
      const watermarkMs = time.watermarkMs;
      let added = 0;
      let missed = 0;
      for (let start = lastWindowStartMs(options.assigner, timeMs); start > timeMs - sizeMs; start -= slideMs) {
        const endMs = start + sizeMs;
        if (endMs + allowedLatenessMs <= watermarkMs) {
          missed++;
          continue;
        }
        const entry = table.entryFor(partition, start, key, create);
        entry.value = aggregate.add(entry.value, batch, row);
        table.touch(entry);
        added++;
        if (endMs <= watermarkMs) emit(entry, 'late-update', onFire);
      }
      if (missed > 0) late.record(partition, batch.offsets[row]!, timeMs, added === 0 ? windowLateReasons.beyond : windowLateReasons.partly, key);
      return added;
    },
    advance(previousWatermarkMs, watermarkMs) {
      assert(watermarkMs >= previousWatermarkMs, () => `${name}: the watermark moved backwards (${watermarkMs} < ${previousWatermarkMs})`);
      for (const [partition, starts] of index.starts) {
        // Starts are sorted and windows are the same size, so ends are sorted too.
        for (const start of starts) {
          const endMs = start + sizeMs;
          if (endMs > watermarkMs) break;
          if (endMs > previousWatermarkMs) fireWindow(partition, start);
        }
        while (starts.length > 0 && starts[0]! + sizeMs + allowedLatenessMs <= watermarkMs) table.removeNamespace(partition, starts[0]!);
      }
    },
    forEachUpdated(callback) {
      table.forEachChanged((entry) => emit(entry, 'update', callback));
    },
    size: () => table.size(),
  };
}
