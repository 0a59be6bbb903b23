// Weighted sampling in constant time (Vose's alias method): building costs O(n), each draw one
// random number and two array reads. Used for link popularity (Zipf), agents, countries,
// referrers and time zones, where a cumulative table's binary search would cost 20 steps a draw.
import { assert } from '../core/index.js';
import type { Random } from './random.js';

export interface AliasTable {
  readonly size: number;
  /** An index in [0, size), drawn with probability proportional to its weight. */
  sample(random: Random): number;
}

export function createAliasTable(weights: ArrayLike<number>): AliasTable {
  const size = weights.length;
  assert(size > 0, 'an alias table needs at least one weight');
  let total = 0;
  for (let index = 0; index < size; index++) {
    const weight = weights[index]!;
    assert(Number.isFinite(weight) && weight >= 0, () => `weight ${index} is ${weight}; weights must be finite and not negative`);
    total += weight;
  }
  assert(total > 0, 'at least one weight must be positive');
  const probability = new Float64Array(size);
  const alias = new Int32Array(size);
  const small: number[] = [];
  const large: number[] = [];
  for (let index = 0; index < size; index++) {
    probability[index] = (weights[index]! * size) / total;
    (probability[index]! < 1 ? small : large).push(index);
  }
  while (small.length > 0 && large.length > 0) {
    const less = small.pop()!;
    const more = large[large.length - 1]!;
    alias[less] = more;
    probability[more] = probability[more]! + probability[less]! - 1;
    if (probability[more]! < 1) small.push(large.pop()!);
  }
  // What is left is 1 up to rounding: such a column always keeps its own index.
  for (const index of [...small, ...large]) {
    probability[index] = 1;
    alias[index] = index;
  }
  return {
    size,
    sample(random) {
      const scaled = random.float() * size;
      const column = Math.floor(scaled);
      return scaled - column < probability[column]! ? column : alias[column]!;
    },
  };
}
