// Runs a job as N worker processes with disjoint partition sets (partition p goes to worker
// p % N), restarts a worker that exits unasked (see worker-slot.ts), and forwards what workers
// say over IPC (commits, live messages) to the caller. A restarted worker resumes from its
// partitions' last checkpoint, so a crash costs a replay, never a result.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { limits, namespaced, parseOptions, type Clock, type Logger, type LogLevel, type OptionsInput } from '../core/index.js';
import type { StreamWorkerOptionsInput } from './options.js';
import { assignPartitions, defaultStreamWorkerCount } from './partition-assignment.js';
import { startWorkerSlot, type WorkerStatus } from './worker-slot.js';
import type { WorkerLogConfig, WorkerToParent } from './worker-protocol.js';

export type { WorkerStatus } from './worker-slot.js';

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

export interface StreamSupervisor {
  workers(): WorkerStatus[];
  /** Asks every worker to stop after a last checkpoint; kills one that takes longer than `stopMs`. */
  stop(): Promise<void>;
}

function defaultWorkerModule(): string {
  return fileURLToPath(new URL(`./worker-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
}

export function startStreamWorkers(deps: StreamSupervisorDeps, input: StartStreamWorkersOptions): StreamSupervisor {
  const { job, registryModule, log, storePath, worker: options, logLevel, workerModule, execArgv, ...rest } = input;
  const settings = parseOptions('stream supervisor', streamSupervisorOptionsSpec, rest);
  const logger = namespaced(deps.logger, 'stream.supervisor').child({ job });
  const count = Math.min(log.partitions, settings.workers === 0 ? defaultStreamWorkerCount() : settings.workers);
  const slots = assignPartitions(log.partitions, count).map((partitions, worker) =>
    startWorkerSlot(
      { clock: deps.clock, logger, onMessage: deps.onMessage },
      {
        worker,
        config: { job, registryModule, partitions, log, storePath, options, logLevel },
        modulePath: workerModule ?? defaultWorkerModule(),
        execArgv: execArgv ?? process.execArgv,
        restartMsInitial: settings.restartMsInitial,
        restartMsMax: settings.restartMsMax,
        healthyMs: settings.healthyMs,
        stopMs: settings.stopMs,
      },
    ),
  );
  logger.info({ workers: count, partitions: log.partitions }, 'stream workers started');
  return {
    workers: () => slots.map((slot) => slot.status()),
    async stop() {
      await Promise.all(slots.map((slot) => slot.stop()));
      logger.info('stream workers stopped');
    },
  };
}
