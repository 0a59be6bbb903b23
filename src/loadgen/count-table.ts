// Counts by numeric key, each a row of four: total, human, bot, fraud. Rows live in one growing
// Float64Array and a Map gives a key its row, so counting an event allocates nothing once its
// key exists. Every table of one ground truth draws on one shared budget of keys.
import { LoadgenError } from './errors.js';

/** Kinds are 0 human, 1 bot, 2 fraud; column 0 is the total. */
export const countColumns = 4;

export interface KeyBudget {
  remaining: number;
  readonly max: number;
}

export interface CountTable {
  readonly size: number;
  add(key: number, kind: number): void;
  /** Every key with its four counts, in first-seen order. */
  forEach(visit: (key: number, counts: number[]) => void): void;
}

export function spendKey(budget: KeyBudget): void {
  if (budget.remaining <= 0) {
    throw new LoadgenError(`the ground truth holds ${budget.max} keys, its limit; record less (fewer links or a shorter run), or run without --truth`, 'truth_too_large');
  }
  budget.remaining--;
}

export function createCountTable(budget: KeyBudget): CountTable {
  const rows = new Map<number, number>();
  let counts = new Float64Array(1024 * countColumns);
  return {
    get size() {
      return rows.size;
    },
    add(key, kind) {
      let row = rows.get(key);
      if (row === undefined) {
        spendKey(budget);
        row = rows.size;
        rows.set(key, row);
        if ((row + 1) * countColumns > counts.length) {
          const grown = new Float64Array(counts.length * 2);
          grown.set(counts);
          counts = grown;
        }
      }
      const at = row * countColumns;
      counts[at]!++;
      counts[at + 1 + kind]!++;
    },
    forEach(visit) {
      for (const [key, row] of rows) visit(key, Array.from(counts.subarray(row * countColumns, (row + 1) * countColumns)));
    },
  };
}
