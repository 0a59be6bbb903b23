// Proves that a log folder has one writer at a time: a second writer, in this process or another,
// is refused with a message naming the holder; a lock left by a SIGKILLed writer (reaped or not),
// by a reused pid or torn by a crash is taken over with a warning; openers racing for a stale lock
// get one winner.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createSegmentedLog, type EventLog } from '../../src/log/index.js';
import { createCaptureLogger } from '../helpers/capture-logger.js';
import { startChild, type ChildLines } from '../helpers/child-lines.js';
import { followLogOptions } from '../helpers/segmented-follow-records.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const writerScript = fileURLToPath(new URL('../helpers/segmented-writer-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let temp: TempDir;
let dir: string;
const children: ChildLines[] = [];
beforeEach(async () => {
  temp = await makeTempDir('clickflow-lock-');
  dir = path.join(temp.path, 'log');
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await temp.remove();
});

const lockFile = () => path.join(dir, 'writer.lock');
const readLock = async () => JSON.parse(await fs.readFile(lockFile(), 'utf8')) as Record<string, unknown>;
const open = (logger = createSilentLogger()) => createSegmentedLog({ clock: createSystemClock(), logger }, followLogOptions(dir));

function startWriter(mode: 'hold' | 'probe'): ChildLines {
  const child = startChild(writerScript, [dir, mode]);
  children.push(child);
  return child;
}

/** A pid that no process has now: that of a process which has just ended. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  expect(pid).toBeGreaterThan(0);
  return pid!;
}

/** Writes a lock as a writer of this folder with these fields would have. */
async function plantLock(fields: Record<string, unknown>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const stats = await fs.stat(dir, { bigint: true });
  const lock = { pid: 1, host: os.hostname(), bootId: undefined, startTicks: undefined, folder: `${stats.dev}:${stats.ino}`, token: 'planted', startedAtMs: 0, ...fields };
  await fs.writeFile(lockFile(), JSON.stringify(lock));
}

describe('segmented log writer lock', () => {
  it('refuses a second writer in this process, naming it, and lets one open after close', async () => {
    const first = await open();
    expect(await readLock()).toMatchObject({ pid: process.pid });
    const failure = await open().catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'LogError', code: 'log_locked', domain: 'user', retryable: false });
    expect((failure as Error).message).toMatch(new RegExp(`another log object of this process \\(pid ${process.pid}\\).*close that one first.*readOnly: true`));
    await first.close();
    await expect(fs.stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
    await (await open()).close();
  });

  it('refuses a writer in another process while this one holds the lock, and the other way round', async () => {
    await (await open()).close();
    const mine = await open();
    const probe = startWriter('probe');
    const refused = await probe.line(/^(opened|refused)/);
    expect(refused).toMatch(new RegExp(`^refused log_locked user .*by process ${process.pid} on host .*stop process ${process.pid} first`));
    await mine.close();

    const holder = startWriter('hold');
    await holder.line(/^ready/);
    const failure = await open().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'log_locked' });
    expect((failure as Error).message).toContain(`by process ${holder.child.pid} on host ${os.hostname()}`);
  });

  it('takes over the lock of a SIGKILLed writer with a warning naming it', async () => {
    const holder = startWriter('hold');
    await holder.line(/^ready/);
    holder.kill();
    await holder.exited;
    expect(await readLock()).toMatchObject({ pid: holder.child.pid });
    const capture = createCaptureLogger();
    const log = await open(capture.logger);
    const takeover = capture.warnings().find((line) => /taking over a stale writer lock/.test(line.msg));
    expect(takeover).toMatchObject({ holder: expect.stringContaining(`process ${holder.child.pid}`), reason: expect.stringMatching(/is gone/) });
    expect(await readLock()).toMatchObject({ pid: process.pid });
    await log.close();
  });

  it('takes over the lock of a killed writer that its parent has not reaped yet (a zombie)', async () => {
    // `sleep` inherits the writer as its child and never waits for it: once killed, it stays a
    // zombie. Both run in their own process group, removed whole at the end.
    const script = `"${process.execPath}" --import tsx "${writerScript}" "${dir}" hold 0<&0 & exec sleep 60`;
    const parent = spawn('sh', ['-c', script], { cwd: repoRoot, detached: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the writer did not start')), 30_000);
        parent.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && (clearTimeout(timer), resolve()));
      });
      const pid = (await readLock()).pid as number;
      process.kill(pid, 'SIGKILL');
      while (!/\) Z/.test(await fs.readFile(`/proc/${pid}/stat`, 'utf8'))) await new Promise((resolve) => setTimeout(resolve, 5));
      const capture = createCaptureLogger();
      await (await open(capture.logger)).close();
      expect(capture.warnings()[0]).toMatchObject({ reason: `its holder, process ${pid}, is gone` });
    } finally {
      process.kill(-parent.pid!, 'SIGKILL');
    }
  });

  it('takes over a lock whose pid now belongs to another process, or that a crash left unreadable', async () => {
    // pid 1 runs, but it did not start at the tick the lock says.
    await plantLock({ pid: 1, startTicks: '1' });
    let capture = createCaptureLogger();
    await (await open(capture.logger)).close();
    expect(capture.warnings().map((line) => line.reason)).toEqual(['its holder, process 1, is gone']);

    await plantLock({});
    await fs.writeFile(lockFile(), '');
    capture = createCaptureLogger();
    await (await open(capture.logger)).close();
    expect(String(capture.warnings()[0]?.reason)).toMatch(/unreadable/);
  });

  it('refuses a lock held from another host, saying how to clear it', async () => {
    await plantLock({ host: 'elsewhere.example', pid: deadPid() });
    const failure = await open().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'log_locked' });
    expect((failure as Error).message).toMatch(/on host elsewhere\.example.*delete .*writer\.lock/);
  });

  it('gives a stale lock to exactly one of several openers racing for it', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      await plantLock({ pid: deadPid() });
      const outcomes = await Promise.allSettled([open(), open(), open()]);
      const opened = outcomes.filter((outcome): outcome is PromiseFulfilledResult<EventLog> => outcome.status === 'fulfilled');
      expect(opened).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'log_locked' });
      await opened[0]!.value.close();
    }
    expect((await fs.readdir(dir)).filter((name) => name.startsWith('writer.lock'))).toEqual([]);
  });
});
