// Proves the checkpoint commit thread commits into the real store file what it is handed, in
// order, answers a fenced commit with the store's own `conflict` error (so the runner classifies
// it the same as a commit on the caller's thread), and refuses commits once closed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createSqliteStore, isStoreError, type Store, type StreamCheckpoint } from '../../src/store/index.js';
import { startCommitThread, type ThreadedCheckpoints } from '../../src/stream/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function checkpoint(checkpointId: number, nextOffset: number, expectedNextOffset: number | null, value: string): StreamCheckpoint {
  return {
    checkpointId,
    positions: [{ partition: 0, nextOffset, watermarkMs: 1_000 * checkpointId, expectedNextOffset }],
    stateDeletions: [],
    stateUpserts: [{ state: 'op.s', partition: 0, namespace: 0, key: 'k', value: bytes(value), touchedMs: 0 }],
    views: [{ view: 'v', partition: 0, key: 'k', value: bytes(value) }],
    lateEvents: [],
    lateCounts: [],
  };
}

describe('checkpoint commit thread', () => {
  let folder = '';
  let store: Store;
  let threaded: ThreadedCheckpoints;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'clickflow-commit-thread-'));
    const path = join(folder, 'store.sqlite');
    store = createSqliteStore({ clock: createSystemClock(), logger: createSilentLogger() }, { path });
    threaded = await startCommitThread(store.streamCheckpoints, { storePath: path });
  });

  afterEach(async () => {
    await threaded.close();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('commits checkpoints handed over back to back, in order, into the store file', async () => {
    expect(threaded.commitsInBackground).toBe(true);
    // Not awaited one by one: each expects the offset the one before stores.
    const reports = await Promise.all([checkpoint(1, 10, null, 'one'), checkpoint(2, 20, 10, 'two'), checkpoint(3, 30, 20, 'three')].map((each) => threaded.commit('job', each)));
    expect(reports.map((report) => report.checkpointId)).toEqual([1, 2, 3]);
    const loaded = await threaded.load('job', [0], ['v']);
    expect(loaded.positions.map((position) => [position.nextOffset, position.checkpointId])).toEqual([[30, 3]]);
    expect(loaded.state.map((row) => Buffer.from(row.value).toString())).toEqual(['three']);
    expect(loaded.views?.map((row) => Buffer.from(row.value).toString())).toEqual(['three']);
  });

  it('answers a fenced checkpoint with the store\'s conflict error and keeps nothing of it', async () => {
    await threaded.commit('job', checkpoint(1, 10, null, 'one'));
    const error: unknown = await threaded.commit('job', checkpoint(2, 20, 7, 'stale')).catch((caught: unknown) => caught);
    expect(isStoreError(error, 'conflict')).toBe(true);
    expect((error as Error).message).toMatch(/expected 7/);
    const loaded = await store.streamCheckpoints.load('job', [0]);
    expect(loaded.positions[0]!.nextOffset).toBe(10);
    expect(loaded.state.map((row) => Buffer.from(row.value).toString())).toEqual(['one']);
  });

  it('refuses commits once closed, after finishing those handed over before', async () => {
    const pending = threaded.commit('job', checkpoint(1, 10, null, 'one'));
    await threaded.close();
    expect((await pending).checkpointId).toBe(1);
    const error: unknown = await threaded.commit('job', checkpoint(2, 20, 10, 'two')).catch((caught: unknown) => caught);
    expect(isStoreError(error, 'closed')).toBe(true);
    expect((await store.streamCheckpoints.positions('job')).map((position) => position.nextOffset)).toEqual([10]);
  });
});
