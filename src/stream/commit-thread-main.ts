// The checkpoint commit thread (commit-thread.ts): opens the store file and commits each checkpoint
// it is handed, in order, answering with the report or the error's fields.
import { parentPort, workerData } from 'node:worker_threads';
import { createSilentLogger, createSystemClock, errorMessage, isRetryable } from '../core/index.js';
import { createSqliteStore, StoreError, type Store } from '../store/index.js';
import type { CommitReply, CommitRequest, CommitThreadData } from './commit-thread.js';
import { unpackViewChanges } from './view-pack.js';

const port = parentPort!;
const data = workerData as CommitThreadData;
let store: Store;
try {
  store = createSqliteStore({ clock: createSystemClock(), logger: createSilentLogger() }, { path: data.storePath, ...(data.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: data.busyTimeoutMs }) });
  port.postMessage({ id: 0, ready: true } satisfies CommitReply);
} catch (error) {
  port.postMessage({ id: 0, failed: errorMessage(error) } satisfies CommitReply);
  process.exit(1);
}

port.on('message', (request: CommitRequest) => {
  if ('close' in request) {
    void store.close().finally(() => port.close());
    return;
  }
  let checkpoint;
  try {
    checkpoint = { ...request.checkpoint, views: unpackViewChanges(request.views) };
  } catch (error) {
    port.postMessage({ id: request.id, error: { name: 'InternalError', message: errorMessage(error), code: 'view_pack_corrupt', retryable: false, store: false } } satisfies CommitReply);
    return;
  }
  store.streamCheckpoints.commit(request.job, checkpoint).then(
    (report) => port.postMessage({ id: request.id, report } satisfies CommitReply),
    (error: unknown) => {
      const fields = error instanceof Error ? error : new Error(String(error));
      port.postMessage({
        id: request.id,
        error: { name: fields.name, message: fields.message, code: (error as { code?: string }).code ?? 'error', retryable: isRetryable(error), store: error instanceof StoreError },
      } satisfies CommitReply);
    },
  );
});
