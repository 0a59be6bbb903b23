// Runs a job as N worker processes with disjoint partition sets (partition p goes to worker
// p % N), restarts a worker that exits unasked after a backoff that doubles per quick crash, and
// forwards what workers say over IPC (commits, live messages) to the caller. A restarted worker
// resumes from its partitions' last checkpoint, so a crash costs a replay, never a result.
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { limits, namespaced, parseOptions, type Clock, type Logger, type LogLevel, type OptionsInput, type TimerHandle } from '../core/index.js';
import type { StreamWorkerOptionsInput } from './options.js';
import { assignPartitions, defaultStreamWorkerCount } from './partition-assignment.js';
import { workerConfigVariable, type StreamWorkerConfig, type WorkerLogConfig, type WorkerToParent } from './worker-protocol.js';

export const streamSupervisorOptionsSpec = {
  workers: { kind: 'integer', default: 0, min: 0, max: limits.partitionsMax, doc: 'worker processes (0: half the cores, at least one, at most the partition count)' },
  restartMsInitial: { kind: 'integer', default: limits.streamWorkerRestartMsInitial, min: 0, max: 60_000, doc: 'wait before restarting a crashed worker, in ms; doubles per quick crash' },
  restartMsMax: { kind: 'integer', default: limits.streamWorkerRestartMsMax, min: 0, max: 600_000, doc: 'longest wait before a restart, in ms' },
  healthyMs: { kind: 'integer', default: limits.streamWorkerHealthyMs, min: 0, max: 3_600_000, doc: 'uptime after which a crash restarts after the initial wait again, in ms' },
  stopMs: { kind: 'integer', default: limits.streamWorkerStopMs, min: 0, max: 600_000, doc: 'how long a stopping worker may take for its last checkpoint before it is killed, in ms' },
} as const;

export interface StartStreamWorkersOptions extends OptionsInput<typeof streamSupervisorOptionsSpec> {
  job: string;
  registryModule: string;
  log: WorkerLogConfig;
  storePath: string;
  worker?: StreamWorkerOptionsInput;
  logLevel?: LogLevel;
  /** Default: worker-main beside this module (`.ts` under tsx, `.js` when built). */
  workerModule?: string;
  /** Node flags for the workers (default: this process's, so a `--import tsx` carries over). */
  execArgv?: string[];
}

export interface StreamSupervisorDeps {
  clock: Clock;
  logger: Logger;
  /** Every IPC message of every worker, with the worker's index. */
  onMessage?(worker: number, message: WorkerToParent): void;
}

export interface WorkerStatus {
  worker: number;
  partitions: readonly number[];
  pid: number | undefined;
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  restarts: number;
}

export interface StreamSupervisor {
  workers(): WorkerStatus[];
  /** Asks every worker to stop after a last checkpoint; kills one that takes longer than `stopMs`. */
  stop(): Promise<void>;
}

interface Slot extends WorkerStatus {
  child: ChildProcess | undefined;
  exited: Promise<void>;
  quickCrashes: number;
  startedAtMs: number;
  restartTimer: TimerHandle | undefined;
}

function defaultWorkerModule(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./worker-main${extname(here)}`, import.meta.url));
}

export function startStreamWorkers(deps: StreamSupervisorDeps, input: StartStreamWorkersOptions): StreamSupervisor {
  const { job, registryModule, log, storePath, worker: workerOptions, logLevel, workerModule, execArgv, ...rest } = input;
  const options = parseOptions('stream supervisor', streamSupervisorOptionsSpec, rest);
  const logger = namespaced(deps.logger, 'stream.supervisor').child({ job });
  const count = Math.min(log.partitions, options.workers === 0 ? defaultStreamWorkerCount() : options.workers);
  const modulePath = workerModule ?? defaultWorkerModule();
  let stopping = false;

  const spawn = (slot: Slot): void => {
    const config: StreamWorkerConfig = { job, registryModule, partitions: [...slot.partitions], log, storePath, options: workerOptions, logLevel };
    const child = fork(modulePath, [], {
      env: { ...process.env, [workerConfigVariable]: JSON.stringify(config) },
      execArgv: execArgv ?? process.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.pid = child.pid;
    slot.state = 'starting';
    slot.startedAtMs = deps.clock.monotonicMs();
    child.on('message', (message: WorkerToParent) => {
      if (message.type === 'started') slot.state = 'running';
      deps.onMessage?.(slot.worker, message);
    });
    slot.exited = new Promise((resolve) => {
      let done = false;
      const exited = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        slot.child = undefined;
        resolve();
        onExit(slot, code, signal);
      };
      child.once('exit', exited);
      child.once('error', (error) => {
        logger.error({ worker: slot.worker, err: error }, 'a stream worker could not be started');
        exited(null, null);
      });
    });
  };

  const onExit = (slot: Slot, code: number | null, signal: NodeJS.Signals | null): void => {
    if (stopping) {
      slot.state = 'stopped';
      return;
    }
    const uptimeMs = deps.clock.monotonicMs() - slot.startedAtMs;
    if (uptimeMs >= options.healthyMs) slot.quickCrashes = 0;
    const delayMs = Math.min(options.restartMsMax, options.restartMsInitial * 2 ** slot.quickCrashes);
    slot.quickCrashes++;
    slot.restarts++;
    slot.state = 'restarting';
    logger.warn({ worker: slot.worker, partitions: slot.partitions, code, signal, uptimeMs, delayMs }, 'a stream worker exited; restarting it from its last checkpoint');
    slot.restartTimer = deps.clock.setTimer(delayMs, () => {
      slot.restartTimer = undefined;
      if (!stopping) spawn(slot);
    });
  };

  const slots: Slot[] = assignPartitions(log.partitions, count).map((partitions, worker) => ({
    worker,
    partitions,
    pid: undefined,
    state: 'starting',
    restarts: 0,
    child: undefined,
    exited: Promise.resolve(),
    quickCrashes: 0,
    startedAtMs: 0,
    restartTimer: undefined,
  }));
  for (const slot of slots) spawn(slot);
  logger.info({ workers: count, partitions: log.partitions }, 'stream workers started');

  const stopSlot = async (slot: Slot): Promise<void> => {
    slot.restartTimer?.cancel();
    const child = slot.child;
    if (child === undefined) {
      slot.state = 'stopped';
      return;
    }
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
    const killer = deps.clock.setTimer(options.stopMs, () => child.kill('SIGKILL'));
    await slot.exited;
    killer.cancel();
  };

  return {
    workers: () => slots.map(({ worker, partitions, pid, state, restarts }) => ({ worker, partitions, pid, state, restarts })),
    async stop() {
      stopping = true;
      await Promise.all(slots.map(stopSlot));
      logger.info('stream workers stopped');
    },
  };
}
