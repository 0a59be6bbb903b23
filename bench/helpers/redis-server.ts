// Starts Debian's `redis-server` on a free port with a temporary folder and no persistence, for the
// speed-layer benchmark's side-by-side figures. Each server is stopped by its own pid; one left
// running when this process exits is killed, so a benchmark never leaves one behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/helpers/nats-server.js';
import { processCpuMs } from './child-server.js';

export interface RedisServer {
  host: string;
  port: number;
  pid: number;
  /** CPU time the server has used so far, in ms (Linux: /proc; elsewhere NaN). */
  cpuMs(): number;
  /** Stops the server (SIGTERM, SIGKILL after 10 s) and removes its folder. */
  stop(): Promise<void>;
}

const binaryCandidates = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'];
const readyTimeoutMs = 20_000;
const outputLinesKept = 40;

function findBinary(): string {
  const onPath = (process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, 'redis-server'));
  const found = [...onPath, ...binaryCandidates].find((candidate) => existsSync(candidate));
  if (!found) throw new Error('redis-server is not installed; the Redis figures need it (`sudo apt-get install redis-server`)');
  return found;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server was not ready within ${readyTimeoutMs} ms:\n${lines.join('\n')}`)), readyTimeoutMs);
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        lines.push(line);
        if (lines.length > outputLinesKept) lines.shift();
        if (line.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${lines.join('\n')}`));
    });
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = findBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'clickflow-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--daemonize', 'no'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.resume();
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start');
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  try {
    await waitUntilReady(child);
  } catch (error) {
    killOnExit();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    pid,
    cpuMs: () => processCpuMs(pid),
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        if (!(await waitForExit(child, 10_000))) process.kill(pid, 'SIGKILL');
        await waitForExit(child, 10_000);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
