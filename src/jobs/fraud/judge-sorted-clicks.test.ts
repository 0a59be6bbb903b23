// Proves the batch function: it refuses input not sorted by (eventTimeMs, id), keeps heavy hitters
// per partition as the stream does, and gives the rule's verdicts.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/index.js';
import { ipKey, networkKey } from '../../events/index.js';
import { createFraudRule } from './fraud-rule.js';
import { judgeSortedClicks, type SortedClick } from './judge-sorted-clicks.js';

const startMs = Date.UTC(2026, 4, 4, 9, 0, 0);

function sorted(ip: string, count: number, stepMs: number, partition = 0, from = 0): SortedClick[] {
  return Array.from({ length: count }, (_, index) => ({ id: `${ip}-${String(index).padStart(6, '0')}`, eventTimeMs: startMs + from + index * stepMs, ipKey: ipKey(ip)!, networkKey: networkKey(ip)!, partition }));
}

describe('judgeSortedClicks', () => {
  it('refuses clicks out of order, naming the first', () => {
    const clicks = sorted('198.51.100.1', 3, 1_000);
    expect(() => judgeSortedClicks([clicks[0]!, clicks[2]!, clicks[1]!])).toThrow(ValidationError);
    expect(() => judgeSortedClicks([clicks[0]!, clicks[2]!, clicks[1]!])).toThrow(/click 2/);
    const tie = { ...clicks[0]!, id: 'a' };
    expect(() => judgeSortedClicks([{ ...tie, id: 'b' }, tie])).toThrow(/sorted by \(eventTimeMs, id\)/);
  });

  it('gives the rule\'s verdicts', () => {
    const clicks = sorted('198.51.100.2', 60, 100);
    const rule = createFraudRule();
    expect(Array.from(judgeSortedClicks(clicks))).toEqual(clicks.map((click) => rule.observe(click.ipKey, click.networkKey, click.eventTimeMs)));
  });

  it('counts heavy hitters per partition, as the stream does', () => {
    // A steady 0.4 clicks/s for 10 minutes: under every window threshold, 240 clicks: a heavy hitter
    // alone in its partition, but a partition's 1% share is too little with a busy neighbour.
    const steady = sorted('198.51.100.3', 240, 2_500, 1);
    const crowd = Array.from({ length: 30_000 }, (_, index) => ({ id: `c${index}`, eventTimeMs: startMs + index * 20, ipKey: 1_000_000 + index, networkKey: 10_000 + (index % 5_000), partition: 2 }));
    const thresholds = { heavyHitterShareMin: 0.01 };
    const alone = judgeSortedClicks(steady, thresholds);
    expect(alone[239]).toBe(1);
    expect(alone.indexOf(1)).toBe(199);
    const together = [...steady, ...crowd.map((click) => ({ ...click, partition: 1 }))].sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.id < b.id ? -1 : 1));
    const verdicts = judgeSortedClicks(together, thresholds);
    expect(together.flatMap((click, index) => (click.ipKey === ipKey('198.51.100.3') ? [verdicts[index]] : [])).every((verdict) => verdict === 0)).toBe(true);
    const apart = [...steady, ...crowd].sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.id < b.id ? -1 : 1));
    const verdictsApart = judgeSortedClicks(apart, thresholds);
    expect(apart.flatMap((click, index) => (click.ipKey === ipKey('198.51.100.3') ? [verdictsApart[index]] : [])).at(-1)).toBe(1);
  });
});
