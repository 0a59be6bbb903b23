// Proves the batch view repository on a real SQLite file: an hour is published whole and replaced
// whole, an older publication (lower version, or same version and lower run) is ignored, corrected
// follows the version, reads sum over the hours asked for, and bad publications are refused by field.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock, type TestClock } from '../../src/core/index.js';
import { createSqliteStore, type BatchHourPublication, type BatchLinkSlice, type Store } from '../../src/store/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const h08 = Date.UTC(2026, 10, 25, 8);
const hourMs = 3_600_000;
const quarterMs = 900_000;

function slice(linkId: string, sliceStartMs: number, human: number, bot = 0, suspicious = 0, duplicates = 0, accountId = 'acc_a'): BatchLinkSlice {
  return { linkId, userId: `usr_${linkId}`, accountId, sliceStartMs, human, bot, suspicious, duplicates };
}

function publication(hourStartMs: number, runId: number, version: number, slices: BatchLinkSlice[], extra: Partial<BatchHourPublication> = {}): BatchHourPublication {
  return {
    view: { hour: new Date(hourStartMs).toISOString().slice(0, 13), hourStartMs, runId, version, outputHash: `sha256:run${runId}` },
    slices,
    visitors: [],
    breakdowns: [],
    ...extra,
  };
}

describe('SQLite batch views', () => {
  let temp: TempDir;
  let store: Store;
  let clock: TestClock;
  beforeEach(async () => {
    temp = await makeTempDir('clickflow-batch-views-');
    clock = createTestClock(h08 + 2 * hourMs);
    store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: join(temp.path, 'store.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    await temp.remove();
  });

  it('publishes an hour whole and reads slices, visitors, breakdowns and account sums back', async () => {
    const first = publication(h08, 7, 1, [slice('l1', h08, 5, 1, 2, 1), slice('l1', h08 + quarterMs, 3), slice('l2', h08 + 3 * quarterMs, 0, 4, 0, 0)], {
      visitors: [{ linkId: 'l1', visitors: 6 }, { linkId: 'l2', visitors: 1 }],
      breakdowns: [
        { linkId: 'l1', dimension: 'country', value: 'DE', human: 6, bot: 1, suspicious: 0 },
        { linkId: 'l1', dimension: 'country', value: 'IN', human: 2, bot: 0, suspicious: 2 },
      ],
    });
    const second = publication(h08 + hourMs, 8, 1, [slice('l1', h08 + hourMs, 1), slice('l3', h08 + hourMs, 9, 0, 0, 0, 'acc_b')], {
      visitors: [{ linkId: 'l1', visitors: 1 }],
      breakdowns: [{ linkId: 'l1', dimension: 'country', value: 'IN', human: 1, bot: 0, suspicious: 0 }],
    });
    expect(await store.batchViews.publishHour(first)).toBe(true);
    clock.advance(1_000);
    expect(await store.batchViews.publishHour(second)).toBe(true);

    expect(await store.batchViews.hours(h08, h08 + 2 * hourMs)).toEqual([
      { hour: '2026-11-25T08', hourStartMs: h08, runId: 7, version: 1, corrected: false, publishedAtMs: h08 + 2 * hourMs, outputHash: 'sha256:run7' },
      { hour: '2026-11-25T09', hourStartMs: h08 + hourMs, runId: 8, version: 1, corrected: false, publishedAtMs: h08 + 2 * hourMs + 1_000, outputHash: 'sha256:run8' },
    ]);
    expect((await store.batchViews.latestHour())?.hour).toBe('2026-11-25T09');
    expect(await store.batchViews.linkSlices('l1', h08 + quarterMs, h08 + 2 * hourMs)).toEqual([slice('l1', h08 + quarterMs, 3), slice('l1', h08 + hourMs, 1)]);
    expect(await store.batchViews.linkHourVisitors('l1', h08, h08 + 2 * hourMs)).toEqual([{ hourStartMs: h08, visitors: 6 }, { hourStartMs: h08 + hourMs, visitors: 1 }]);
    expect(await store.batchViews.linkBreakdown('l1', 'country', h08, h08 + 2 * hourMs, 10)).toEqual([
      { value: 'DE', human: 6, bot: 1, suspicious: 0 },
      { value: 'IN', human: 3, bot: 0, suspicious: 2 },
    ]);
    expect(await store.batchViews.linkBreakdown('l1', 'country', h08 + hourMs, h08 + 2 * hourMs, 10)).toEqual([{ value: 'IN', human: 1, bot: 0, suspicious: 0 }]);
    expect(await store.batchViews.accountTopLinks('acc_a', h08, h08 + 2 * hourMs, 1)).toEqual([{ linkId: 'l1', human: 9, bot: 1, suspicious: 2, duplicates: 1 }]);
    expect(await store.batchViews.accountTotals('acc_a', h08, h08 + hourMs)).toEqual({ human: 8, bot: 5, suspicious: 2, duplicates: 1 });
    expect(await store.batchViews.accountTotals('acc_none', h08, h08 + hourMs)).toEqual({ human: 0, bot: 0, suspicious: 0, duplicates: 0 });
  });

  it('replaces an hour only with a publication at least as new, and marks re-opened versions corrected', async () => {
    expect(await store.batchViews.publicationMarker()).toBeNull();
    await store.batchViews.publishHour(publication(h08, 10, 1, [slice('l1', h08, 5), slice('l2', h08, 1)], { visitors: [{ linkId: 'l2', visitors: 1 }] }));
    const first = await store.batchViews.publicationMarker();
    expect(first).not.toBeNull();
    // An older run of the same version, and any run of an older version, are ignored.
    expect(await store.batchViews.publishHour(publication(h08, 9, 1, [slice('l1', h08, 99)]))).toBe(false);
    expect(await store.batchViews.publicationMarker()).toBe(first);
    // A re-run of the same version with a newer run id replaces every row of the hour.
    expect(await store.batchViews.publishHour(publication(h08, 11, 1, [slice('l1', h08, 6)]))).toBe(true);
    // Readers that cache the views see that something was published.
    expect(await store.batchViews.publicationMarker()).not.toBe(first);
    expect(await store.batchViews.linkSlices('l2', h08, h08 + hourMs)).toEqual([]);
    expect(await store.batchViews.linkHourVisitors('l2', h08, h08 + hourMs)).toEqual([]);
    expect(await store.batchViews.publishHour(publication(h08, 12, 2, [slice('l1', h08, 7)]))).toBe(true);
    expect(await store.batchViews.publishHour(publication(h08, 13, 1, [slice('l1', h08, 1)]))).toBe(false);
    const [view] = await store.batchViews.hours(h08, h08 + hourMs);
    expect(view).toMatchObject({ runId: 12, version: 2, corrected: true });
    expect(await store.batchViews.linkSlices('l1', h08, h08 + hourMs)).toEqual([slice('l1', h08, 7)]);
  });

  it('refuses publications and queries with bad fields, naming them, and keeps what was published', async () => {
    await store.batchViews.publishHour(publication(h08, 1, 1, [slice('l1', h08, 2)]));
    const refused = async (bad: BatchHourPublication, field: string): Promise<void> => {
      await expect(store.batchViews.publishHour(bad)).rejects.toMatchObject({ name: 'StoreError', code: 'invalid', field });
    };
    await refused(publication(h08 + 1, 2, 1, []), 'view.hourStartMs');
    await refused({ ...publication(h08, 2, 1, []), view: { ...publication(h08, 2, 1, []).view, hour: '2026-11-25T09' } }, 'view.hour');
    await refused(publication(h08, 0, 1, []), 'view.runId');
    await refused(publication(h08, 2, 0, []), 'view.version');
    await refused(publication(h08, 2, 1, [slice('l1', h08 + hourMs, 1)]), 'slices[0].sliceStartMs');
    await refused(publication(h08, 2, 1, [slice('l1', h08 + 60_000, 1)]), 'slices[0].sliceStartMs');
    await refused(publication(h08, 2, 1, [slice('l1', h08, -1)]), 'slices[0].human');
    await refused(publication(h08, 2, 1, [slice('l1', h08, 1), slice('l1', h08, 2)]), 'slices[1]');
    await refused(publication(h08, 2, 1, [], { breakdowns: [{ linkId: 'l1', dimension: 'os' as 'country', value: 'x', human: 1, bot: 0, suspicious: 0 }] }), 'breakdowns[0].dimension');
    const twice = { linkId: 'l1', dimension: 'device' as const, value: 'tv', human: 1, bot: 0, suspicious: 0 };
    await refused(publication(h08, 2, 1, [], { breakdowns: [twice, { ...twice, human: 2 }] }), 'breakdowns[1]');
    await expect(store.batchViews.linkSlices('l1', h08 + 1, h08)).rejects.toMatchObject({ code: 'invalid', field: 'toMs' });
    await expect(store.batchViews.accountTopLinks('acc_a', h08, h08 + hourMs, 0)).rejects.toMatchObject({ code: 'invalid', field: 'limit' });
    expect(await store.batchViews.linkSlices('l1', h08, h08 + hourMs)).toEqual([slice('l1', h08, 2)]);
  });
});
