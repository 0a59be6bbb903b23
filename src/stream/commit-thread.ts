// Checkpoint commits on a thread of their own. The SQLite transaction of a checkpoint (state,
// view rows, late events, positions) is most of what a busy stream job spends; on this thread it
// runs beside the job's processing instead of in its way. The thread opens its own connection to
// the same store file (WAL: one writer at a time, readers never blocked) and commits checkpoints
// in the order they are handed over; a commit's answer or error comes back to the caller as the
// store's own (a `conflict` StoreError stays one, so the runner classifies it the same).
//
// Loading and the positions read stay on the caller's repository: they happen at start and for
// monitoring, not in the hot path.
import type { Worker } from 'node:worker_threads';
import { InternalError } from '../core/index.js';
import { siblingModule, startModuleThread } from '../core/start-thread.js';
import { packViewChanges } from './view-pack.js';
import { StoreError, type StoreErrorCode, type StreamCheckpoint, type StreamCheckpointRepository, type StreamCommitReport } from '../store/index.js';

/**
 * Caller → thread: a checkpoint to commit (its view rows packed, `packViewChanges`: one buffer
 * to copy instead of a clone per row), or the end (the thread closes the store and exits).
 */
export type CommitRequest = { id: number; job: string; checkpoint: StreamCheckpoint; views: Uint8Array } | { close: true };

/** Thread → caller: the report, or the error as plain fields. */
export type CommitReply =
  | { id: number; report: StreamCommitReport }
  | { id: number; error: { name: string; message: string; code: string; retryable: boolean; store: boolean } }
  | { id: 0; ready: true }
  | { id: 0; failed: string };

export interface CommitThreadData {
  storePath: string;
  busyTimeoutMs?: number;
}

export interface ThreadedCheckpoints extends StreamCheckpointRepository {
  /** Ends the thread once the commits handed over are done; later commits reject. */
  close(): Promise<void>;
}

interface Waiting {
  resolve(report: StreamCommitReport): void;
  reject(error: Error): void;
}

function toError(error: Extract<CommitReply, { error: unknown }>['error']): Error {
  if (error.store) return new StoreError(error.code as StoreErrorCode, error.message, { retryable: error.retryable });
  return new InternalError(`the checkpoint commit thread failed: ${error.message}`, { code: 'commit_thread_failed' });
}

/**
 * A repository whose `commit` runs on a thread with its own connection to `storePath`;
 * `load` and `positions` are `base`'s (a repository on the same store).
 */
export async function startCommitThread(base: StreamCheckpointRepository, data: CommitThreadData): Promise<ThreadedCheckpoints> {
  const thread: Worker = startModuleThread(siblingModule(import.meta.url, 'commit-thread-main'), data, []);
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let ended: Error | undefined;
  let last: Promise<void> = Promise.resolve();
  let closing: Promise<void> | undefined;
  const failAll = (error: Error): void => {
    ended ??= error;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const onReady = (reply: CommitReply): void => {
      if ('ready' in reply) resolve();
      else if ('failed' in reply) reject(new StoreError('unavailable', `the checkpoint commit thread could not open ${data.storePath}: ${reply.failed}`));
    };
    thread.once('message', onReady);
    thread.once('error', reject);
  });
  thread.on('message', (reply: CommitReply) => {
    if (reply.id === 0) return;
    const entry = waiting.get(reply.id);
    if (entry === undefined) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) thread.unref();
    if ('report' in reply) entry.resolve(reply.report);
    else if ('error' in reply) entry.reject(toError(reply.error));
  });
  thread.on('error', (error) => failAll(error));
  thread.on('exit', (code) => failAll(new InternalError(`the checkpoint commit thread exited (code ${code})`, { code: 'commit_thread_exited' })));
  // An idle thread does not keep the process alive; one with commits to answer does.
  thread.unref();
  return {
    commitsInBackground: true,
    load: (job, partitions, views) => base.load(job, partitions, views),
    positions: (job) => base.positions(job),
    commit(job, checkpoint) {
      if (ended !== undefined) return Promise.reject(ended);
      const id = nextId++;
      const answer = new Promise<StreamCommitReport>((resolve, reject) => {
        if (waiting.size === 0) thread.ref();
        waiting.set(id, { resolve, reject });
        thread.postMessage({ id, job, checkpoint: { ...checkpoint, views: [] }, views: packViewChanges(checkpoint.views) } satisfies CommitRequest);
      });
      last = answer.then(
        () => undefined,
        () => undefined,
      );
      return answer;
    },
    async close() {
      if (closing === undefined) {
        closing = (async () => {
          // The thread answers in order: once the last commit handed over has settled, all have.
          await last;
          if (ended === undefined) {
            ended = new StoreError('closed', 'the checkpoint commit thread is closed');
            const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
            thread.ref();
            thread.postMessage({ close: true } satisfies CommitRequest);
            await exited;
          }
        })();
      }
      return closing;
    },
  };
}
