// Zipf popularity: the link of rank k (from 1) is chosen with weight 1 / k^s. With s = 1 and
// 10,000 links the top link takes about 10 % of clicks and the top 1 % about 52 %: the shape of
// real short-link traffic, where a few links go viral and most are rarely clicked.
import { assert } from '../core/index.js';
import { createAliasTable, type AliasTable } from './alias-table.js';

/** Weights 1 / k^s for ranks 1..n, in rank order. */
export function zipfWeights(n: number, exponent: number): Float64Array {
  assert(Number.isInteger(n) && n > 0, () => `zipf needs a positive count, not ${n}`);
  const weights = new Float64Array(n);
  for (let rank = 1; rank <= n; rank++) weights[rank - 1] = 1 / rank ** exponent;
  return weights;
}

/** The share of draws expected for the first `top` ranks of n. */
export function zipfShare(n: number, exponent: number, top = 1): number {
  const weights = zipfWeights(n, exponent);
  let head = 0;
  let total = 0;
  for (let index = 0; index < n; index++) {
    total += weights[index]!;
    if (index < top) head += weights[index]!;
  }
  return head / total;
}

/** A sampler of ranks 0..n-1 (0 the most popular). */
export function createZipfSampler(n: number, exponent: number): AliasTable {
  return createAliasTable(zipfWeights(n, exponent));
}
