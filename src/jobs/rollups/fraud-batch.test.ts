// Proves the batch fraud pass judges exactly as judgeSortedClicks (the stream's rule) does, whether
// a partition's clicks come in one batch or many, and refuses clicks out of event-time order.
import { describe, expect, it } from 'vitest';
import { judgeSortedClicks, parseFraudRuleOptions } from '../fraud/index.js';
import { FlagList, newClickBatch, PartitionRules } from './fraud-batch.js';

const startMs = Date.UTC(2026, 10, 25, 8);

/** Clicks of a few hot and many quiet addresses over 3 partitions, sorted by (time, id). */
function sampleClicks(count: number): { id: string; eventTimeMs: number; ipKey: number; networkKey: number; partition: number }[] {
  let seed = 7;
  const random = () => ((seed = Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const clicks = Array.from({ length: count }, (_, index) => {
    const hot = random() < 0.3;
    const ipKey = hot ? 0xcb007100 + Math.floor(random() * 3) : 0x0a000000 + Math.floor(random() * 5_000);
    return { id: `c${String(index).padStart(6, '0')}`, eventTimeMs: startMs + Math.floor(random() * 600_000), ipKey, networkKey: Math.floor(ipKey / 256), partition: ipKey % 3 };
  });
  return clicks.sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.id < b.id ? -1 : 1));
}

describe('batch fraud pass', () => {
  it('flags the same clicks as judgeSortedClicks, in one batch or many', () => {
    const clicks = sampleClicks(20_000);
    const expected = judgeSortedClicks(clicks);
    expect(expected.filter((code) => code !== 0).length).toBeGreaterThan(100);
    for (const batchSize of [20_000, 777]) {
      const rules = new PartitionRules(parseFraudRuleOptions({}));
      const flags = new FlagList();
      for (let start = 0; start < clicks.length; start += batchSize) {
        const batch = newClickBatch(batchSize);
        for (const [offset, click] of clicks.slice(start, start + batchSize).entries()) {
          Object.assign(batch, { length: offset + 1 });
          batch.times[offset] = click.eventTimeMs;
          batch.keys[offset] = click.ipKey;
          batch.networks[offset] = click.networkKey;
          batch.partitions[offset] = click.partition;
          batch.files[offset] = 0;
          batch.rows[offset] = start + offset;
        }
        rules.judge(batch, flags);
      }
      const got = new Uint8Array(clicks.length);
      for (let index = 0; index < flags.length; index++) got[flags.rows[index]!] = flags.codes[index]!;
      expect(got).toEqual(expected);
    }
  });

  it('refuses a partition whose clicks go back in time', () => {
    const rules = new PartitionRules(parseFraudRuleOptions({}));
    const batch = newClickBatch(2);
    batch.length = 2;
    batch.times.set([startMs + 1_000, startMs]);
    expect(() => rules.judge(batch, new FlagList())).toThrow(/partition 0 is not in event-time order/);
  });
});
