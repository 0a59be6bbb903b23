// Proves the reconciliation report over a real store: per published hour and link it compares the
// batch total with the stream's count, explains a stream surplus by the duplicates the batch
// removed or by late clicks in the lake not yet in the published version, flags what nothing
// explains as drift, raises one drift alert in the batch alert feed (not one per request), and is
// for the operator token only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, click, operatorToken, startQueryWorld, type QueryWorld } from './query-fixtures.js';

const now = Date.parse('2026-11-25T12:10:00Z');
const at = (text: string): number => Date.parse(text);

interface LinkLine {
  linkId: string;
  batch: { total: number; duplicates: number };
  stream: { total: number } | null;
  difference: number | null;
  explanation: string;
  alertRaised: boolean;
}
interface HourLine {
  hour: string;
  runId: number;
  late: { sealVersion: number | null; lateRows: number; pendingLateRows: number };
  links: LinkLine[];
}

describe('reconciliation', () => {
  let world: QueryWorld;

  beforeEach(async () => {
    world = await startQueryWorld(now);
  });
  afterEach(async () => {
    await world.close();
  });

  /** A sealed lake hour with one part file, re-opened by a late file of `lateRows` rows. */
  const sealWithLateFile = async (hourStartMs: number, lateRows: number) => {
    const file = (kind: 'part' | 'late', rows: number, name: string) => ({
      path: `raw/date=2026-11-25/hour=${new Date(hourStartMs).toISOString().slice(11, 13)}/${name}.parquet`,
      hourStartMs,
      kind,
      partition: 0,
      firstOffset: 0,
      lastOffset: rows - 1,
      rows,
      bytes: 100,
      sha256: 'a'.repeat(64),
      minEventTimeMs: hourStartMs,
      maxEventTimeMs: hourStartMs + 1_000,
    });
    await world.store.lakeSeals.addFiles([file('part', 2, 'part-p0-o0-1')], null, hourStartMs + 3_600_000);
    await world.store.lakeSeals.seal({ hourStartMs, watermarkMs: hourStartMs + 3_700_000, frontierMs: hourStartMs + 3_600_000 });
    const { reopened } = await world.store.lakeSeals.addFiles([file('late', lateRows, 'late-p0-o5-6')], null, hourStartMs + 7_200_000);
    expect(reopened.map((seal) => seal.version)).toEqual([2]);
  };

  const scenario = async () => {
    const { alpha, beta } = world;
    await world.stream([
      ...[0, 1, 2, 3].map((n) => click(alpha.linkId, at('2026-11-25T08:20:00Z') + n, n)),
      ...[0, 1, 2].map((n) => click(alpha.linkId, at('2026-11-25T09:05:00Z') + n, 10 + n)),
      click(beta.linkId, at('2026-11-25T09:40:00Z'), 20),
      ...[0, 1].map((n) => click(alpha.linkId, at('2026-11-25T10:10:00Z') + n, 30 + n)),
    ]);
    // 08: the batch read version 1; two late clicks came since (version 2): the stream's surplus is explained.
    await sealWithLateFile(at('2026-11-25T08:00:00Z'), 2);
    await world.publish(at('2026-11-25T08:00:00Z'), 10, [{ linkId: alpha.linkId, sliceStartMs: at('2026-11-25T08:15:00Z'), human: 2, bot: 0, suspicious: 0 }]);
    // 09: alpha matches; beta has one click more in the batch than the stream counted: drift.
    await world.publish(at('2026-11-25T09:00:00Z'), 11, [
      { linkId: alpha.linkId, sliceStartMs: at('2026-11-25T09:00:00Z'), human: 2, bot: 0, suspicious: 1 },
      { linkId: beta.linkId, sliceStartMs: at('2026-11-25T09:30:00Z'), human: 2, bot: 0, suspicious: 0 },
    ]);
    // 10: the batch removed a duplicate the stream counted.
    await world.publish(at('2026-11-25T10:00:00Z'), 12, [{ linkId: alpha.linkId, sliceStartMs: at('2026-11-25T10:00:00Z'), human: 1, bot: 0, suspicious: 0 }], { duplicates: 1 });
  };

  it('compares batch and stream per hour and link, explains what it can and alerts on drift once', async () => {
    await scenario();
    const { alpha, beta } = world;
    const url = '/v1/reconciliation?from=2026-11-25T08:00:00Z&to=2026-11-25T11:00:00Z&detail=all';
    const reply = await call(world.app, 'GET', url, operatorToken);
    expect(reply.status).toBe(200);
    expect(reply.body.summary).toMatchObject({ hours: 3, compared: 4, matches: 1, explained: 2, drift: 1, alertsRaised: 1 });
    const hours = reply.body.hours as HourLine[];
    const line = (hour: string, linkId: string) => hours.find((h) => h.hour === hour)!.links.find((l) => l.linkId === linkId)!;
    expect(hours[0]!.late).toMatchObject({ sealVersion: 2, lateRows: 2, pendingLateRows: 2 });
    expect(line('2026-11-25T08', alpha.linkId)).toMatchObject({ batch: { total: 2 }, stream: { total: 4 }, difference: 2, explanation: 'late_pending' });
    expect(line('2026-11-25T09', alpha.linkId)).toMatchObject({ difference: 0, explanation: 'match' });
    expect(line('2026-11-25T09', beta.linkId)).toMatchObject({ batch: { total: 2 }, stream: { total: 1 }, difference: -1, explanation: 'drift', alertRaised: true });
    expect(line('2026-11-25T10', alpha.linkId)).toMatchObject({ batch: { total: 1, duplicates: 1 }, stream: { total: 2 }, difference: 1, explanation: 'duplicates' });

    const alerts = await world.store.batchAlerts.list({ job: 'reconciliation' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'reconciliation_drift', partition: '2026-11-25T09', runId: 11 });
    expect(alerts[0]!.message).toContain(beta.linkId);

    // Asked again: the same drift is reported, not alerted again.
    const again = await call(world.app, 'GET', url, operatorToken);
    expect(again.body.summary).toMatchObject({ drift: 1, alertsRaised: 0 });
    expect(await world.store.batchAlerts.list({ job: 'reconciliation' })).toHaveLength(1);
    // By default only the differences are listed.
    const differences = await call(world.app, 'GET', '/v1/reconciliation?from=2026-11-25T08:00:00Z&to=2026-11-25T11:00:00Z', operatorToken);
    expect((differences.body.hours as HourLine[]).flatMap((h) => h.links.map((l) => l.explanation)).sort()).toEqual(['drift', 'duplicates', 'late_pending']);

    // A key sees the alert exists, not which link it names.
    const feed = await call(world.app, 'GET', '/v1/batch/alerts?job=reconciliation', alpha.readKey);
    expect(feed.status).toBe(200);
    expect(JSON.stringify(feed.body)).not.toContain(beta.linkId);
    expect((feed.body.items as { kind: string }[])[0]!.kind).toBe('reconciliation_drift');
  });

  it('is for the operator only and bounds its range', async () => {
    expect((await call(world.app, 'GET', '/v1/reconciliation?from=2026-11-25T08:00:00Z&to=2026-11-25T11:00:00Z', world.alpha.readKey)).status).toBe(403);
    const wide = await call(world.app, 'GET', '/v1/reconciliation?from=2026-11-20T00:00:00Z&to=2026-11-25T00:00:00Z', operatorToken);
    expect(wide.status).toBe(400);
    expect(wide.body.error).toMatchObject({ code: 'bad_request', field: 'to' });
  });
});
