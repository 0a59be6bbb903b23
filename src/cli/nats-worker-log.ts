// The event log of a stream worker process when the pipeline runs on the NATS backend: worker
// processes import this module (WorkerLogConfig `module`) and open their own connection.
import { createLogger, createSystemClock } from '../core/index.js';
import type { EventLog } from '../log/index.js';
import { createNatsLog } from '../log/index.js';

export interface NatsWorkerLogOptions {
  servers: string;
  partitions: number;
}

export function openEventLog(options: NatsWorkerLogOptions): Promise<EventLog> {
  return createNatsLog({ clock: createSystemClock(), logger: createLogger({ level: 'warn' }) }, { servers: options.servers, partitions: options.partitions });
}
