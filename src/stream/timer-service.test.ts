// Proves event-time timers fire when the job watermark reaches them and processing-time timers
// when the injected clock does, in (time, partition, key) order, once per registration, and that
// pending timers survive a checkpoint and restore.
import { describe, expect, it } from 'vitest';
import { createOperatorHarness } from './harness.js';
import { encodeKeyedRecord, keyedRecordDecoder, type KeyedBatch } from './keyed-records.js';
import type { JobDefinition, Operator } from './types.js';

/** Registers, per record, an event-time timer 5 s after it and a processing-time timer 1 s from now; cancels on key `cancel`. */
function timerJob(): JobDefinition {
  const operator: Operator<KeyedBatch> = {
    name: 'timers',
    processBatch(batch, context) {
      for (let row = 0; row < batch.length; row++) {
        const key = batch.keys[row]!;
        if (key === 'cancel') {
          context.timers.cancel('event-time', batch.partition, 'x', 15_000);
          continue;
        }
        context.timers.register('event-time', batch.partition, key, batch.eventTimesMs[row]! + 5_000);
        context.timers.register('processing-time', batch.partition, key, context.clock.nowMs() + 1_000);
      }
    },
    onTimer(timer, context) {
      context.emit('timer', `${timer.domain} ${timer.partition}/${timer.key}@${timer.timeMs}`);
    },
  };
  return { name: 'timers', decoder: keyedRecordDecoder(), operators: [operator] };
}

const record = (timeMs: number, key: string) => encodeKeyedRecord({ timeMs, key });

describe('timers', () => {
  it('fire event-time timers as the watermark passes them, in time, partition, key order, once', () => {
    const harness = createOperatorHarness(timerJob, { partitions: [0, 1], outOfOrdernessMs: 0 });
    harness.process(1, [record(10_000, 'b'), record(10_000, 'a')]);
    harness.process(0, [record(10_000, 'z'), record(10_000, 'z'), record(10_000, 'x')]);
    harness.process(0, [record(2_000, 'early')]);
    const eventTimers = () => harness.live.map((message) => message.payload as string).filter((text) => text.startsWith('event-time'));
    expect(eventTimers()).toEqual([]);
    harness.watermark(14_999);
    expect(eventTimers()).toEqual(['event-time 0/early@7000']);
    harness.process(0, [record(10_000, 'cancel')]);
    harness.watermark(15_000);
    expect(eventTimers()).toEqual(['event-time 0/early@7000', 'event-time 0/z@15000', 'event-time 1/a@15000', 'event-time 1/b@15000']);
    harness.watermark(60_000);
    expect(eventTimers()).toHaveLength(4);
  });

  it('fire processing-time timers from the injected clock only', () => {
    const harness = createOperatorHarness(timerJob, { outOfOrdernessMs: 0 });
    harness.process(0, [record(1, 'a')]);
    const processingTimers = () => harness.live.map((message) => message.payload as string).filter((text) => text.startsWith('processing-time'));
    harness.advanceClock(999);
    expect(processingTimers()).toEqual([]);
    harness.advanceClock(1);
    expect(processingTimers()).toEqual([`processing-time 0/a@${harness.clock.nowMs()}`]);
    expect(harness.engine.nextProcessingTimerMs()).toBeUndefined();
  });

  it('survive a checkpoint: a restored job fires the timers pending at the snapshot', () => {
    const harness = createOperatorHarness(timerJob, { outOfOrdernessMs: 0 });
    harness.process(0, [record(10_000, 'a')]);
    harness.snapshot();
    const restored = harness.restore();
    expect(restored.engine.nextProcessingTimerMs()).toBe(harness.clock.nowMs() + 1_000);
    restored.watermark(15_000);
    restored.advanceClock(1_000);
    expect(restored.live.map((message) => message.payload)).toEqual(['event-time 0/a@15000', `processing-time 0/a@${harness.clock.nowMs()}`]);
  });
});
