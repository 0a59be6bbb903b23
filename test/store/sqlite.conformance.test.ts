// Proves the SQLite store meets the Store contract on a real file, keeps API key secrets out of
// the file, and that several processes migrating one fresh file at once leave one schema.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../../src/core/index.js';
import { runStoreConformance, seedTenant } from '../../src/store/conformance.js';
import { createSqliteStore, type MigrationReport, type Store } from '../../src/store/index.js';
import { latestVersion, migrations } from '../../src/store/sqlite/migrations.js';

const allVersions = migrations.map((migration) => migration.version);

async function tempFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'clickflow-store-'));
}

runStoreConformance('sqlite', async () => {
  const folder = await tempFolder();
  const path = join(folder, 'store.sqlite');
  return {
    open: async ({ clock, deadLettersMax, lateEventsMax, batchAlertsMax }) =>
      createSqliteStore({ clock, logger: createSilentLogger() }, { path, deadLettersMax, lateEventsMax, batchAlertsMax }),
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
});

describe('SQLite store specifics', () => {
  const folders: string[] = [];
  const stores: Store[] = [];
  const logger = createSilentLogger();
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });
  const open = async (options: { autoMigrate?: boolean } = {}): Promise<{ store: Store; path: string }> => {
    const folder = await tempFolder();
    folders.push(folder);
    const path = join(folder, 'nested', 'store.sqlite');
    const store = createSqliteStore({ clock: createTestClock(), logger }, { path, ...options });
    stores.push(store);
    return { store, path };
  };

  it('stores only the hash of an API key secret, never the secret', async () => {
    const { store, path } = await open();
    const { account } = await seedTenant(store, 'Acme');
    const { secret } = await store.apiKeys.create(account.id, 'write', 'probe');
    await store.close();
    const folder = join(path, '..');
    for (const name of await readdir(folder)) {
      const bytes = await readFile(join(folder, name));
      expect(bytes.includes(secret), name).toBe(false);
      expect(bytes.includes(secret.slice(-32)), name).toBe(false);
    }
    const reopened = createSqliteStore({ clock: createTestClock(), logger }, { path });
    stores.push(reopened);
    expect((await reopened.apiKeys.verify(secret))?.label).toBe('probe');
  });

  it('reports every version applied on a fresh file and nothing on the next call; uses WAL', async () => {
    const { store, path } = await open({ autoMigrate: false });
    expect(await store.migrate()).toEqual({ applied: allVersions, current: latestVersion });
    expect(await store.migrate()).toEqual({ applied: [], current: latestVersion });
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('refuses bad options naming the field', () => {
    const deps = { clock: createTestClock(), logger };
    expect(() => createSqliteStore(deps, {})).toThrow(/sqlite store option path: must not be empty/);
    expect(() => createSqliteStore(deps, { path: ':memory:', busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
    expect(() => createSqliteStore(deps, { path: ':memory:', deadLettersMax: 100_001 })).toThrow(/deadLettersMax/);
  });

  it('works in memory', async () => {
    const store = createSqliteStore({ clock: createTestClock(), logger }, { path: ':memory:' });
    stores.push(store);
    const { account } = await seedTenant(store, 'Acme');
    expect(await store.accounts.get(account.id)).toEqual(account);
  });
});

const workerPath = fileURLToPath(new URL('./migrate-worker.ts', import.meta.url));

interface Worker {
  ready: Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  go(): void;
}

function startWorker(path: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath, path], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

describe('SQLite concurrent migration', () => {
  it('lets four processes open and migrate one fresh file at once: all succeed, one applies, one schema', async () => {
    const folder = await tempFolder();
    try {
      const path = join(folder, 'store.sqlite');
      const workers = Array.from({ length: 4 }, () => startWorker(path));
      await Promise.all(workers.map((worker) => worker.ready));
      for (const worker of workers) worker.go();
      const results = await Promise.all(workers.map((worker) => worker.done));
      for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
      const reports = results.map((result) => JSON.parse(result.stdout.split('\n')[1]!) as MigrationReport);
      expect(reports.filter((report) => report.applied.length > 0)).toEqual([{ applied: allVersions, current: latestVersion }]);
      expect(reports.every((report) => report.current === latestVersion)).toBe(true);

      const db = new Database(path, { readonly: true });
      try {
        expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual(allVersions);
        expect(db.prepare('SELECT count(*) FROM plans').pluck().get()).toBe(3);
        // SQLite's own tables (sqlite_sequence, statistics) aside, each table exists once.
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name").pluck().all();
        expect(new Set(tables).size).toBe(tables.length);
        expect(tables).toEqual(expect.arrayContaining([
          'accounts', 'api_keys', 'batch_alerts', 'batch_partitions', 'batch_runs', 'dead_letter_count', 'dead_letters', 'lake_files', 'lake_frontier',
          'lake_manifest_cursors', 'lake_seals', 'links', 'plans', 'schema_migrations',
          'stream_late_counts', 'stream_late_events', 'stream_positions', 'stream_state', 'stream_views', 'users',
        ]));
      } finally {
        db.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
