// `clickflow` as a user runs it, for end-to-end tests: the command line started as a child process
// (TypeScript source through tsx), on a data folder and a port of the test's choosing.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const mainModule = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ClickflowProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Everything it printed so far, standard output and error. */
  output(): string;
  /** SIGTERM, then the exit code once it has stopped (at once when it already has). */
  stop(): Promise<number | null>;
}

function collect(child: ChildProcess): () => string {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return () => output;
}

/** Starts `clickflow start` and resolves once it says it is running. */
export async function startClickflow(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ClickflowProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainModule, 'start', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, CLICKFLOW_LOG_LEVEL: 'warn', CLICKFLOW_PARTITIONS: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const deadline = Date.now() + 60_000;
  while (!output().includes('clickflow is running at')) {
    if (child.exitCode !== null) throw new Error(`clickflow start exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`clickflow start did not come up in 60 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs another clickflow command to its end; resolves with its exit code and output. */
export function runClickflow(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', mainModule, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collect(child);
    child.on('close', (code) => resolve({ code, output: output() }));
  });
}
