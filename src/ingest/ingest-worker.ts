// An ingest worker thread (started by ingest-pool.ts): does the CPU-heavy part of an import
// request off the thread that owns the log. For each task it asks the pool for the links of the
// slugs the body names (once, or twice when the first look missed some), then parses, validates,
// enriches, encodes, partitions and hashes the clicks, and sends them back in transferred
// buffers. Tasks waiting for links never block the others.
import { parentPort, workerData } from 'node:worker_threads';
import type { Clock } from '../core/index.js';
import { InternalError, assert } from '../core/index.js';
import type { LinkOwnership } from '../events/index.js';
import { createEventIdGenerator } from '../events/index.js';
import { transferablesOf } from './encoded-clicks.js';
import { ImportBodyError } from './import-body.js';
import { prepareImport, type ImportSettings } from './import-batch.js';
import { createUserAgentClassifier } from './user-agent.js';
import type { FromIngestWorker, IngestWorkerSetup, TaskFailure, ToIngestWorker } from './worker-messages.js';

const port = parentPort;
assert(port !== null, 'ingest-worker.ts runs as a worker thread');
const setup = workerData as IngestWorkerSetup;

/**
 * Generated event ids take their time from the ingest time of the task asking for one, which the
 * pool's clock set: the worker reads no clock of its own.
 */
let taskNowMs = 0;
const notUsed = (): never => {
  throw new InternalError('the ingest worker clock only tells the task time');
};
const taskClock: Clock = { nowMs: () => taskNowMs, monotonicMs: () => taskNowMs, setTimer: notUsed, sleep: notUsed };
const newEventId = createEventIdGenerator(taskClock);
const classifyUserAgent = createUserAgentClassifier(setup.userAgentCacheEntries);

/** Tasks waiting for links: what to call with them, or with the pool's refusal. */
const waiting = new Map<number, { resolve(links: (LinkOwnership | undefined)[]): void; reject(error: unknown): void }>();

function post(message: FromIngestWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Reports a task's failure; a failure that is not a refused body is a bug, and crashes the worker. */
function fail(task: number, error: unknown): void {
  if (error instanceof DroppedTask) return;
  const user = error instanceof ImportBodyError;
  const failure: TaskFailure = user
    ? { user, code: error.code, message: error.message }
    : { user, code: 'internal', message: error instanceof Error ? error.message : String(error) };
  post({ kind: 'failed', task, failure });
  // A broken invariant crashes the worker; the pool fails its other tasks and replaces it.
  if (!user) {
    setImmediate(() => {
      throw error;
    });
  }
}

/** The pool gave up on a task (its links could not be found): nothing more is said about it. */
class DroppedTask extends Error {}

function run(message: Extract<ToIngestWorker, { kind: 'prepare' }>): void {
  const { task } = message;
  const resolve = (slugs: readonly string[]) =>
    new Promise<(LinkOwnership | undefined)[]>((resolveLinks, reject) => {
      waiting.set(task, { resolve: resolveLinks, reject });
      post({ kind: 'slugs', task, slugs: [...slugs] });
    });
  const { body, format, accountId, nowMs } = message;
  const settings: ImportSettings = {
    policy: setup.policy,
    partitions: setup.partitions,
    classifyUserAgent,
    newEventId: () => {
      taskNowMs = nowMs;
      return newEventId();
    },
  };
  prepareImport({ body, format, accountId, nowMs }, settings, resolve).then(
    (prepared) => post({ kind: 'prepared', task, clicks: prepared.clicks, rejections: prepared.rejections }, transferablesOf(prepared.clicks)),
    (error: unknown) => fail(task, error),
  );
}

port.on('message', (message: ToIngestWorker) => {
  if (message.kind === 'prepare') return run(message);
  const entry = waiting.get(message.task);
  waiting.delete(message.task);
  if (message.kind === 'links') entry?.resolve(message.links);
  else entry?.reject(new DroppedTask());
});

post({ kind: 'ready' });
