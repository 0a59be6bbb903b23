// Starts a real stream worker process (src/stream/worker-main.ts under tsx) for crash tests, and a
// seeded random source so that a failing run can be repeated with its seed.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerConfigVariable, type StreamWorkerConfig, type WorkerToParent } from '../../src/stream/index.js';

const workerMain = fileURLToPath(new URL('../../src/stream/worker-main.ts', import.meta.url));

export { seededRandom } from './seeded-random.js';

export interface Worker {
  child: ChildProcess;
  started: Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves after the worker's `count`-th commit (or when it exits). */
  commits(count: number): Promise<void>;
  stderr: () => string;
}

export function startWorker(config: StreamWorkerConfig, environment: Record<string, string> = {}): Worker {
  const child = fork(workerMain, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...environment, [workerConfigVariable]: JSON.stringify(config) },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let committed = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const started = new Promise<boolean>((resolve) => {
    child.on('message', (message: WorkerToParent) => {
      if (message.type === 'started') resolve(true);
      if (message.type !== 'commit') return;
      committed++;
      for (const waiter of waiting.filter((entry) => entry.count <= committed)) waiter.resolve();
    });
    void exited.then(() => resolve(false));
  });
  const commits = (count: number) =>
    new Promise<void>((resolve) => {
      if (committed >= count) resolve();
      else waiting.push({ count, resolve });
      void exited.then(() => resolve());
    });
  return { child, started, exited, commits, stderr: () => stderr };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
