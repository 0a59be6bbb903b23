// The Store conformance cases for batch run history and batch alerts (run by runStoreConformance
// in conformance.ts against every backend): run transitions, lineage, staleness queries, re-open
// versions, retention and the alert feed's bound.
import { describe, expect } from 'vitest';
import { limits } from '../core/index.js';
import { expectStoreError, type StoreCase } from './conformance.js';
import type { BatchRun, Store } from './types.js';

type CaseRegistrar = (name: string, body: (context: StoreCase) => Promise<void>) => void;

const hourly = 'hourly-rollup';
const daily = 'daily-rollup';

/** A run of `job`/`partition` taken from queued to succeeded with `outputHash`. */
async function succeed(store: Store, job: string, partition: string, outputHash: string, atMs: number, partitionVersion = 0): Promise<BatchRun> {
  const run = await store.batchRuns.create({ job, partition, trigger: 'schedule', queuedAtMs: atMs });
  await store.batchRuns.start(run.id, { attempt: 1, startedAtMs: atMs, partitionVersion });
  return store.batchRuns.finish(run.id, { status: 'succeeded', finishedAtMs: atMs + 10, outputHash, outputChanged: true });
}

export function describeBatchRuns(storeCase: CaseRegistrar): void {
  describe('batch runs', () => {
    storeCase('takes a run from queued through a retry to success and keeps its lineage and duration', async ({ open }) => {
      const store = await open();
      const queued = await store.batchRuns.create({ job: daily, partition: '2026-11-25', trigger: 'schedule', queuedAtMs: 1_000 });
      expect(queued).toMatchObject({ status: 'queued', attempts: 0, startedAtMs: null, finishedAtMs: null, durationMs: null, upstream: [], inputHashes: {}, outputs: [] });
      const first = await store.batchRuns.start(queued.id, { attempt: 1, startedAtMs: 2_000, partitionVersion: 0 });
      expect(first).toMatchObject({ status: 'running', attempts: 1, startedAtMs: 2_000 });
      const error = { message: 'lake unreachable', domain: 'external' as const, code: 'unavailable', detail: 'caused by: ECONNRESET' };
      const waiting = await store.batchRuns.retryLater(queued.id, { nextAttemptAtMs: 32_000, error });
      expect(waiting).toMatchObject({ status: 'queued', nextAttemptAtMs: 32_000, message: 'lake unreachable', errorDomain: 'external', errorCode: 'unavailable' });
      await store.batchRuns.start(queued.id, { attempt: 2, startedAtMs: 32_000, partitionVersion: 1 });
      const upstream = [{ job: hourly, partition: '2026-11-25T00', runId: 7, outputHash: 'sha256:aa' }];
      const done = await store.batchRuns.finish(queued.id, {
        status: 'succeeded',
        finishedAtMs: 40_000,
        outputHash: 'sha256:bb',
        outputChanged: false,
        upstream,
        inputHashes: { 'lake/date=2026-11-25': 'sha256:cc' },
        outputs: [{ location: 'rollups/daily/2026-11-25.parquet', rows: 12, bytes: 3_456 }],
      });
      expect(done).toEqual({
        id: queued.id, job: daily, partition: '2026-11-25', status: 'succeeded', trigger: 'schedule', attempts: 2,
        queuedAtMs: 1_000, startedAtMs: 2_000, finishedAtMs: 40_000, durationMs: 38_000, nextAttemptAtMs: null, partitionVersion: 1,
        upstream, inputHashes: { 'lake/date=2026-11-25': 'sha256:cc' }, outputHash: 'sha256:bb', outputChanged: false,
        outputs: [{ location: 'rollups/daily/2026-11-25.parquet', rows: 12, bytes: 3_456 }],
        message: null, errorDomain: null, errorCode: null, errorDetail: null,
      });
      expect(await store.batchRuns.get(queued.id)).toEqual(done);
      expect(await store.batchRuns.get(queued.id + 1000)).toBeUndefined();
    });

    storeCase('refuses a transition from the wrong status, and any change to a finished run', async ({ open }) => {
      const store = await open();
      const run = await store.batchRuns.create({ job: hourly, partition: '2026-11-25T08', trigger: 'manual', queuedAtMs: 1 });
      await expectStoreError(store.batchRuns.retryLater(run.id, { nextAttemptAtMs: 5, error: { message: 'x', domain: 'external', code: 'x' } }), 'conflict', 'id');
      await store.batchRuns.start(run.id, { attempt: 1, startedAtMs: 2, partitionVersion: 0 });
      await expectStoreError(store.batchRuns.start(run.id, { attempt: 2, startedAtMs: 3, partitionVersion: 0 }), 'conflict', 'id');
      const failed = await store.batchRuns.finish(run.id, { status: 'failed', finishedAtMs: 4, error: { message: 'boom', domain: 'internal', code: 'internal', detail: 'Error: boom\n    at job' } });
      expect(failed).toMatchObject({ status: 'failed', message: 'boom', errorDomain: 'internal', errorDetail: 'Error: boom\n    at job', outputHash: null, outputChanged: null });
      await expectStoreError(store.batchRuns.finish(run.id, { status: 'skipped', finishedAtMs: 5, message: 'again' }), 'conflict', 'id');
      await expectStoreError(store.batchRuns.start(run.id, { attempt: 2, startedAtMs: 5, partitionVersion: 0 }), 'conflict', 'id');
      await expectStoreError(store.batchRuns.start(run.id + 99, { attempt: 1, startedAtMs: 5, partitionVersion: 0 }), 'not_found', 'id');
      expect(await store.batchRuns.get(run.id)).toEqual(failed);
    });

    storeCase('records a skip at once with its reason, cuts long messages, and rejects malformed input naming the field', async ({ open }) => {
      const store = await open();
      const skipped = await store.batchRuns.create({ job: hourly, partition: '2026-11-25T08', trigger: 'backfill', queuedAtMs: 9, status: 'skipped', message: 'up to date' });
      expect(skipped).toMatchObject({ status: 'skipped', message: 'up to date', finishedAtMs: 9, durationMs: null });
      const run = await store.batchRuns.create({ job: hourly, partition: '2026-11-25T09', trigger: 'schedule', queuedAtMs: 9 });
      await store.batchRuns.start(run.id, { attempt: 1, startedAtMs: 10, partitionVersion: 0 });
      await expectStoreError(store.batchRuns.finish(run.id, { status: 'succeeded', finishedAtMs: 11 }), 'invalid', 'outputHash');
      await expectStoreError(store.batchRuns.finish(run.id, { status: 'failed', finishedAtMs: 11 }), 'invalid', 'error');
      const bad = { status: 'succeeded' as const, finishedAtMs: 11, outputHash: 'h' };
      await expectStoreError(store.batchRuns.finish(run.id, { ...bad, upstream: [{ job: daily, partition: 'p', runId: 0, outputHash: 'h' }] }), 'invalid', 'upstream[0].runId');
      await expectStoreError(store.batchRuns.finish(run.id, { ...bad, outputs: [{ location: '' }] }), 'invalid', 'outputs[0].location');
      await expectStoreError(store.batchRuns.finish(run.id, { ...bad, outputHash: 'with space' }), 'invalid', 'outputHash');
      const long = 'é'.repeat(limits.batchRunMessageBytesMax);
      const failed = await store.batchRuns.finish(run.id, { status: 'timed_out', finishedAtMs: 12, error: { message: long, domain: 'external', code: 'timed_out' } });
      expect(Buffer.byteLength(failed.message!, 'utf8')).toBeLessThanOrEqual(limits.batchRunMessageBytesMax);
      expect(failed.message!.endsWith('é...')).toBe(true);
      await expectStoreError(store.batchRuns.create({ job: '', partition: 'p', trigger: 'manual', queuedAtMs: 1 }), 'invalid', 'job');
      await expectStoreError(store.batchRuns.create({ job: 'j', partition: 'a b', trigger: 'manual', queuedAtMs: 1 }), 'invalid', 'partition');
      await expectStoreError(store.batchRuns.create({ job: 'j', partition: 'p', trigger: 'whenever' as never, queuedAtMs: 1 }), 'invalid', 'trigger');
      await expectStoreError(store.batchRuns.create({ job: 'j', partition: 'p', trigger: 'manual', queuedAtMs: 1, status: 'skipped' }), 'invalid', 'message');
      await expectStoreError(store.batchRuns.list({ status: 'lost' as never }), 'invalid', 'status');
      await expectStoreError(store.batchRuns.list({ limit: limits.storeListMax + 1 }), 'invalid', 'limit');
    });

    storeCase('lists newest first by job, status and partition, pages by beforeId, and finds a job’s latest run', async ({ open }) => {
      const store = await open();
      expect(await store.batchRuns.latest(hourly)).toBeUndefined();
      const a = await succeed(store, hourly, '2026-11-25T08', 'h1', 100);
      const b = await succeed(store, hourly, '2026-11-25T09', 'h2', 200);
      const c = await store.batchRuns.create({ job: daily, partition: '2026-11-25', trigger: 'schedule', queuedAtMs: 300 });
      const d = await succeed(store, hourly, '2026-11-25T08', 'h3', 400);
      const ids = (runs: BatchRun[]) => runs.map((run) => run.id);
      expect(ids(await store.batchRuns.list())).toEqual([d.id, c.id, b.id, a.id]);
      expect(ids(await store.batchRuns.list({ job: hourly }))).toEqual([d.id, b.id, a.id]);
      expect(ids(await store.batchRuns.list({ status: 'queued' }))).toEqual([c.id]);
      expect(ids(await store.batchRuns.list({ job: hourly, partition: '2026-11-25T08' }))).toEqual([d.id, a.id]);
      expect(ids(await store.batchRuns.list({ job: hourly, status: 'succeeded', partition: '2026-11-25T09' }))).toEqual([b.id]);
      expect(ids(await store.batchRuns.list({ limit: 2 }))).toEqual([d.id, c.id]);
      expect(ids(await store.batchRuns.list({ limit: 2, beforeId: c.id }))).toEqual([b.id, a.id]);
      expect((await store.batchRuns.latest(hourly))?.id).toBe(d.id);
      expect((await store.batchRuns.latest(daily))?.id).toBe(c.id);
    });

    storeCase('gives each partition’s latest success and re-open version in the order asked; lists re-opened partitions as dirty', async ({ open }) => {
      const store = await open();
      await succeed(store, hourly, '2026-11-25T08', 'old', 100);
      const latest = await succeed(store, hourly, '2026-11-25T08', 'new', 200);
      const failed = await store.batchRuns.create({ job: hourly, partition: '2026-11-25T08', trigger: 'manual', queuedAtMs: 300 });
      await store.batchRuns.finish(failed.id, { status: 'failed', finishedAtMs: 301, error: { message: 'x', domain: 'external', code: 'x' } });
      await succeed(store, daily, '2026-11-25T09', 'other-job', 300);
      const states = await store.batchRuns.partitionStates(hourly, ['2026-11-25T09', '2026-11-25T08']);
      expect(states.map((state) => [state.partition, state.version, state.lastSuccess?.id])).toEqual([
        ['2026-11-25T09', 0, undefined],
        ['2026-11-25T08', 0, latest.id],
      ]);
      expect(await store.batchRuns.dirtyPartitions({ sinceMs: 0 })).toEqual([]);
      expect(await store.batchRuns.reopen(hourly, '2026-11-25T08', 1_000)).toBe(1);
      expect(await store.batchRuns.reopen(hourly, '2026-11-25T08', 2_000)).toBe(2);
      // Never built: a re-open makes nothing dirty, there is nothing to rebuild.
      await store.batchRuns.reopen(hourly, '2026-11-25T10', 2_500);
      expect((await store.batchRuns.partitionStates(hourly, ['2026-11-25T08']))[0]!.version).toBe(2);
      expect(await store.batchRuns.dirtyPartitions({ sinceMs: 0 })).toEqual([{ job: hourly, partition: '2026-11-25T08', version: 2, reopenedAtMs: 2_000 }]);
      expect(await store.batchRuns.dirtyPartitions({ sinceMs: 2_001 })).toEqual([]);
      await succeed(store, hourly, '2026-11-25T08', 'rebuilt', 3_000, 2);
      expect(await store.batchRuns.dirtyPartitions({ sinceMs: 0 })).toEqual([]);
      const tooMany = Array.from({ length: limits.orchestratorUpstreamPartitionsMax + 1 }, (_, index) => `p${index}`);
      await expectStoreError(store.batchRuns.partitionStates(hourly, tooMany), 'invalid', 'partitions');
    });

    storeCase('prunes old finished runs but keeps each partition’s latest success and every unfinished run', async ({ open }) => {
      const store = await open();
      const old = await succeed(store, hourly, 'p1', 'a', 100);
      const kept = await succeed(store, hourly, 'p1', 'b', 200);
      const only = await succeed(store, hourly, 'p2', 'c', 300);
      const skipped = await store.batchRuns.create({ job: hourly, partition: 'p1', trigger: 'schedule', queuedAtMs: 400, status: 'skipped', message: 'up to date' });
      const queued = await store.batchRuns.create({ job: hourly, partition: 'p3', trigger: 'schedule', queuedAtMs: 50 });
      const recent = await store.batchRuns.create({ job: hourly, partition: 'p1', trigger: 'schedule', queuedAtMs: 9_000, status: 'skipped', message: 'up to date' });
      expect(await store.batchRuns.prune(5_000)).toBe(2);
      const left = (await store.batchRuns.list()).map((run) => run.id).sort((x, y) => x - y);
      expect(left).toEqual([kept.id, only.id, queued.id, recent.id]);
      expect(left).not.toContain(old.id);
      expect(left).not.toContain(skipped.id);
    });

    storeCase('keeps run history and re-open versions across close and reopen', async ({ open }) => {
      let store = await open();
      const run = await succeed(store, hourly, '2026-11-25T08', 'h', 100);
      await store.batchRuns.reopen(hourly, '2026-11-25T08', 500);
      await store.close();
      store = await open();
      expect(await store.batchRuns.get(run.id)).toEqual(run);
      expect((await store.batchRuns.partitionStates(hourly, ['2026-11-25T08']))[0]).toEqual({ partition: '2026-11-25T08', version: 1, lastSuccess: run });
    });
  });
}

