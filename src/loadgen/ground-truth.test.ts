// Proves the ground truth counts a small hand-checked input exactly: days in the owner's zone
// across daylight-saving changes (Berlin's 25-hour day, New York's 23-hour day), UTC minutes and
// months, categories, distinct addresses, and duplicates kept out of the tables.
import { describe, expect, it } from 'vitest';
import { allocateBatch } from './generator.js';
import { createGroundTruth } from './ground-truth.js';
import { eventFlags, type World } from './types.js';

const world: World = {
  prefix: 't',
  accounts: [{ id: 'acc_A', name: 't account 0', planId: 'pro' }],
  users: [
    { id: 'usr_BERLIN', accountIndex: 0, email: 'b@t.example', name: 'b', timeZone: 'Europe/Berlin' },
    { id: 'usr_NEWYORK', accountIndex: 0, email: 'n@t.example', name: 'n', timeZone: 'America/New_York' },
  ],
  links: [
    { id: 'lnk_BERLIN', slug: 'berlin', targetUrl: 'https://example.com/', userIndex: 0, accountIndex: 0 },
    { id: 'lnk_NEWYORK', slug: 'newyork', targetUrl: 'https://example.com/', userIndex: 1, accountIndex: 0 },
  ],
  agents: [],
  referrers: [''],
  visitors: {
    count: 3,
    humans: 1,
    bots: 1,
    fraud: 1,
    ip: ['203.0.113.9', '66.249.66.1', '185.220.101.7'],
    country: ['DE', 'US', ''],
    agent: new Uint16Array(3),
    kind: Uint8Array.from([0, 1, 2]),
  },
};

const at = (iso: string): number => Date.parse(iso);
const [human, bot, fraud] = [0, 1, 2];

function truthOf(events: [link: number, iso: string, visitor: number][]) {
  const truth = createGroundTruth(world);
  for (const [link, iso, visitor] of events) truth.addEvent(link, at(iso), visitor);
  return truth.report({ target: 'file', seed: 1, prefix: 't', eventIdPrefix: 't.', startMs: 0, serverStampedTimes: false });
}

describe('ground truth', () => {
  it('puts Berlin clicks on local days across the autumn change (25-hour 2026-10-25)', () => {
    const report = truthOf([
      [0, '2026-10-24T21:59:59.999Z', human], // 23:59 CEST, Oct 24
      [0, '2026-10-24T22:00:00.000Z', human], // 00:00 CEST, Oct 25
      [0, '2026-10-25T22:59:59.999Z', bot], // 23:59 CET, still Oct 25
      [0, '2026-10-25T23:00:00.000Z', fraud], // 00:00 CET, Oct 26
    ]);
    const link = report.links.lnk_BERLIN!;
    expect(link.counts).toEqual([4, 2, 1, 1]);
    expect(link.distinctIps).toBe(3);
    expect(link.perDay).toEqual({ '2026-10-24': [1, 1, 0, 0], '2026-10-25': [2, 1, 1, 0], '2026-10-26': [1, 0, 0, 1] });
    expect(link.perMinute).toEqual({
      '2026-10-24T21:59Z': [1, 1, 0, 0],
      '2026-10-24T22:00Z': [1, 1, 0, 0],
      '2026-10-25T22:59Z': [1, 0, 1, 0],
      '2026-10-25T23:00Z': [1, 0, 0, 1],
    });
    expect(report.users.usr_BERLIN!.perDay).toEqual(link.perDay);
    expect(report.accounts.acc_A!.perMonth).toEqual({ '2026-10': [4, 2, 1, 1] });
  });

  it('puts New York clicks on local days across the spring change (23-hour 2026-03-08) and months in UTC', () => {
    const report = truthOf([
      [1, '2026-03-08T04:59:59.000Z', human], // 23:59 EST, Mar 7
      [1, '2026-03-08T05:00:00.000Z', human], // 00:00 EST, Mar 8
      [1, '2026-03-09T03:59:59.000Z', human], // 23:59 EDT, Mar 8
      [1, '2026-03-09T04:00:00.000Z', human], // 00:00 EDT, Mar 9
      [1, '2026-03-31T23:59:59.000Z', human], // Mar 31 local and UTC
      [1, '2026-04-01T00:00:00.000Z', human], // Mar 31 local, April in UTC
    ]);
    const link = report.links.lnk_NEWYORK!;
    expect(link.counts).toEqual([6, 6, 0, 0]);
    expect(link.distinctIps).toBe(1);
    expect(link.perDay).toEqual({ '2026-03-07': [1, 1, 0, 0], '2026-03-08': [2, 2, 0, 0], '2026-03-09': [1, 1, 0, 0], '2026-03-31': [2, 2, 0, 0] });
    expect(report.accounts.acc_A!.perMonth).toEqual({ '2026-03': [5, 5, 0, 0], '2026-04': [1, 1, 0, 0] });
    expect(report.users.usr_NEWYORK!.timeZone).toBe('America/New_York');
    expect(report.totals).toEqual([6, 6, 0, 0]);
  });

  it('counts duplicates, late and out-of-order events by number and keeps duplicates out of the tables', () => {
    const batch = allocateBatch(4);
    const rows: [link: number, iso: string, visitor: number, flags: number][] = [
      [0, '2026-06-01T10:00:00Z', human, 0],
      [0, '2026-06-01T10:00:00Z', human, eventFlags.duplicate],
      [0, '2026-05-30T09:00:00Z', bot, eventFlags.late],
      [1, '2026-06-01T09:59:58Z', fraud, eventFlags.outOfOrder],
    ];
    rows.forEach(([link, iso, visitor, flags], index) => {
      batch.link[index] = link;
      batch.eventTimeMs[index] = at(iso);
      batch.visitor[index] = visitor;
      batch.flags[index] = flags;
    });
    const truth = createGroundTruth(world);
    truth.noteSent(batch);
    truth.addAcknowledged(batch, [0, 1, 2]);
    truth.noteFailed(1);
    const report = truth.report({ target: 'ingest', seed: 1, prefix: 't', eventIdPrefix: 't.', startMs: 0, serverStampedTimes: false });
    expect(report.sent).toEqual({ events: 4, duplicates: 1, late: 1, outOfOrder: 1 });
    expect(report.acknowledged).toEqual({ events: 3, unique: 2, duplicates: 1, late: 1, outOfOrder: 0 });
    expect(report.failed).toBe(1);
    expect(report.links.lnk_BERLIN!.perDay).toEqual({ '2026-05-30': [1, 0, 1, 0], '2026-06-01': [1, 1, 0, 0] });
    expect(report.links.lnk_NEWYORK).toBeUndefined();
    expect(report.fraudIps).toEqual(['185.220.101.7']);
  });

  it('refuses to grow past its bound of keys', () => {
    const truth = createGroundTruth(world, { keysMax: 5 });
    truth.addEvent(0, at('2026-01-01T00:00:00Z'), human);
    expect(() => truth.addEvent(0, at('2026-01-01T00:01:00Z'), human)).toThrow(/ground truth holds 5 keys/);
  });
});
