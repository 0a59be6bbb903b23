// Starts bench/helpers/serve-child.ts in a child process and waits for its JSON line.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChildServer<T> {
  info: T;
  process: ChildProcess;
  /**
   * CPU time the server has used so far, all threads, in ms (Linux: /proc; elsewhere NaN). On a
   * shared machine, CPU per request is steadier than requests per second.
   */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc/<pid>/stat, in ms; NaN where there is no /proc. */
export function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerS = 100;
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerS) * 1000;
  } catch {
    return Number.NaN;
  }
}

const script = fileURLToPath(new URL('./serve-child.ts', import.meta.url));

/**
 * `nodeArgs` are the server's node flags; `BENCH_SERVER_NODE_ARGS` adds more, e.g. `--cpu-prof`
 * to profile it.
 */
export async function startChildServer<T>(mode: 'pipeline' | 'bare', env: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<ChildServer<T>> {
  const extra = [...nodeArgs, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0)];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`benchmark server exited with code ${code}`)));
    // Node flags such as --trace-gc print to standard output too: the info is the first JSON
    // line, and every other line is passed on to standard error.
    let found = false;
    lines.on('line', (line) => {
      if (found || !line.startsWith('{')) return void process.stderr.write(`${line}\n`);
      found = true;
      resolve(JSON.parse(line) as T);
    });
  });
  return {
    info,
    process: child,
    cpuMs: () => processCpuMs(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
