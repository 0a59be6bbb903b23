// Proves the seeded generator repeats per seed and stream, differs across them, and is uniform
// enough for weighted sampling (the alias table's draws match their weights).
import { describe, expect, it } from 'vitest';
import { createAliasTable } from './alias-table.js';
import { createRandom } from './random.js';

describe('seeded random', () => {
  it('repeats per seed and stream and differs across them', () => {
    const draws = (seed: number, stream: number) => {
      const random = createRandom(seed, stream);
      return Array.from({ length: 8 }, () => random.uint32());
    };
    expect(draws(1, 0)).toEqual(draws(1, 0));
    expect(draws(1, 0)).not.toEqual(draws(2, 0));
    expect(draws(1, 0)).not.toEqual(draws(1, 1));
  });

  it('draws uniformly, and an alias table draws by weight', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let draw = 0; draw < 100_000; draw++) buckets[random.below(10)]!++;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    const table = createAliasTable([1, 0, 3, 6]);
    const counts = [0, 0, 0, 0];
    for (let draw = 0; draw < 100_000; draw++) counts[table.sample(random)]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0]! / 100_000 - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(counts[3]! / 100_000 - 0.6)).toBeLessThan(0.005);
  });
});
