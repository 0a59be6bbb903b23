// Proves the runner sends exactly the count asked for, holds a rate against the clock, books
// acknowledged events into the truth, and stops at a fatal outcome with its reason.
import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../core/index.js';
import { createLoadGenerator } from './generator.js';
import { createGroundTruth } from './ground-truth.js';
import { runLoad, type RunPlan } from './run-load.js';
import type { GeneratedBatch, LoadTarget, RequestOutcome } from './types.js';

/** A target that acknowledges each batch after `delayMs`, or answers with `failWith`. */
function memoryTarget(delayMs: number, failWith?: Partial<RequestOutcome>): LoadTarget & { received: number } {
  const queue: GeneratedBatch[] = [];
  const target = {
    name: 'file' as const,
    received: 0,
    accept: (batch: GeneratedBatch) => void queue.push(batch),
    flush: () => undefined,
    get queuedRequests() {
      return queue.length;
    },
    get queuedBytes() {
      return queue.reduce((sum, batch) => sum + batch.size * 100, 0);
    },
    startNext() {
      const batch = queue.shift()!;
      const outcome = new Promise<RequestOutcome>((resolve) =>
        setTimeout(() => {
          target.received += batch.size;
          resolve(failWith ? { events: batch.size, acknowledged: [], acknowledgedCount: 0, failed: batch.size, retries: 0, ...failWith } : { events: batch.size, acknowledged: [{ batch, indexes: undefined }], acknowledgedCount: batch.size, failed: 0, retries: 0 });
        }, delayMs),
      );
      return { events: batch.size, outcome };
    },
    close: async () => undefined,
  };
  return target;
}

const plan: RunPlan = { ratePerSecond: 0, count: 0, durationMs: 0, batchEvents: 1_000, inFlight: 4, prebuildBytes: 1_000_000, flushIntervalMs: 50 };
const clock = createSystemClock();

describe('runLoad', () => {
  it('sends exactly the count, as fast as the target takes it, and books the truth', async () => {
    const generator = createLoadGenerator({ links: 100, visitors: 1_000, networks: 100 });
    const truth = createGroundTruth(generator.world);
    const target = memoryTarget(1);
    const result = await runLoad({ clock, generator, target, truth }, { ...plan, count: 25_500 });
    expect(target.received).toBe(25_500);
    expect(result.totals).toMatchObject({ sent: 25_500, acknowledged: 25_500, failed: 0, requests: 26 });
    expect(truth.uniqueEvents).toBe(25_500 - generator.counts.duplicates);
    expect(result.prebuildMs).toBeGreaterThanOrEqual(0);
  });

  it('holds a rate against the clock for a duration', async () => {
    const generator = createLoadGenerator({ links: 100, visitors: 1_000, networks: 100, eventsPerSecond: 4_000, startMs: clock.nowMs() });
    const target = memoryTarget(1);
    const snapshots: number[] = [];
    const started = performance.now();
    const result = await runLoad({ clock, generator, target, onProgress: (snapshot) => snapshots.push(snapshot.totals.sent) }, { ...plan, ratePerSecond: 4_000, durationMs: 1_500 });
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThan(1_400);
    expect(result.totals.sent).toBeGreaterThan(5_700);
    expect(result.totals.sent).toBeLessThan(6_300);
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
  });

  it('stops at a fatal outcome and says why', async () => {
    const generator = createLoadGenerator({ links: 100, visitors: 1_000, networks: 100 });
    const target = memoryTarget(1, { error: 'POST /v1/events answered 401: the API key is unknown', fatal: true });
    await expect(runLoad({ clock, generator, target }, { ...plan, count: 100_000 })).rejects.toThrow(/the run stopped: POST \/v1\/events answered 401/);
    expect(target.received).toBeLessThan(100_000);
  });
});
