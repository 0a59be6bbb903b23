// One worker process of a supervisor: forks it, forwards its IPC messages, restarts it after an
// unasked exit with a backoff that doubles per quick crash, and stops it (killing it if it takes
// too long to write its last checkpoint).
import { fork, type ChildProcess } from 'node:child_process';
import type { Clock, Logger, TimerHandle } from '../core/index.js';
import { fromWire, workerConfigVariable, type StreamWorkerConfig, type WorkerToParent, type WorkerWireMessage } from './worker-protocol.js';

export interface WorkerStatus {
  worker: number;
  partitions: readonly number[];
  pid: number | undefined;
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  restarts: number;
}

export interface WorkerSlotSettings {
  worker: number;
  config: StreamWorkerConfig;
  modulePath: string;
  execArgv: string[];
  restartMsInitial: number;
  restartMsMax: number;
  healthyMs: number;
  stopMs: number;
}

export interface WorkerSlot {
  status(): WorkerStatus;
  stop(): Promise<void>;
}

type SlotDeps = { clock: Clock; logger: Logger; onMessage?(worker: number, message: WorkerToParent): void };

class WorkerSlotImpl implements WorkerSlot {
  private readonly current: WorkerStatus;
  private child: ChildProcess | undefined;
  private exited = Promise.resolve();
  private quickCrashes = 0;
  private startedAtMs = 0;
  private restartTimer: TimerHandle | undefined;
  private stopping = false;

  constructor(
    private readonly deps: SlotDeps,
    private readonly settings: WorkerSlotSettings,
  ) {
    this.current = { worker: settings.worker, partitions: settings.config.partitions, pid: undefined, state: 'starting', restarts: 0 };
    this.spawn();
  }

  status(): WorkerStatus {
    return { ...this.current };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.restartTimer?.cancel();
    const running = this.child;
    if (running === undefined) {
      this.current.state = 'stopped';
      return;
    }
    if (running.connected) running.send({ type: 'stop' });
    else running.kill('SIGTERM');
    const killer = this.deps.clock.setTimer(this.settings.stopMs, () => running.kill('SIGKILL'));
    await this.exited;
    killer.cancel();
  }

  private spawn(): void {
    const forked = fork(this.settings.modulePath, [], {
      env: { ...process.env, [workerConfigVariable]: JSON.stringify(this.settings.config) },
      execArgv: this.settings.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = forked;
    this.current.pid = forked.pid;
    this.current.state = 'starting';
    this.startedAtMs = this.deps.clock.monotonicMs();
    forked.on('message', (wire: WorkerWireMessage) => {
      let message: WorkerToParent;
      try {
        message = fromWire(wire);
      } catch (error) {
        // A bug, not bad input: the commit is durable; only this copy of its rows is lost.
        this.deps.logger.error({ worker: this.current.worker, err: error }, 'a stream worker sent a malformed message; ignored');
        return;
      }
      if (message.type === 'started') this.current.state = 'running';
      this.deps.onMessage?.(this.current.worker, message);
    });
    this.exited = this.watch(forked);
  }

  private watch(watched: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        this.child = undefined;
        resolve();
        if (this.stopping) this.current.state = 'stopped';
        else this.restart(code, signal);
      };
      watched.once('exit', onExit);
      watched.once('error', (error) => {
        this.deps.logger.error({ worker: this.current.worker, err: error }, 'a stream worker could not be started');
        onExit(null, null);
      });
    });
  }

  private restart(code: number | null, signal: NodeJS.Signals | null): void {
    const { clock, logger } = this.deps;
    const uptimeMs = clock.monotonicMs() - this.startedAtMs;
    if (uptimeMs >= this.settings.healthyMs) this.quickCrashes = 0;
    const delayMs = Math.min(this.settings.restartMsMax, this.settings.restartMsInitial * 2 ** this.quickCrashes);
    this.quickCrashes++;
    this.current.restarts++;
    this.current.state = 'restarting';
    logger.warn({ worker: this.current.worker, partitions: this.current.partitions, code, signal, uptimeMs, delayMs }, 'a stream worker exited; restarting it from its last checkpoint');
    this.restartTimer = clock.setTimer(delayMs, () => {
      this.restartTimer = undefined;
      if (!this.stopping) this.spawn();
    });
  }
}

/** Forks the worker at once; restarts it until `stop`. */
export function startWorkerSlot(deps: SlotDeps, settings: WorkerSlotSettings): WorkerSlot {
  return new WorkerSlotImpl(deps, settings);
}
