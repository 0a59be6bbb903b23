// Proves the generator is deterministic from its seed, that link popularity follows Zipf, that
// duplicate, late, out-of-order, bot and fraud shares land near their configured values, and that
// fraud addresses burst while people do not.
import { describe, expect, it } from 'vitest';
import { createLoadGenerator, type LoadGenerator } from './generator.js';
import { createLineRenderer } from './line-renderer.js';
import type { LoadGeneratorOptionsInput } from './options.js';
import { eventFlags, fraudKind, humanKind, botKind, type GeneratedBatch } from './types.js';
import { zipfShare } from './zipf.js';

const small: LoadGeneratorOptionsInput = { links: 1_000, visitors: 20_000, networks: 2_000 };

function take(generator: LoadGenerator, events: number, size = 5_000): GeneratedBatch[] {
  const batches: GeneratedBatch[] = [];
  for (let done = 0; done < events; done += size) batches.push(generator.nextBatch(Math.min(size, events - done)));
  return batches;
}

function each(batches: GeneratedBatch[], visit: (batch: GeneratedBatch, index: number) => void): void {
  for (const batch of batches) for (let index = 0; index < batch.size; index++) visit(batch, index);
}

function ndjsonOf(options: LoadGeneratorOptionsInput, events: number): string {
  const generator = createLoadGenerator(options);
  const renderer = createLineRenderer(generator.world, generator.eventIdPrefix, { traits: true });
  return take(generator, events, 1_000).map((batch) => renderer.ndjson(batch)).join('');
}

