// Proves the fraud operator in the stream engine (through the operator harness): the batch function
// and the stream give every click the same verdict on realistic traffic, and catch the fraud in it;
// a restore from a checkpoint continues windows exactly; a checkpoint carries only the addresses
// that changed; flags reach the operator after fraud; live messages carry changes and numbers, and
// a quiet address goes back to ok on the watermark.
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../src/core/index.js';
import { ipKey } from '../../../src/events/index.js';
import {
  fraudFlagBlocked,
  fraudIpStateKey,
  fraudFlagOk,
  fraudLiveChannels,
  isFraudChangesPayload,
  isFraudIpNumbersPayload,
  judgeSortedClicks,
  readFraudNumbers,
  type FraudVerdictChange,
} from '../../../src/jobs/fraud/index.js';
import { createOperatorHarness, type LiveMessage } from '../../../src/stream/index.js';
import { asSortedClicks, clickFrom, createFeeder, fraudKind, humanKind, loadgenClicks, recordedFraudJob, sortClicks, type FixtureClick, type RecordedFlags } from './fraud-fixtures.js';

const startMs = Date.UTC(2026, 4, 4, 9, 0, 0);
const partitions = [0, 1, 2, 3];

function flagsOf(recorded: RecordedFlags, positions: readonly { partition: number; offset: number }[]): number[] {
  return positions.map(({ partition, offset }) => recorded.get(partition)!.get(offset)!);
}

function changesOf(live: readonly LiveMessage[]): FraudVerdictChange[] {
  return live.filter((message) => message.channel === fraudLiveChannels.changes && isFraudChangesPayload(message.payload)).flatMap((message) => (message.payload as { changes: FraudVerdictChange[] }).changes);
}

function traffic(count: number): FixtureClick[] {
  return loadgenClicks({ seed: 7, startMs, eventsPerSecond: 2_000, visitors: 200_000, networks: 20_000 }, count, partitions.length);
}

describe('fraud operator', () => {
  it('gives every click the same verdict as the batch function, and catches the bursts', () => {
    const clicks = traffic(120_000);
    const recorded = recordedFraudJob();
    const harness = createOperatorHarness(recorded.job, { partitions, clock: createTestClock(startMs + 3_600_000) });
    const stream = flagsOf(recorded.flags, createFeeder().feed(harness, clicks));
    const batch = Array.from(judgeSortedClicks(asSortedClicks(clicks)));
    expect(stream.length).toBe(clicks.length);
    const disagreements = stream.flatMap((flag, index) => (flag === batch[index] ? [] : [index]));
    expect(disagreements).toEqual([]);
    const share = (kind: number) => {
      const ofKind = clicks.flatMap((click, index) => (click.kind === kind ? [stream[index]!] : []));
      return ofKind.filter((flag) => flag !== fraudFlagOk).length / ofKind.length;
    };
    expect(share(fraudKind)).toBeGreaterThan(0.9);
    expect(share(humanKind)).toBeLessThan(0.001);
    expect(stream.filter((flag) => flag === fraudFlagBlocked).length).toBeGreaterThan(500);
  });

  it('restored from a checkpoint, continues windows and baselines exactly', () => {
    const clicks = traffic(60_000);
    const reference = recordedFraudJob();
    const straight = createOperatorHarness(reference.job, { partitions, clock: createTestClock(startMs + 3_600_000) });
    const referenceFlags = flagsOf(reference.flags, createFeeder().feed(straight, clicks));

    const recorded = recordedFraudJob();
    const feeder = createFeeder();
    let harness = createOperatorHarness(recorded.job, { partitions, clock: createTestClock(startMs + 3_600_000) });
    const positions = feeder.feed(harness, clicks.slice(0, 25_000));
    harness.snapshot();
    positions.push(...feeder.feed(harness, clicks.slice(25_000, 40_000)));
    // A crash: what came after the snapshot is lost, read again from the log by a fresh job.
    harness = harness.restore();
    harness.replay();
    positions.push(...feeder.feed(harness, clicks.slice(40_000)));
    expect(flagsOf(recorded.flags, positions)).toEqual(referenceFlags);
    for (const click of clicks.filter((_, index) => index % 97 === 0)) {
      const key = ipKey(click.event.ip)!;
      expect(recorded.operator().numbersOf(key)).toEqual(reference.operator().numbersOf(key));
    }
  });

  it('checkpoints only the addresses that changed since the last checkpoint', () => {
    const harness = createOperatorHarness(recordedFraudJob().job, { clock: createTestClock(startMs + 3_600_000) });
    const first = sortClicks(Array.from({ length: 3_000 }, (_, index) => clickFrom(`198.51.100.${index % 250}`, startMs + index * 10, index)));
    createFeeder().feed(harness, first);
    const all = harness.snapshot().stateUpserts.filter((row) => row.state === 'fraud.ips');
    expect(all.length).toBe(250);
    const feeder = createFeeder();
    feeder.feed(harness, sortClicks([7, 8, 9].map((host, index) => clickFrom(`198.51.100.${host}`, startMs + 40_000 + index, 10_000 + index))));
    const checkpoint = harness.snapshot();
    expect(checkpoint.stateUpserts.filter((row) => row.state === 'fraud.ips').map((row) => row.key).sort()).toEqual(['198.51.100.7', '198.51.100.8', '198.51.100.9'].map((ip) => fraudIpStateKey(ipKey(ip)!)).sort());
    expect(checkpoint.stateUpserts.filter((row) => row.state === 'fraud.summaries').length).toBe(1);
  });

  it('pushes verdict changes with the user agent and numbers, and sends a quiet address back to ok', () => {
    const recorded = recordedFraudJob();
    const harness = createOperatorHarness(recorded.job, { clock: createTestClock(startMs + 3_600_000) });
    const burst = sortClicks(Array.from({ length: 60 }, (_, index) => clickFrom('203.0.113.66', startMs + index * 100, index)));
    createFeeder().feed(harness, burst, 20);
    const changes = changesOf(harness.live);
    expect(changes.map((change) => `${change.from}>${change.to}`)).toEqual(['ok>suspicious', 'suspicious>blocked']);
    expect(changes[1]).toMatchObject({ ip: '203.0.113.66', cause: 'click', partition: 0, reasons: ['ip-10s', 'ip-60s', 'z-score'], eventTimeMs: startMs + 4_900, offset: 49 });
    expect(changes[1]!.userAgent).toBe(burst[49]!.event.userAgent);
    expect(changes[1]!.numbers).toMatchObject({ clicks10s: 50, heavyRank: 1 });
    const numbers = harness.live.filter((message) => message.channel === fraudLiveChannels.ipNumbers).at(-1)!.payload;
    expect(isFraudIpNumbersPayload(numbers)).toBe(true);
    if (!isFraudIpNumbersPayload(numbers)) return;
    expect(numbers.count).toBe(1);
    expect(readFraudNumbers(numbers.values, 0)).toMatchObject({ ipKey: ipKey('203.0.113.66'), verdict: fraudFlagBlocked, clicks10s: 60, clicks60s: 60 });
    expect([...recorded.flags.get(0)!.values()].slice(48, 51)).toEqual([1, 2, 2]);

    harness.live.length = 0;
    harness.watermark(startMs + 30_000);
    expect(changesOf(harness.live)).toEqual([]);
    harness.watermark(startMs + 66_000);
    expect(changesOf(harness.live)).toMatchObject([{ ip: '203.0.113.66', from: 'blocked', to: 'ok', cause: 'quiet', reasons: [], eventTimeMs: startMs + 66_000, offset: null }]);
  });
});