export function describeBatchAlerts(storeCase: CaseRegistrar): void {
  describe('batch alerts', () => {
    storeCase('keeps the newest alerts up to the bound, lists them newest first and by job', async ({ open }) => {
      const store = await open({ batchAlertsMax: 3 });
      for (let index = 1; index <= 4; index++) {
        const job = index % 2 === 0 ? daily : hourly;
        const added = await store.batchAlerts.add({ atMs: index, job, partition: `p${index}`, runId: index, kind: 'run_failed', message: `failure ${index}` });
        expect(added).toMatchObject({ atMs: index, job, partition: `p${index}`, runId: index, kind: 'run_failed', message: `failure ${index}` });
      }
      expect((await store.batchAlerts.list()).map((alert) => alert.message)).toEqual(['failure 4', 'failure 3', 'failure 2']);
      expect((await store.batchAlerts.list({ job: hourly })).map((alert) => alert.partition)).toEqual(['p3']);
      const all = await store.batchAlerts.list();
      expect((await store.batchAlerts.list({ beforeId: all[0]!.id, limit: 1 })).map((alert) => alert.partition)).toEqual(['p3']);
      await store.batchAlerts.add({ atMs: 5, job: hourly, partition: 'p5', runId: null, kind: 'inputs_not_ready', message: 'lake hour never sealed' });
      expect((await store.batchAlerts.list({ limit: 1 }))[0]).toMatchObject({ runId: null, kind: 'inputs_not_ready' });
      await expectStoreError(store.batchAlerts.add({ atMs: 1, job: hourly, partition: 'p', runId: null, kind: 'Bad Kind', message: 'x' }), 'invalid', 'kind');
      await expectStoreError(store.batchAlerts.add({ atMs: 1, job: hourly, partition: 'p', runId: null, kind: 'run_failed', message: '' }), 'invalid', 'message');
    });
  });
}
