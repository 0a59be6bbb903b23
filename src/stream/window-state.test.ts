// Proves tumbling and sliding windows fire once when the watermark passes their end, that an
// event within the allowed lateness updates and re-fires its window, and that later events go to
// the late ledger with their reason and count instead of vanishing.
import { describe, expect, it } from 'vitest';
import { jsonCodec } from './codecs.js';
import { createOperatorHarness, type OperatorHarness } from './harness.js';
import { encodeKeyedRecord, keyedRecordDecoder, type KeyedBatch } from './keyed-records.js';
import type { JobDefinition, WindowAssigner } from './types.js';
import { createWindowAggregateOperator } from './window-aggregate-operator.js';
import { slidingWindows, tumblingWindows } from './window-assigners.js';

function sumJob(assigner: WindowAssigner, allowedLatenessMs: number): () => JobDefinition {
  return () => ({
    name: 'sums',
    decoder: keyedRecordDecoder(),
    operators: [
      createWindowAggregateOperator<number, KeyedBatch>({
        name: 'sum',
        key: (batch, row) => batch.keys[row]!,
        assigner,
        allowedLatenessMs,
        aggregate: { create: () => 0, add: (sum, batch, row) => sum + batch.amounts[row]! },
        codec: jsonCodec<number>(),
        view: 'sums',
        liveChannel: 'fired',
      }),
    ],
  });
}

const records = (...items: [number, string][]) => items.map(([timeMs, key]) => encodeKeyedRecord({ timeMs, key }));

function fired(harness: OperatorHarness): string[] {
  return harness.live.map((message) => {
    const { key, startMs, endMs, firing, value } = message.payload as { key: string; startMs: number; endMs: number; firing: string; value: number };
    return `${key}[${startMs},${endMs})=${value} ${firing}`;
  });
}

describe('tumbling windows', () => {
  it('fire once, in order, when the watermark reaches their end, and are then cleaned up', () => {
    const harness = createOperatorHarness(sumJob(tumblingWindows(10_000), 0), { outOfOrdernessMs: 0 });
    harness.process(0, records([1_000, 'a'], [4_000, 'b'], [9_999, 'a']));
    harness.watermark(9_999);
    expect(fired(harness)).toEqual([]);
    // The event at 10,000 opens the next window and, out-of-orderness being 0, completes the first.
    harness.process(0, records([10_000, 'a']));
    expect(fired(harness)).toEqual(['a[0,10000)=2 on-time', 'b[0,10000)=1 on-time']);
    harness.watermark(19_999);
    expect(fired(harness)).toHaveLength(2);
    harness.watermark(25_000);
    expect(fired(harness).slice(2)).toEqual(['a[10000,20000)=1 on-time']);
    expect(harness.metrics().stateKeys).toBe(0);
  });
});

describe('sliding windows', () => {
  it('put each event in size / slide windows and fire each of them', () => {
    const harness = createOperatorHarness(sumJob(slidingWindows(10_000, 5_000), 0), { outOfOrdernessMs: 0 });
    harness.process(0, records([7_000, 'a'], [12_000, 'a']));
    harness.watermark(20_000);
    expect(fired(harness)).toEqual(['a[0,10000)=1 on-time', 'a[5000,15000)=2 on-time', 'a[10000,20000)=1 on-time']);
  });
});

describe('allowed lateness and the late ledger', () => {
  it('updates and re-fires a fired window within the allowed lateness; ledgers later events by reason', () => {
    const harness = createOperatorHarness(sumJob(tumblingWindows(10_000), 5_000), { outOfOrdernessMs: 0 });
    harness.process(0, records([1_000, 'a'], [12_000, 'a']));
    harness.watermark(12_000);
    expect(fired(harness)).toEqual(['a[0,10000)=1 on-time']);
    // 2,000 is behind the watermark but within 10,000 + 5,000: counted, fired again.
    harness.process(0, records([2_000, 'a']));
    expect(fired(harness).slice(1)).toEqual(['a[0,10000)=2 late-update']);
    harness.watermark(15_000);
    // Now the window [0, 10000) is closed for good.
    harness.process(0, records([3_000, 'a'], [3_500, 'b']));
    expect(fired(harness)).toHaveLength(2);
    harness.snapshot();
    expect(harness.store.lateEvents().map((event) => [event.offset, event.key, event.reason, event.eventTimeMs, event.watermarkMs])).toEqual([
      [3, 'a', 'beyond-allowed-lateness', 3_000, 15_000],
      [4, 'b', 'beyond-allowed-lateness', 3_500, 15_000],
    ]);
    expect(harness.store.lateCounts('sums')).toEqual({ 'beyond-allowed-lateness': 2 });
    expect(harness.metrics().lateEvents).toEqual({ 'beyond-allowed-lateness': 2 });
    const views = harness.store.viewRows('sums').map((row) => `${row.key}=${new TextDecoder().decode(row.value)}`);
    expect(views).toEqual(['a@0=2', 'a@10000=1']);
  });

  it('ledgers a sliding-window event that missed closed windows but counted in open ones as partly late', () => {
    const harness = createOperatorHarness(sumJob(slidingWindows(10_000, 5_000), 0), { outOfOrdernessMs: 0 });
    harness.watermark(10_000);
    harness.process(0, records([7_000, 'a']));
    harness.snapshot();
    expect(harness.store.lateEvents().map((event) => event.reason)).toEqual(['partly-beyond-allowed-lateness']);
    expect(harness.store.viewRows('sums').map((row) => row.key)).toEqual(['a@5000']);
  });
});
