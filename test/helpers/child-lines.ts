// A child process run with `node --import tsx`, its stdout taken line by line: tests wait for a
// line matching a pattern, or watch every line as it comes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildLines {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr(): string;
  /** The first line matching `pattern`, seen already or to come; rejects if the child ends first. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Calls `listener` with every line from now on. */
  onLine(listener: (line: string) => void): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function startChild(script: string, args: readonly string[]): ChildLines {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const listener of [...listeners]) listener(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    stderr: () => stderr,
    line(pattern, timeoutMs = 30_000) {
      const found = lines.find((line) => pattern.test(line));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          listeners.splice(listeners.indexOf(listener), 1);
          resolve(line);
        };
        listeners.push(listener);
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`child ended (code ${code}, signal ${signal}) before a line matching ${pattern}; stderr: ${stderr}`));
        });
      });
    },
    onLine: (listener) => listeners.push(listener),
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}