describe('load generator', () => {
  it('gives the same events for the same seed, whatever the batch sizes', () => {
    const first = ndjsonOf({ ...small, seed: 42 }, 20_000);
    expect(ndjsonOf({ ...small, seed: 42 }, 20_000)).toBe(first);
    const generator = createLoadGenerator({ ...small, seed: 42 });
    const renderer = createLineRenderer(generator.world, generator.eventIdPrefix, { traits: true });
    expect(take(generator, 20_000, 777).map((batch) => renderer.ndjson(batch)).join('')).toBe(first);
  });

  it('gives different worlds and events for different seeds', () => {
    const a = createLoadGenerator({ ...small, seed: 1 });
    const b = createLoadGenerator({ ...small, seed: 2 });
    expect(a.world.visitors.ip.slice(0, 50)).not.toEqual(b.world.visitors.ip.slice(0, 50));
    expect(ndjsonOf({ ...small, seed: 1 }, 2_000)).not.toBe(ndjsonOf({ ...small, seed: 2 }, 2_000));
  });

  it('skews link popularity as Zipf with the configured exponent', () => {
    for (const zipfExponent of [1, 1.5]) {
      const generator = createLoadGenerator({ ...small, zipfExponent, fraudShare: 0, duplicateShare: 0 });
      const perLink = new Float64Array(1_000);
      each(take(generator, 200_000), (batch, index) => perLink[batch.link[index]!]!++);
      expect(perLink[0]! / 200_000).toBeCloseTo(zipfShare(1_000, zipfExponent), 2);
      const top10 = perLink.slice(0, 10).reduce((sum, count) => sum + count, 0);
      expect(Math.abs(top10 / 200_000 - zipfShare(1_000, zipfExponent, 10))).toBeLessThan(0.01);
    }
  });

  it('hits the configured shares of duplicates, late, out-of-order, bot and fraud events', () => {
    const shares = { duplicateShare: 0.02, lateShare: 0.01, outOfOrderShare: 0.05, botShare: 0.08, fraudShare: 0.03 };
    const generator = createLoadGenerator({ ...small, ...shares });
    const counts = { duplicate: 0, late: 0, outOfOrder: 0, bot: 0, fraud: 0 };
    const total = 400_000;
    each(take(generator, total), (batch, index) => {
      const flags = batch.flags[index]!;
      if (flags & eventFlags.duplicate) return void counts.duplicate++;
      if (flags & eventFlags.late) counts.late++;
      if (flags & eventFlags.outOfOrder) counts.outOfOrder++;
      const kind = generator.world.visitors.kind[batch.visitor[index]!];
      if (kind === botKind) counts.bot++;
      if (kind === fraudKind) counts.fraud++;
    });
    const near = (count: number, share: number, tolerance: number) => expect(Math.abs(count / total - share)).toBeLessThan(tolerance);
    near(counts.duplicate, shares.duplicateShare, 0.002);
    near(counts.late, shares.lateShare, 0.001);
    near(counts.outOfOrder, shares.outOfOrderShare, 0.002);
    near(counts.bot, shares.botShare, 0.002);
    // Fraud comes in bursts of 300: coarser, so a looser bound.
    near(counts.fraud, shares.fraudShare, 0.006);
    expect(generator.counts).toMatchObject({ duplicates: counts.duplicate, late: counts.late, outOfOrder: counts.outOfOrder });
  });

  it('dates late events minutes to days back and out-of-order ones seconds back, never ahead of their send time', () => {
    const generator = createLoadGenerator({ ...small, lateMinMs: 60_000, lateMaxMs: 86_400_000, outOfOrderMaxMs: 5_000 });
    each(take(generator, 100_000), (batch, index) => {
      const flags = batch.flags[index]!;
      if (flags & eventFlags.duplicate) return;
      const behindMs = Math.floor(batch.scheduledMs[index]!) - batch.eventTimeMs[index]!;
      if (flags & eventFlags.late) expect(behindMs >= 60_000 && behindMs <= 86_400_000).toBe(true);
      else if (flags & eventFlags.outOfOrder) expect(behindMs >= 1 && behindMs <= 5_000).toBe(true);
      else expect(behindMs).toBe(0);
    });
  });

  it('re-sends duplicates with the id and fields of an earlier event', () => {
    const generator = createLoadGenerator({ ...small, duplicateShare: 0.05 });
    const seen = new Map<number, string>();
    const fields = (batch: GeneratedBatch, index: number) => `${batch.eventTimeMs[index]}|${batch.link[index]}|${batch.visitor[index]}|${batch.referrer[index]}`;
    let duplicates = 0;
    each(take(generator, 50_000), (batch, index) => {
      const serial = batch.serial[index]!;
      if (batch.flags[index]! & eventFlags.duplicate) {
        duplicates++;
        expect(seen.get(serial)).toBe(fields(batch, index));
      } else {
        expect(seen.has(serial)).toBe(false);
        seen.set(serial, fields(batch, index));
      }
    });
    expect(duplicates).toBeGreaterThan(1_000);
  });

  it('makes fraud addresses burst hundreds of clicks in seconds while people click rarely', () => {
    const generator = createLoadGenerator({ ...small, fraudIps: 5, fraudShare: 0.02, burstClicks: 300, burstDurationMs: 3_000, eventsPerSecond: 1_000 });
    const times = new Map<number, number[]>();
    each(take(generator, 300_000), (batch, index) => {
      if (batch.flags[index]! & eventFlags.duplicate) return;
      const visitor = batch.visitor[index]!;
      let list = times.get(visitor);
      if (!list) times.set(visitor, (list = []));
      list.push(batch.eventTimeMs[index]!);
    });
    const busiestWindow = (list: number[]): number => {
      const sorted = [...list].sort((a, b) => a - b);
      let best = 0;
      for (let start = 0, end = 0; end < sorted.length; end++) {
        while (sorted[end]! - sorted[start]! >= 3_000) start++;
        best = Math.max(best, end - start + 1);
      }
      return best;
    };
    const { visitors } = generator.world;
    let fraudAddresses = 0;
    let humanBusiest = 0;
    for (const [visitor, list] of times) {
      if (visitors.kind[visitor] === fraudKind) {
        fraudAddresses++;
        expect(busiestWindow(list)).toBeGreaterThanOrEqual(300);
      } else if (visitors.kind[visitor] === humanKind) {
        humanBusiest = Math.max(humanBusiest, busiestWindow(list));
      }
    }
    expect(fraudAddresses).toBe(5);
    expect(humanBusiest).toBeLessThan(10);
  });

  it('keeps the fraud share at a high rate by bursting from several addresses at once', () => {
    const generator = createLoadGenerator({ ...small, eventsPerSecond: 200_000, fraudShare: 0.02, fraudIps: 64 });
    let fraud = 0;
    const bursting = new Set<number>();
    each(take(generator, 400_000), (batch, index) => {
      if (generator.world.visitors.kind[batch.visitor[index]!] !== fraudKind) return;
      fraud++;
      // Addresses clicking within the first second: several bursts overlap.
      if (batch.eventTimeMs[index]! < generator.options.startMs + 1_000) bursting.add(batch.visitor[index]!);
    });
    expect(Math.abs(fraud / 400_000 - 0.02)).toBeLessThan(0.004);
    expect(bursting.size).toBeGreaterThanOrEqual(10);
  });
});
