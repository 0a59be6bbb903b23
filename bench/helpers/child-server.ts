// Starts bench/helpers/serve-child.ts in a child process and waits for its JSON line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChildServer<T> {
  info: T;
  process: ChildProcess;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./serve-child.ts', import.meta.url));

/** `BENCH_SERVER_NODE_ARGS` adds node flags to the server, e.g. `--cpu-prof` to profile it. */
export async function startChildServer<T>(mode: 'pipeline' | 'bare', env: Record<string, string> = {}): Promise<ChildServer<T>> {
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`benchmark server exited with code ${code}`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
  });
  return {
    info,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
