// Starts a real `nats-server` with JetStream on a free port and a temporary store folder, for
// integration tests and benchmarks. Each server is stopped by its own pid; a server left running
// when the process exits is killed so no test leaves one behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface NatsServerOptions {
  /** Port to listen on (default: a free one). Pass a stopped server's port to restart it. */
  port?: number;
  /** JetStream store folder (default: a new temporary one). Pass a stopped server's to restart it. */
  storeDir?: string;
  /** Whether `stop()` removes the store folder (default: true when this call made it). */
  removeStoreOnStop?: boolean;
  /** The server's largest message payload in bytes (default: the server's own, 1 MiB). */
  maxPayloadBytes?: number;
  /** How long to wait for the server to say it is ready (default 20 s). */
  readyTimeoutMs?: number;
}

export interface NatsServer {
  url: string;
  port: number;
  storeDir: string;
  pid: number;
  /** Stops the server gracefully (SIGTERM, then SIGKILL after 10 s) and removes its folder if owned. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would; keeps the store folder. */
  kill(): Promise<void>;
}

const serverBinaryCandidates = ['/usr/bin/nats-server', '/usr/local/bin/nats-server', '/usr/sbin/nats-server'];
const outputLinesKept = 40;

function findServerBinary(): string {
  const onPath = (process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, 'nats-server'));
  const found = [...onPath, ...serverBinaryCandidates].find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      'nats-server is not installed, so the NATS JetStream tests cannot run. Run the tests the way the ' +
        'README says (`npm test`), which installs nats-server from the distribution\'s packages, or ' +
        'install it yourself (`sudo apt-get install nats-server`).',
    );
  }
  return found;
}

/** A port that was free a moment ago (the kernel picks it; the server binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function configText(port: number, storeDir: string, maxPayloadBytes: number | undefined): string {
  const lines = [`host: "127.0.0.1"`, `port: ${port}`, `jetstream { store_dir: ${JSON.stringify(storeDir)} }`];
  if (maxPayloadBytes !== undefined) lines.push(`max_payload: ${maxPayloadBytes}`);
  return `${lines.join('\n')}\n`;
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

/** Resolves once the server logs that it is ready; rejects with its last output if it exits first. */
function waitForReady(child: ChildProcess, output: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanupListeners();
      reject(new Error(`nats-server ${why}; its last output:\n${output.join('\n')}`));
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        output.push(line);
        if (output.length > outputLinesKept) output.shift();
        if (line.includes('Server is ready')) {
          cleanupListeners();
          resolve();
        }
      }
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => fail(`was not ready after ${timeoutMs} ms`), timeoutMs);
    const cleanupListeners = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts `nats-server` with JetStream; see {@link NatsServerOptions} to restart on the same port and store. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = findServerBinary();
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? (await mkdtemp(path.join(os.tmpdir(), 'clickflow-nats-')));
  const port = options.port ?? (await freePort());
  // The config file lives beside (not in) the store, so the store folder holds only JetStream data.
  const configPath = `${storeDir}.${port}.conf`;
  await writeFile(configPath, configText(port, storeDir, options.maxPayloadBytes));

  const child = spawn(binary, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  const output: string[] = [];
  // A crashed test process must not leave a server behind: kill it by its pid on exit.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
    await waitForReady(child, output, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    await rm(configPath, { force: true });
    throw error;
  }
  // Keep draining stderr so the server never blocks on a full pipe.
  child.stderr?.on('data', () => undefined);

  const removeStore = options.removeStoreOnStop ?? ownsStore;
  const finish = async (signal: NodeJS.Signals) => {
    child.kill(signal);
    if (!(await waitForExit(child, 10_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 10_000);
    }
    process.off('exit', killOnExit);
    await rm(configPath, { force: true });
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    pid: child.pid!,
    async stop() {
      await finish('SIGTERM');
      if (removeStore) await rm(storeDir, { recursive: true, force: true });
    },
    async kill() {
      await finish('SIGKILL');
    },
  };
}
