// Proves the stream engine's changelog storage, which the counters' states use: a keyed state whose
// codec says `changelog: true` writes a handful of large rows per checkpoint instead of a row per
// key, and a restore from those rows (through many checkpoints with updates, deletions, evictions,
// deltas superseded and bases rolled) holds exactly the keys, values and update times of the state
// it was taken from: the same keys then expire at the same watermark.
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../core/index.js';
import {
  createOperatorHarness,
  encodeKeyedRecord,
  float64Codec,
  keyedRecordDecoder,
  type JobDefinition,
  type KeyedBatch,
  type KeyedState,
  type StateCodec,
} from '../../stream/index.js';

const startMs = Date.UTC(2026, 4, 1);
const keysMax = 3_000;
const ttlMs = 600_000;

/** Sums values per key; a negative value deletes the key. `latest.state` is the newest job's state. */
function summingJob(changelog: boolean): { job: () => JobDefinition; latest: { state?: KeyedState<number> } } {
  const latest: { state?: KeyedState<number> } = {};
  const codec: StateCodec<number> & { changelog?: true } = changelog ? { ...float64Codec(), changelog: true } : float64Codec();
  const job = (): JobDefinition<KeyedBatch> => {
    let state: KeyedState<number> | undefined;
    return {
      name: 'sums',
      decoder: keyedRecordDecoder(),
      operators: [
        {
          name: 'sums',
          onStart(context) {
            state = context.keyedState('totals', { codec, keysMax, ttlMs });
            latest.state = state;
          },
          processBatch(batch) {
            const partition = state!.partition(batch.partition);
            for (let row = 0; row < batch.length; row++) {
              const key = batch.keys[row]!;
              const amount = batch.amounts[row]!;
              if (amount < 0) partition.delete(key);
              else partition.set(key, (partition.get(key) ?? 0) + amount);
            }
          },
        },
      ],
    };
  };
  return { job: job as unknown as () => JobDefinition, latest };
}

function contents(state: KeyedState<number>, partitions: readonly number[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const partition of partitions) state.forEach(partition, (value, key) => (result[`${partition}/${key}`] = value));
  return result;
}

/** Round `round`'s records: a churning crowd of keys (past the bound), steady keys, deletions. */
function records(round: number): Uint8Array[] {
  const values: Uint8Array[] = [];
  for (let index = 0; index < 900; index++) {
    const serial = round * 900 + index;
    const key = index % 9 === 0 ? `steady-${index % 50}` : `crowd-${(serial * 7) % 9_000}`;
    values.push(encodeKeyedRecord({ timeMs: startMs + serial * 20, key, value: index % 97 === 0 ? -1 : (serial % 5) + 1 }));
  }
  return values;
}

describe('changelog state storage', () => {
  it('restores exactly what was checkpointed, from a few large rows', () => {
    const partitions = [0, 3];
    const plain = summingJob(false);
    const logged = summingJob(true);
    const reference = createOperatorHarness(plain.job, { partitions, clock: createTestClock(startMs + 86_400_000) });
    let harness = createOperatorHarness(logged.job, { partitions, clock: createTestClock(startMs + 86_400_000) });
    let changelogRows = 0;
    let plainRows = 0;
    for (let round = 0; round < 40; round++) {
      const partition = partitions[round % 2]!;
      reference.process(partition, records(round));
      harness.process(partition, records(round));
      plainRows += reference.snapshot().stateUpserts.length;
      const checkpoint = harness.snapshot();
      changelogRows += checkpoint.stateUpserts.length;
      for (const row of checkpoint.stateUpserts) expect(row.key.startsWith('~')).toBe(true);
    }
    expect(logged.latest.state!.size()).toBe(keysMax);
    expect(plainRows).toBeGreaterThan(20_000);
    expect(changelogRows).toBeLessThan(plainRows / 10);
    const expected = contents(plain.latest.state!, partitions);
    expect(contents(logged.latest.state!, partitions)).toEqual(expected);

    harness = harness.restore();
    expect(contents(logged.latest.state!, partitions)).toEqual(expected);
    // Update times came back too: the same keys expire at the same watermark.
    const later = reference.engine.watermarkMs() + ttlMs - 25_000;
    reference.watermark(later);
    harness.watermark(later);
    const survivors = contents(plain.latest.state!, partitions);
    expect(Object.keys(survivors).length).toBeLessThan(keysMax * 0.8);
    expect(Object.keys(survivors).length).toBeGreaterThan(100);
    expect(contents(logged.latest.state!, partitions)).toEqual(survivors);
  });
});
