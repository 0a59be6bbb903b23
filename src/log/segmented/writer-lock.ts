// The writer lock, `<dir>/writer.lock`: one process at a time opens a log folder for writing.
// The lock file is written whole under a temporary name and hard-linked into place, which fails
// when the name exists (the atomic O_EXCL-style create), so nobody ever reads a half-written lock.
// It names its holder (pid, host, boot id, process start time) and the folder it was made for; a
// lock whose holder is gone (SIGKILL, power cut) or that was copied from another folder is stale
// and taken over. Taking over goes through a short-lived guard file, so that two openers who
// both found the same stale lock cannot both remove it and then both believe they hold it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { limits, type Clock, type Logger } from '../../core/index.js';
import { LogError } from '../errors.js';
import { livenessOf, ownIdentity, pidExists, type ProcessIdentity } from './process-liveness.js';
import { writerLockedError } from './segmented-errors.js';

export const writerLockName = 'writer.lock';

export interface WriterLock {
  /** Removes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

interface LockContent extends ProcessIdentity {
  /** Device and inode of the folder the lock was made in: a copied folder's lock is not its own. */
  folder: string;
  token: string;
  startedAtMs: number;
}

interface Deps {
  clock: Clock;
  logger: Logger;
}

async function folderIdentity(dir: string): Promise<string> {
  const stats = await fs.stat(dir, { bigint: true });
  return `${stats.dev}:${stats.ino}`;
}

function parseLock(bytes: Buffer): LockContent | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<LockContent> | null;
    if (!value || !Number.isSafeInteger(value.pid) || value.pid! <= 0) return undefined;
    if (typeof value.host !== 'string' || typeof value.folder !== 'string' || typeof value.token !== 'string') return undefined;
    return value as LockContent;
  } catch {
    return undefined;
  }
}

async function readBytes(filePath: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `target` holding `bytes` if it does not exist; false if it does. */
async function createExclusive(target: string, bytes: Buffer, token: string): Promise<boolean> {
  const temporary = `${target}.tmp-${process.pid}-${token}`;
  await fs.writeFile(temporary, bytes);
  try {
    await fs.link(temporary, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

function describeHolder(holder: LockContent): string {
  const started = Number.isFinite(holder.startedAtMs) ? `, opened at ${new Date(holder.startedAtMs).toISOString()}` : '';
  return `process ${holder.pid} on host ${holder.host}${started}`;
}

type Verdict = { stale: false; holder: string; advice: string } | { stale: true; level: 'warn' | 'info'; reason: string };

async function judge(dir: string, holder: LockContent | undefined, folder: string): Promise<Verdict> {
  if (!holder) return { stale: true, level: 'warn', reason: 'the lock file is unreadable (left by a crash of its writer)' };
  if (holder.folder !== folder) return { stale: true, level: 'info', reason: 'the lock was made for another folder (this one is a copy)' };
  const liveness = await livenessOf(holder);
  if (liveness === 'dead') return { stale: true, level: 'warn', reason: `its holder, process ${holder.pid}, is gone` };
  if (liveness === 'other-host') {
    return { stale: false, holder: describeHolder(holder), advice: `stop it; if it is gone (it cannot be checked from this host), delete ${path.join(dir, writerLockName)}` };
  }
  if (holder.pid === process.pid) return { stale: false, holder: `another log object of this process (pid ${holder.pid})`, advice: 'close that one first' };
  return { stale: false, holder: describeHolder(holder), advice: `stop process ${holder.pid} first` };
}

/**
 * Removes the stale lock whose bytes were `judged`, unless it changed meanwhile. Returns false
 * when another opener is taking it over right now.
 */
async function removeStale(deps: Deps, lockPath: string, judged: Buffer, own: LockContent, folder: string): Promise<boolean> {
  const guardPath = `${lockPath}.takeover`;
  if (!(await createExclusive(guardPath, Buffer.from(JSON.stringify(own)), own.token))) {
    const guard = await readBytes(guardPath);
    const verdict = guard === undefined ? undefined : await judge(path.dirname(lockPath), parseLock(guard), folder);
    // A guard outlives its holder only when a crash hit the few microseconds of a takeover.
    if (verdict?.stale) await fs.rm(guardPath, { force: true });
    else await deps.clock.sleep(10);
    return false;
  }
  try {
    const current = await readBytes(lockPath);
    if (current !== undefined && current.equals(judged)) await fs.rm(lockPath, { force: true });
  } finally {
    await fs.rm(guardPath, { force: true });
  }
  return true;
}

async function removeDeadLeftovers(dir: string): Promise<void> {
  // Temporary lock files of processes that died between writing and linking them.
  for (const name of await fs.readdir(dir)) {
    const match = /^writer\.lock(?:\.takeover)?\.tmp-(\d+)-/.exec(name);
    if (match && !pidExists(Number(match[1]))) {
      await fs.rm(path.join(dir, name), { force: true });
    }
  }
}

async function release(deps: Deps, lockPath: string, token: string): Promise<void> {
  const current = await readBytes(lockPath);
  const holder = current && parseLock(current);
  if (holder?.token === token) {
    await fs.rm(lockPath, { force: true });
    return;
  }
  deps.logger.warn({ lock: lockPath, holder: holder ? describeHolder(holder) : 'none' }, 'the writer lock was no longer this writer\'s at close; left as it is');
}

/** Takes the writer lock of `dir` (which must exist), or fails with `log_locked` naming the holder. */
export async function acquireWriterLock(deps: Deps, dir: string): Promise<WriterLock> {
  const lockPath = path.join(dir, writerLockName);
  const folder = await folderIdentity(dir);
  const own: LockContent = { ...(await ownIdentity()), folder, token: randomBytes(8).toString('hex'), startedAtMs: deps.clock.nowMs() };
  const bytes = Buffer.from(`${JSON.stringify(own)}\n`);
  await removeDeadLeftovers(dir);
  for (let attempt = 0; attempt < limits.logWriterLockAttemptsMax; attempt++) {
    if (await createExclusive(lockPath, bytes, own.token)) return { release: () => release(deps, lockPath, own.token) };
    const held = await readBytes(lockPath);
    if (held === undefined) continue;
    const holder = parseLock(held);
    const verdict = await judge(dir, holder, folder);
    if (!verdict.stale) throw writerLockedError(dir, verdict.holder, verdict.advice);
    deps.logger[verdict.level]({ lock: lockPath, holder: holder ? describeHolder(holder) : 'unknown', reason: verdict.reason }, 'taking over a stale writer lock');
    await removeStale(deps, lockPath, held, own, folder);
  }
  throw new LogError(`could not take the writer lock ${lockPath}: other processes kept racing for it; try again`, {
    domain: 'external',
    retryable: true,
    code: 'log_lock_contended',
  });
}
