import { describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../core/index.js';
import { speedJobName } from '../jobs/counters/index.js';
import { createSqliteStore } from '../store/index.js';
import { noWatermarkMs } from '../stream/index.js';
import { createCounterViews } from './counter-views.js';

describe('counter views freshness', () => {
  it('reports no watermark while a partition has none, and the lowest one once all have', async () => {
    const clock = createTestClock(1_795_000_000_000);
    const store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: ':memory:' });
    try {
      const views = createCounterViews({ store, clock, logger: createSilentLogger() });
      const commit = (watermarks: number[]) =>
        views.applyCommitted({
          job: speedJobName,
          checkpointId: 1,
          committedAtMs: clock.nowMs(),
          views: [],
          positions: watermarks.map((watermarkMs, partition) => ({ partition, nextOffset: 0, watermarkMs })),
        });
      commit([noWatermarkMs, 1_794_999_990_000]);
      expect((await views.freshness()).watermarkMs).toBeNull();
      commit([1_794_999_995_000, 1_794_999_990_000]);
      expect(await views.freshness()).toMatchObject({ watermarkMs: 1_794_999_990_000, partitions: 2 });
    } finally {
      await store.close();
    }
  });
});
