// What the ingest pool and its workers say to each other: tagged unions, one per direction.
// A request's body goes to a worker by transfer; the worker asks for its slugs' links once,
// then answers with the encoded clicks (transferred) and the rejected lines.
import type { ClickValidationPolicy, LinkOwnership } from '../events/index.js';
import type { EncodedClicks } from './encoded-clicks.js';
import type { ImportBodyFormat } from './import-body.js';
import type { ImportRejection } from './import-batch.js';

/** A worker's settings, passed as its `workerData`. */
export interface IngestWorkerSetup {
  partitions: number;
  policy: ClickValidationPolicy;
  /** Size of the worker's own user-agent cache. */
  userAgentCacheEntries: number;
}

export type ToIngestWorker =
  | { kind: 'prepare'; task: number; body: Uint8Array; format: ImportBodyFormat; accountId: string; nowMs: number }
  /** The links of the task's slugs, index by index. */
  | { kind: 'links'; task: number; links: (LinkOwnership | undefined)[] }
  /** The task's slugs could not be resolved: the task has failed on the pool's side; forget it. */
  | { kind: 'drop'; task: number };

/** Why a task failed: a refused body (`user`, with the ImportBodyError's code) or a bug. */
export interface TaskFailure {
  user: boolean;
  code: string;
  message: string;
}

export type FromIngestWorker =
  | { kind: 'ready' }
  | { kind: 'slugs'; task: number; slugs: string[] }
  | { kind: 'prepared'; task: number; clicks: EncodedClicks; rejections: ImportRejection[] }
  | { kind: 'failed'; task: number; failure: TaskFailure };
