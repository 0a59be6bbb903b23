// Proves the counters operator through the harness: totals, minute and quarter buckets and the
// human / bot / suspicious split are exact; distinct visitors of 100,000 addresses are within the
// sketch's stated error; partials merge over partitions to the single-partition result; and a job
// restored from a snapshot (and replaying the log after it) ends with exactly the same rows.
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../src/core/index.js';
import { encodeClick, ipKey } from '../../../src/events/index.js';
import { counterViewNames, createCountersOperator, distinctVisitors, lastMinutes, minuteBucketsKept, quarterBucketsKept, quarterHourMs, sumBuckets } from '../../../src/jobs/counters/index.js';
import { hllRelativeStandardError } from '../../../src/jobs/sketch/index.js';
import { clickHeaderDecoder, createOperatorHarness, type JobDefinition, type OperatorHarness } from '../../../src/stream/index.js';
import { address, byPartition, click, countersTestJob, mergedByLink, slicesOf } from './counter-fixtures.js';

const startMs = Date.UTC(2026, 4, 12, 9, 0, 0);
const allRows = (harness: OperatorHarness) => [...harness.store.viewRows(counterViewNames.links), ...harness.store.viewRows(counterViewNames.visitors)];

describe('counters operator', () => {
  it('counts totals, minute and quarter buckets, and splits human, bot and suspicious clicks exactly', () => {
    const suspicious = new Set([ipKey('203.0.113.66')!]);
    const clock = createTestClock(startMs + 3_600_000);
    const harness = createOperatorHarness(countersTestJob(suspicious), { clock });
    const events = [];
    // Over 30 minutes: a human every 10 s, a bot every 60 s, a flagged bot and a flagged human every 5 min.
    for (let second = 0; second < 1_800; second += 10) events.push(click('lnk_a', startMs + second * 1_000, address(second)));
    for (let second = 5; second < 1_800; second += 60) events.push(click('lnk_a', startMs + second * 1_000, '198.51.100.7', true));
    for (let second = 7; second < 1_800; second += 300) {
      events.push(click('lnk_a', startMs + second * 1_000, '203.0.113.66', true));
      events.push(click('lnk_a', startMs + second * 1_000 + 1, '203.0.113.66'));
    }
    events.push(click('lnk_b', startMs + 61_000, address(9_999)));
    harness.process(0, events.map(encodeClick));
    harness.snapshot();

    const merged = mergedByLink(allRows(harness));
    expect(merged.get('lnk_a')!.totals).toEqual({ total: 180 + 30 + 12, human: 180, bot: 30, suspicious: 12 });
    expect(merged.get('lnk_b')!.totals).toEqual({ total: 1, human: 1, bot: 0, suspicious: 0 });
    const minutes = lastMinutes(merged.get('lnk_a')!, startMs + 29 * 60_000);
    expect(minutes).toHaveLength(60);
    expect(minutes.slice(0, 30).every((minute) => minute.total === 0)).toBe(true);
    // Minute 0: six humans, a bot at 5 s, the flagged pair at 7 s.
    expect(minutes[30]).toEqual({ startMs, total: 9, human: 6, bot: 1, suspicious: 2 });
    expect(minutes[31]).toEqual({ startMs: startMs + 60_000, total: 7, human: 6, bot: 1, suspicious: 0 });
    expect(minutes.reduce((sum, minute) => sum + minute.total, 0)).toBe(222);
    const firstQuarter = sumBuckets(merged.get('lnk_a')!.quarters, quarterHourMs, startMs, startMs + quarterHourMs);
    expect(firstQuarter).toEqual({ total: 90 + 15 + 6, human: 90, bot: 15, suspicious: 6 });
    expect(merged.get('lnk_a')!.sinceMs).toBe(startMs);
    expect(harness.metrics().lateEvents).toEqual({});
  });

  it('rows encoded ahead of the barrier while idle are encoded again when clicks change them after', () => {
    const clock = createTestClock(startMs + 3_600_000);
    const events = Array.from({ length: 40 }, (_, index) => click(index % 2 === 0 ? 'lnk_a' : 'lnk_b', startMs + index * 7_000, address(index)));
    const straight = createOperatorHarness(countersTestJob(), { clock });
    straight.process(0, events.map(encodeClick));
    straight.snapshot();
    const ahead = createOperatorHarness(countersTestJob(), { clock });
    ahead.process(0, events.slice(0, 25).map(encodeClick));
    // Both links' rows and their visitor slices encoded ahead; then more clicks change lnk_a's
    // counters and a slice, and leave one of the encoded rows as it was.
    ahead.engine.idle();
    ahead.process(0, events.slice(25).map(encodeClick));
    ahead.engine.idle();
    ahead.process(0, [encodeClick(click('lnk_a', startMs + 400_000, address(0)))]);
    straight.process(0, [encodeClick(click('lnk_a', startMs + 400_000, address(0)))]);
    ahead.snapshot();
    straight.snapshot();
    expect(allRows(ahead)).toEqual(allRows(straight));
    expect(mergedByLink(allRows(ahead)).get('lnk_a')!.totals.total).toBe(21);
  });

  it('counts 100,000 distinct visitors within three standard errors, over partitions, with repeats', () => {
    const clock = createTestClock(startMs + 3 * 3_600_000);
    const harness = createOperatorHarness(countersTestJob(), { clock, partitions: [0, 1, 2, 3], batchCapacity: 4_096 });
    const events = [];
    for (let visitor = 0; visitor < 100_000; visitor++) {
      const timeMs = startMs + Math.floor(visitor / 20);
      events.push(click('lnk_hot', timeMs, address(visitor, visitor % 5 === 0)));
      // One in four comes back an hour later: counted again as a click, not as a visitor.
      if (visitor % 4 === 0) events.push(click('lnk_hot', timeMs + 3_600_000, address(visitor, visitor % 5 === 0)));
    }
    events.sort((a, b) => a.eventTimeMs - b.eventTimeMs);
    byPartition(events, 4).forEach((records, partition) => harness.process(partition, records));
    harness.snapshot();
    const rows = allRows(harness);
    expect(mergedByLink(rows).get('lnk_hot')!.totals.total).toBe(125_000);
    const visitors = distinctVisitors(slicesOf(rows, 'lnk_hot'), startMs + 2 * 3_600_000);
    expect(visitors.relativeStandardError).toBeCloseTo(0.0163, 3);
    expect(Math.abs(visitors.estimate - 100_000) / 100_000).toBeLessThan(3 * hllRelativeStandardError);
  });

  it('merges partials over partitions to exactly what one partition counts', () => {
    const events = [];
    for (let index = 0; index < 30_000; index++) {
      events.push(click(`lnk_${index % 17}`, startMs + index * 150 - (index % 11) * 400, address(index % 7_000, index % 3 === 0), index % 9 === 0));
    }
    const clock = createTestClock(startMs + 2 * 86_400_000);
    const single = createOperatorHarness(countersTestJob(), { clock });
    single.process(0, byPartition(events, 1)[0]!);
    single.snapshot();
    const split = createOperatorHarness(countersTestJob(), { clock, partitions: [0, 1, 2, 3, 4, 5, 6, 7] });
    byPartition(events, 8).forEach((records, partition) => split.process(partition, records));
    split.snapshot();
    const nowMs = startMs + 30_000 * 150;
    // Each partition keeps the buckets of its own last hour and 50 hours; what is served (relative to now) is whole.
    const served = (harness: OperatorHarness) =>
      [...mergedByLink(allRows(harness))].map(([linkId, merged]) => ({
        linkId,
        totals: merged.totals,
        minutes: merged.minutes.filter(({ bucket }) => bucket > Math.floor(nowMs / 60_000) - minuteBucketsKept),
        quarters: merged.quarters.filter(({ bucket }) => bucket > Math.floor(nowMs / quarterHourMs) - quarterBucketsKept),
      }));
    expect(new Set(allRows(split).filter((row) => row.key === 'lnk_3').map((row) => row.partition)).size).toBeGreaterThan(4);
    expect(served(split)).toEqual(served(single));
    expect(served(single)[0]!.minutes.length).toBeGreaterThan(60);
    for (const linkId of ['lnk_0', 'lnk_16']) {
      expect(distinctVisitors(slicesOf(allRows(split), linkId), nowMs)).toEqual(distinctVisitors(slicesOf(allRows(single), linkId), nowMs));
    }
  });

  it('continues exactly after a restore from a snapshot, replaying what came after it', () => {
    const events = [];
    for (let index = 0; index < 20_000; index++) events.push(click(`lnk_${index % 5}`, startMs + index * 400 - (index % 13) * 900, address(index % 3_000), index % 6 === 0));
    const records = byPartition(events, 2);
    const clock = createTestClock(startMs + 86_400_000);
    const straight = createOperatorHarness(countersTestJob(), { clock, partitions: [0, 1] });
    records.forEach((partition, index) => straight.process(index, partition));
    straight.snapshot();

    const crashed = createOperatorHarness(countersTestJob(), { clock, partitions: [0, 1] });
    const half = (list: Uint8Array[]) => Math.floor(list.length / 2);
    records.forEach((partition, index) => crashed.process(index, partition.slice(0, half(partition))));
    crashed.snapshot();
    // Work after the snapshot is lost with the "crash"; the restored job re-reads it from the log.
    records.forEach((partition, index) => crashed.process(index, partition.slice(half(partition), half(partition) + 500)));
    const restored = crashed.restore();
    restored.replay();
    records.forEach((partition, index) => restored.process(index, partition.slice(half(partition) + 500)));
    restored.snapshot();
    expect(mergedByLink(allRows(restored))).toEqual(mergedByLink(allRows(straight)));
    // Byte for byte: every partition's row of every link and hour.
    const bytes = (harness: OperatorHarness) => allRows(harness).map((row) => [row.view, row.key, row.partition, Buffer.from(row.value).toString('hex')].join(' '));
    expect(bytes(restored)).toEqual(bytes(straight));
  });

  it('forgets links the state evicted or expired: they count afresh, never into a stale copy', () => {
    const job = (options: Parameters<typeof createCountersOperator>[0]) => () => ({ name: 'counters', decoder: clickHeaderDecoder(), operators: [createCountersOperator(options)] }) as unknown as JobDefinition;
    const ip = address(1);
    // Two links at most: a third evicts the least recently updated one.
    const small = createOperatorHarness(job({ linksMax: 2 }), { clock: createTestClock(startMs + 3_600_000) });
    small.process(0, [...Array.from({ length: 5 }, (_, index) => click('lnk_a', startMs + index, ip)), click('lnk_b', startMs + 10, ip), click('lnk_c', startMs + 20, ip), click('lnk_a', startMs + 30, ip)].map(encodeClick));
    small.snapshot();
    const totals = (harness: OperatorHarness) => new Map([...mergedByLink(harness.store.viewRows(counterViewNames.links))].map(([linkId, merged]) => [linkId, merged.totals.total]));
    expect(small.metrics().stateEvictions).toBeGreaterThan(0);
    expect(totals(small).get('lnk_a')).toBe(1);
    // Idle past the time-to-live: the link leaves the state and counts from its next click.
    const ttlMs = 26 * 3_600_000;
    const idle = createOperatorHarness(job({ linkIdleTtlMs: ttlMs }), { clock: createTestClock(startMs + 3 * ttlMs) });
    idle.process(0, [click('lnk_a', startMs, ip), click('lnk_a', startMs + 1, ip)].map(encodeClick));
    idle.watermark(startMs + ttlMs + 60_000);
    expect(idle.metrics().stateExpirations).toBeGreaterThan(0);
    idle.process(0, [click('lnk_a', startMs + ttlMs + 120_000, ip)].map(encodeClick));
    idle.snapshot();
    expect(totals(idle).get('lnk_a')).toBe(1);
  });
});
