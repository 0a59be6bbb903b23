// The late ledger between two checkpoints: every event the job could not count, counted by
// (partition, reason), and listed with its offset up to a bound per checkpoint. Past the bound an
// event is still counted (counts stay exact) and the overflow itself is counted in the metrics.
import type { StreamLateEventInput } from '../store/index.js';
import type { LateLedger } from './types.js';

export interface LateLedgerBuffer {
  forOperator(operator: string): LateLedger;
  pendingRows(): number;
  drain(): { events: StreamLateEventInput[]; counts: { partition: number; reason: string; count: number }[] };
  /** Events by reason since start. */
  readonly totals: Map<string, number>;
  readonly overflowed: () => number;
}

export function createLateLedgerBuffer(rowsMax: number, time: { watermarkMs: number }, nowMs: () => number): LateLedgerBuffer {
  let events: StreamLateEventInput[] = [];
  const counts = new Map<number, Map<string, number>>();
  const totals = new Map<string, number>();
  let overflowed = 0;

  const record = (operator: string, partition: number, offset: number, eventTimeMs: number, reason: string, key: string): void => {
    let byReason = counts.get(partition);
    if (byReason === undefined) {
      byReason = new Map();
      counts.set(partition, byReason);
    }
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    totals.set(reason, (totals.get(reason) ?? 0) + 1);
    if (events.length >= rowsMax) {
      overflowed++;
      return;
    }
    events.push({ operator, partition, offset, eventTimeMs, watermarkMs: time.watermarkMs, reason, key, recordedAtMs: nowMs() });
  };

  return {
    forOperator: (operator) => ({
      record: (partition, offset, eventTimeMs, reason, key = '') => record(operator, partition, offset, eventTimeMs, reason, key),
    }),
    pendingRows: () => events.length + counts.size,
    drain() {
      const drained = { events, counts: [] as { partition: number; reason: string; count: number }[] };
      for (const [partition, byReason] of counts) for (const [reason, count] of byReason) drained.counts.push({ partition, reason, count });
      events = [];
      counts.clear();
      return drained;
    },
    totals,
    overflowed: () => overflowed,
  };
}
