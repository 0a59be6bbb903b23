// What a stream worker process is given and what it says over IPC. Messages travel with the
// `advanced` serialization, so bytes arrive as bytes; a commit's view rows travel packed.
import type { LogLevel } from '../core/index.js';
import type { StreamWorkerOptionsInput } from './options.js';
import type { CommittedUpdate, LiveMessage, StreamMetrics } from './types.js';
import { packViewChanges, unpackViewChanges } from './view-pack.js';

/** The environment variable carrying a worker's configuration as JSON. */
export const workerConfigVariable = 'CLICKFLOW_STREAM_WORKER';

/**
 * The log a worker reads: the segmented log's folder, or a module exporting
 * `openEventLog(options): Promise<EventLog>` (another backend, or a test log) with its options.
 */
export type WorkerLogConfig = { kind: 'segmented'; dir: string; partitions: number } | { kind: 'module'; module: string; partitions: number; options?: unknown };

export interface StreamWorkerConfig {
  job: string;
  /** A module (file path or URL) exporting `streamJobs`, a JobRegistry. */
  registryModule: string;
  partitions: number[];
  log: WorkerLogConfig;
  /** The SQLite store file holding checkpoints and views. */
  storePath: string;
  options?: StreamWorkerOptionsInput;
  logLevel?: LogLevel;
}

export type WorkerToParent =
  | { type: 'started'; job: string; partitions: number[]; pid: number }
  | { type: 'commit'; update: CommittedUpdate; metrics: StreamMetrics }
  | { type: 'live'; messages: readonly LiveMessage[] }
  | { type: 'stopped'; metrics: StreamMetrics | undefined }
  | { type: 'failed'; error: { name: string; message: string; code: string } };

/**
 * What a worker sends on the wire: a commit's view rows travel packed (`packViewChanges`), and
 * the parent's slot unpacks them (`fromWire`) before anyone sees the message.
 */
export type WorkerWireMessage = Exclude<WorkerToParent, { type: 'commit' }> | { type: 'commit'; update: Omit<CommittedUpdate, 'views'>; views: Uint8Array; metrics: StreamMetrics };

export function toWire(message: WorkerToParent): WorkerWireMessage {
  if (message.type !== 'commit') return message;
  const { views, ...update } = message.update;
  return { type: 'commit', update, views: packViewChanges(views), metrics: message.metrics };
}

export function fromWire(message: WorkerWireMessage): WorkerToParent {
  if (message.type !== 'commit') return message;
  return { type: 'commit', update: { ...message.update, views: unpackViewChanges(message.views) }, metrics: message.metrics };
}

export type ParentToWorker = { type: 'stop' };

export function isParentMessage(message: unknown): message is ParentToWorker {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stop';
}
