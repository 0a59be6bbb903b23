// One SQLite connection with the pragmas the store relies on, statements prepared once, and the
// bridge from better-sqlite3's synchronous calls to the store's async contract.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import { StoreError } from '../errors.js';
import { toStoreError } from './sqlite-errors.js';

export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement<unknown[], unknown>;

/** What every repository of the SQLite store shares. */
export interface SqliteContext {
  db: SqliteDatabase;
  clock: Clock;
  /** Runs synchronous database work as a promise, with errors classified. */
  run<T>(work: () => T): Promise<T>;
  /** Runs `work` in a write transaction taken up front (BEGIN IMMEDIATE), so reads in it stay valid. */
  write<T>(work: () => T): T;
}

export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

const busyCodes = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_SNAPSHOT']);

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && busyCodes.has(String((error as { code?: unknown }).code));
}

/**
 * Runs `work`, retrying while SQLite reports the file busy, for up to `busyTimeoutMs`. SQLite
 * answers some lock conflicts at once without waiting out its busy timeout (two processes
 * switching a fresh file to WAL, a read lock that cannot be upgraded), so opening and migrating,
 * which many processes may do at the same moment, retry here with short jittered pauses.
 */
export function retryWhileBusy<T>(busyTimeoutMs: number, work: () => T): T {
  const deadline = performance.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
      // A synchronous pause: better-sqlite3 is synchronous, and so are its callers here.
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 40);
    }
  }
}

/** Opens `path` in WAL mode with synchronous=NORMAL and foreign keys enforced. */
export function openDatabase(path: string, busyTimeoutMs: number): SqliteDatabase {
  try {
    return retryWhileBusy(busyTimeoutMs, () => openOnce(path, busyTimeoutMs));
  } catch (error) {
    const classified = toStoreError(error);
    if (classified instanceof StoreError && classified.code !== 'internal') throw classified;
    throw new StoreError('unavailable', `${path}: cannot open the database: ${classified.message}`, { cause: error });
  }
}

function openOnce(path: string, busyTimeoutMs: number): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    if (!isMemoryPath(path)) mkdirSync(dirname(path), { recursive: true });
    // `timeout` sets busy_timeout before anything else runs, so even the switch to WAL below
    // waits for another process that is opening the same fresh file.
    db = new Database(path, { timeout: busyTimeoutMs });
    if (!isMemoryPath(path)) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreError('unavailable', `${path}: the database refused WAL mode (journal_mode is ${String(mode)})`);
    }
    // NORMAL in WAL mode: a commit survives a process crash; a power cut may lose the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    throw error;
  }
}

export function createContext(db: SqliteDatabase, clock: Clock): SqliteContext {
  return {
    db,
    clock,
    run<T>(work: () => T): Promise<T> {
      if (!db.open) return Promise.reject(new StoreError('closed', 'the store is closed'));
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(toStoreError(error));
      }
    },
    write<T>(work: () => T): T {
      return db.transaction(work).immediate();
    },
  };
}

/**
 * Statements by name, each prepared on first use and then reused. Lazily, because SQLite checks
 * tables at prepare time and the tables exist only once `migrate()` has run.
 */
export function prepareLazily<Name extends string>(db: SqliteDatabase, sql: Record<Name, string>): Record<Name, SqliteStatement> {
  const statements = {} as Record<Name, SqliteStatement>;
  for (const name of Object.keys(sql) as Name[]) {
    let prepared: SqliteStatement | undefined;
    Object.defineProperty(statements, name, {
      enumerable: true,
      get: () => (prepared ??= db.prepare(sql[name])),
    });
  }
  return statements;
}

/** SQLite stores booleans as 0 and 1. */
export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}
