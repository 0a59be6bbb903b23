// The Store conformance cases for lake seals (run by runStoreConformance in conformance.ts against
// every backend): files recorded once by path, seals with their content hash, re-opens that bump
// the version once per call, the change feed, the sealer's frontier and cursors, validation.
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { collectPages, expectStoreError, type StoreCase } from './conformance.js';
import type { LakeFileInput } from './types.js';

type CaseRegistrar = (name: string, body: (context: StoreCase) => Promise<void>) => void;

const hourMs = 3_600_000;
const hour = Date.UTC(2026, 2, 1, 5);

function file(hourStartMs: number, kind: 'part' | 'late', partition: number, firstOffset: number, lastOffset: number): LakeFileInput {
  const folder = `raw/date=${new Date(hourStartMs).toISOString().slice(0, 10)}/hour=${new Date(hourStartMs).toISOString().slice(11, 13)}`;
  return {
    path: `${folder}/${kind}-p${partition}-o${firstOffset}-${lastOffset}.parquet`,
    hourStartMs,
    kind,
    partition,
    firstOffset,
    lastOffset,
    rows: lastOffset - firstOffset + 1,
    bytes: 1_000 + firstOffset,
    sha256: createHash('sha256').update(`${kind}${partition}${firstOffset}`).digest('hex'),
    minEventTimeMs: hourStartMs + 10,
    maxEventTimeMs: hourStartMs + 20,
  };
}

function manifestSha256(files: readonly LakeFileInput[]): string {
  const hash = createHash('sha256');
  for (const entry of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${entry.path} ${entry.sha256}\n`);
  return hash.digest('hex');
}

export function describeLakeSeals(storeCase: CaseRegistrar): void {
  describe('lake seals', () => {
    storeCase('records files once by path, seals an hour with them, re-opens it once per call for new files; kept across reopen', async ({ open, clock }) => {
      let store = await open();
      const parts = [file(hour, 'part', 0, 0, 9), file(hour, 'part', 1, 0, 4)];
      expect(await store.lakeSeals.addFiles(parts, { partition: 0, sequence: 2 }, hour)).toEqual({ added: 2, reopened: [] });
      expect(await store.lakeSeals.state()).toEqual({ frontierMs: null, cursors: [{ partition: 0, sequence: 2 }] });
      expect(await store.lakeSeals.get(hour)).toBeUndefined();

      const sealedAtMs = clock.nowMs();
      const { seal, created } = await store.lakeSeals.seal({ hourStartMs: hour, watermarkMs: hour + hourMs + 60_000, frontierMs: hour + hourMs });
      expect(created).toBe(true);
      expect(seal).toMatchObject({ hourStartMs: hour, version: 1, sealedAtMs, changedAtMs: sealedAtMs, watermarkMs: hour + hourMs + 60_000, files: 2, rows: 15, bytes: 2_000 });
      expect(seal.manifestSha256).toBe(manifestSha256(parts));
      expect(await store.lakeSeals.seal({ hourStartMs: hour, watermarkMs: hour + 2 * hourMs, frontierMs: hour })).toEqual({ seal, created: false });
      expect((await store.lakeSeals.state()).frontierMs).toBe(hour + hourMs);

      expect(await store.lakeSeals.addFiles([parts[0]!], { partition: 0, sequence: 1 }, hour)).toEqual({ added: 0, reopened: [] });
      expect((await store.lakeSeals.state()).cursors).toEqual([{ partition: 0, sequence: 2 }]);

      clock.advance(5_000);
      const lates = [file(hour, 'late', 0, 20, 20), file(hour, 'late', 0, 31, 33)];
      const { added, reopened } = await store.lakeSeals.addFiles([...lates, parts[1]!], { partition: 0, sequence: 4 }, hour + 3 * hourMs);
      expect(added).toBe(2);
      expect(reopened).toEqual([{ ...seal, version: 2, changedAtMs: clock.nowMs(), watermarkMs: hour + 3 * hourMs, files: 4, rows: 19, bytes: 4_051,
        manifestSha256: manifestSha256([...parts, ...lates]), changeSequence: reopened[0]!.changeSequence }]);
      expect(reopened[0]!.changeSequence).toBeGreaterThan(seal.changeSequence);

      await store.close();
      store = await open();
      const listed = (await collectPages((after) => store.lakeSeals.listFiles(hour, { after, limit: 1 }))).items;
      expect(listed.map((entry) => [entry.path, entry.version])).toEqual(
        [...parts.map((entry) => [entry.path, 1]), ...lates.map((entry) => [entry.path, 2])].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      );
      expect(listed.find((entry) => entry.kind === 'late')).toMatchObject({ ...lates[0], version: 2, recordedAtMs: clock.nowMs() });
      expect(await store.lakeSeals.changedSince(0)).toEqual([reopened[0]]);
      expect(await store.lakeSeals.changedSince(reopened[0]!.changeSequence)).toEqual([]);
      expect(await store.lakeSeals.get(hour)).toEqual(reopened[0]);
    });

    storeCase('orders the change feed, lists unsealed hours and the first hour, seals an empty hour', async ({ open }) => {
      const store = await open();
      expect(await store.lakeSeals.firstHour()).toBeUndefined();
      const hours = [hour, hour + hourMs, hour + 3 * hourMs];
      await store.lakeSeals.addFiles(hours.map((start) => file(start, 'part', 2, start / hourMs, start / hourMs + 1)), null, 0);
      expect(await store.lakeSeals.firstHour()).toBe(hour);
      const empty = await store.lakeSeals.seal({ hourStartMs: hour + 2 * hourMs, watermarkMs: 0, frontierMs: hour });
      expect(empty.seal).toMatchObject({ version: 1, files: 0, rows: 0, bytes: 0, manifestSha256: manifestSha256([]) });
      const second = await store.lakeSeals.seal({ hourStartMs: hour + hourMs, watermarkMs: 0, frontierMs: hour });
      expect(await store.lakeSeals.unsealedHours(hour + 4 * hourMs)).toEqual([hour, hour + 3 * hourMs]);
      expect(await store.lakeSeals.unsealedHours(hour + 3 * hourMs, 1)).toEqual([hour]);
      expect((await store.lakeSeals.changedSince(0)).map((seal) => seal.hourStartMs)).toEqual([hour + 2 * hourMs, hour + hourMs]);
      expect(await store.lakeSeals.changedSince(empty.seal.changeSequence)).toEqual([second.seal]);
      expect((await store.lakeSeals.state()).frontierMs).toBe(hour);
    });

    storeCase('refuses bad files, hours and cursors naming the field, and writes nothing of a bad batch', async ({ open }) => {
      const store = await open();
      const good = file(hour, 'part', 0, 0, 9);
      await expectStoreError(store.lakeSeals.addFiles([good, { ...good, path: 'raw/../x.parquet' }], null, 0), 'invalid', 'files[1].path');
      await expectStoreError(store.lakeSeals.addFiles([{ ...good, hourStartMs: hour + 1 }], null, 0), 'invalid', 'files[0].hourStartMs');
      await expectStoreError(store.lakeSeals.addFiles([{ ...good, sha256: 'ABC' }], null, 0), 'invalid', 'files[0].sha256');
      await expectStoreError(store.lakeSeals.addFiles([{ ...good, lastOffset: -1 }], null, 0), 'invalid', 'files[0].lastOffset');
      await expectStoreError(store.lakeSeals.addFiles([{ ...good, kind: 'other' as 'part' }], null, 0), 'invalid', 'files[0].kind');
      await expectStoreError(store.lakeSeals.addFiles([good], { partition: -1, sequence: 0 }, 0), 'invalid', 'cursor.partition');
      await expectStoreError(store.lakeSeals.seal({ hourStartMs: hour + 5, watermarkMs: 0, frontierMs: hour }), 'invalid', 'hourStartMs');
      await expectStoreError(store.lakeSeals.listFiles(hour, { after: 'not a cursor' }), 'invalid', 'after');
      expect(await store.lakeSeals.firstHour()).toBeUndefined();
    });
  });
}
