// A small pool of worker threads that prepare import requests (ingest-worker.ts), so that parsing,
// validation, enrichment and encoding use every core while the main thread keeps what must stay
// single: the log writer, the dedupe window, the link cache, dead letters and the answer.
//
// A request's body is transferred to the least busy worker (no copy); the worker asks once for
// the links of the request's distinct slugs, which the pool resolves here from the serving link
// cache, and answers with the encoded clicks in a few transferred buffers. A worker holds at most
// `tasksPerWorkerMax` requests; beyond that requests queue here, up to `queuedBytesMax` bytes of
// bodies, and a request beyond that is refused as busy (503, retryable). A worker that dies fails
// its requests (500) and is replaced.
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Clock, Logger } from '../core/index.js';
import { ExternalError, InternalError, errorMessage, limits, parseOptions, type OptionsInput, type OptionsOf } from '../core/index.js';
import type { ClickValidationPolicy } from '../events/index.js';
import { ImportBodyError } from './import-body.js';
import type { ImportRequest, PreparedImport, SlugResolver } from './import-batch.js';
import type { ImportPreparer } from './import-preparer.js';
import type { FromIngestWorker, IngestWorkerSetup, TaskFailure, ToIngestWorker } from './worker-messages.js';

export const ingestPoolSpec = {
  workers: { kind: 'integer', default: 0, min: 0, max: limits.ingestWorkersMax, doc: 'worker threads; 0: one per available core' },
  tasksPerWorkerMax: {
    kind: 'integer',
    default: limits.ingestTasksPerWorkerDefault,
    min: 1,
    max: limits.ingestTasksPerWorkerMax,
    doc: 'requests one worker holds at once; more wait in the pool',
  },
  queuedBytesMax: {
    kind: 'integer',
    default: limits.ingestQueuedBytesMax,
    min: 1,
    doc: 'bytes of request bodies waiting for a worker, at most; a request beyond it is refused as busy (503)',
  },
  userAgentCacheEntries: { kind: 'integer', default: limits.userAgentCacheEntries, min: 2, doc: "entries of each worker's user-agent cache" },
} as const;

export type IngestPoolOptions = OptionsInput<typeof ingestPoolSpec>;
type ParsedPoolOptions = OptionsOf<typeof ingestPoolSpec>;

export interface IngestPoolDeps {
  resolveSlugs: SlugResolver;
  logger: Logger;
  /** Times the retries of a worker that could not be started. */
  clock: Clock;
}

interface Slot {
  worker: Worker;
  /** Tasks handed to this worker and not yet answered. */
  tasks: Set<number>;
  /** False once the worker has exited: it takes no more tasks. */
  alive: boolean;
}

/** How long to wait before starting a worker again after a start failed. */
const respawnDelayMs = limits.ingestWorkerRespawnDelayMs;

interface Task {
  request: ImportRequest;
  resolve(prepared: PreparedImport): void;
  reject(error: unknown): void;
  slot?: Slot;
}

/**
 * How to start a worker: the compiled `.js` beside this module in a build, run by plain node; or
 * the TypeScript source under tsx or vitest. Node 20 does not run `--import` in workers, so a
 * source worker registers tsx itself before importing its script. Workers inherit the process's
 * flags (node refuses some of them, e.g. --perf-basic-prof, when they are passed explicitly).
 */
function workerStart(): { script: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { script: new URL('./ingest-worker.js', import.meta.url), eval: false };
  // `tsx/esm/api` resolves to its CommonJS build here; the ESM build lies beside it (see its exports).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const script = new URL('./ingest-worker.ts', import.meta.url).href;
  return { script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`, eval: true };
}

/**
 * The body as a view of a whole ArrayBuffer of its own, which can be transferred: a Buffer from
 * Node's shared pool (small bodies), or any other partial view, is copied first.
 */
function transferable(body: Uint8Array): Uint8Array {
  if (body.byteOffset === 0 && body.buffer.byteLength === body.byteLength && body.buffer instanceof ArrayBuffer) return body;
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  return copy;
}

/**
 * Starts one worker; resolves once it says it is ready. `exit` hears of its end, whenever that is
 * (a worker that fails to start also exits).
 */
function startWorker(
  start: ReturnType<typeof workerStart>,
  setup: IngestWorkerSetup,
  logger: Logger,
  on: { message(slot: Slot, message: FromIngestWorker): void; exit(slot: Slot): void },
): Promise<Slot> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(start.script, { eval: start.eval, workerData: setup });
    const slot: Slot = { worker, tasks: new Set(), alive: true };
    // Workers never keep the process alive on their own; open requests and the server do.
    worker.unref();
    worker.on('message', (message: FromIngestWorker) => (message.kind === 'ready' ? resolve(slot) : on.message(slot, message)));
    worker.on('error', (error) => {
      logger.error({ err: errorMessage(error) }, 'an ingest worker crashed');
      reject(error);
    });
    worker.on('exit', (code) => {
      reject(new InternalError(`an ingest worker exited with code ${code} before it was ready`));
      on.exit(slot);
    });
  });
}

function failureError(failure: TaskFailure): Error {
  if (failure.user) return new ImportBodyError(failure.code as ConstructorParameters<typeof ImportBodyError>[0], failure.message);
  return new InternalError(`an ingest worker failed: ${failure.message}`);
}

/** What every request is prepared for: the log's partition count and the validation policy. */
export interface IngestPoolWork {
  partitions: number;
  policy: ClickValidationPolicy;
}

export async function createIngestPool(deps: IngestPoolDeps, work: IngestPoolWork, input: IngestPoolOptions = {}): Promise<ImportPreparer> {
  const options: ParsedPoolOptions = parseOptions('ingest pool', ingestPoolSpec, input);
  const setup: IngestWorkerSetup = { partitions: work.partitions, policy: work.policy, userAgentCacheEntries: options.userAgentCacheEntries };
  const workers = options.workers === 0 ? os.availableParallelism() : options.workers;
  const start = workerStart();
  const tasks = new Map<number, Task>();
  const queue: number[] = [];
  let queuedBytes = 0;
  let nextTask = 1;
  let closing = false;

  const send = (slot: Slot, message: ToIngestWorker, transfer: ArrayBuffer[] = []): void => slot.worker.postMessage(message, transfer);

  const settle = (id: number): Task | undefined => {
    const task = tasks.get(id);
    if (!task) return undefined;
    tasks.delete(id);
    if (task.slot) task.slot.tasks.delete(id);
    else queuedBytes -= task.request.body.byteLength; // still queued (dispatch skips it)
    return task;
  };

  const onMessage = (slot: Slot, message: FromIngestWorker): void => {
    if (message.kind === 'ready') return;
    const task = tasks.get(message.task);
    if (!task) return;
    if (message.kind === 'slugs') {
      deps.resolveSlugs(message.slugs).then(
        (links) => tasks.has(message.task) && send(slot, { kind: 'links', task: message.task, links }),
        (error: unknown) => {
          send(slot, { kind: 'drop', task: message.task });
          settle(message.task)?.reject(error);
          dispatch();
        },
      );
      return;
    }
    settle(message.task);
    if (message.kind === 'prepared') task.resolve({ clicks: message.clicks, rejections: message.rejections });
    else task.reject(failureError(message.failure));
    dispatch();
  };

  const slots: Slot[] = [];

  /** A worker that exited fails its tasks; a new one takes its place unless the pool is closing. */
  const replace = (dead: Slot): void => {
    dead.alive = false;
    for (const id of [...dead.tasks]) settle(id)?.reject(new InternalError('the ingest worker preparing this request stopped'));
    const index = slots.indexOf(dead);
    if (index >= 0 && !closing) respawn(index);
  };

  const respawn = (index: number): void => {
    spawn().then(
      (slot) => {
        if (closing) void slot.worker.terminate();
        else slots[index] = slot;
        dispatch();
      },
      (error: unknown) => {
        deps.logger.error({ err: errorMessage(error) }, 'could not start an ingest worker; retrying');
        // With no worker left, waiting requests fail now rather than wait for one.
        if (!slots.some((slot) => slot.alive)) for (const id of queue.splice(0)) settle(id)?.reject(new InternalError('no ingest worker is running'));
        if (!closing) deps.clock.setTimer(respawnDelayMs, () => !closing && respawn(index));
      },
    );
  };

  const spawn = (): Promise<Slot> => startWorker(start, setup, deps.logger, { message: onMessage, exit: replace });

  const started = await Promise.allSettled(Array.from({ length: workers }, spawn));
  for (const result of started) if (result.status === 'fulfilled') slots.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    closing = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    throw new InternalError('could not start the ingest workers', { cause: failed.reason });
  }

  const leastBusy = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const slot of slots) {
      if (slot.alive && slot.tasks.size < options.tasksPerWorkerMax && (!best || slot.tasks.size < best.tasks.size)) best = slot;
    }
    return best;
  };

  const dispatch = (): void => {
    for (let slot = leastBusy(); slot && queue.length > 0; slot = leastBusy()) {
      const id = queue.shift()!;
      const task = tasks.get(id);
      if (!task) continue;
      queuedBytes -= task.request.body.byteLength;
      task.slot = slot;
      slot.tasks.add(id);
      const { body, format, accountId, nowMs } = task.request;
      send(slot, { kind: 'prepare', task: id, body, format, accountId, nowMs }, [body.buffer as ArrayBuffer]);
    }
  };

  return {
    prepare(input) {
      if (closing) return Promise.reject(new InternalError('the ingest pool is closed'));
      const request = { ...input, body: transferable(input.body) };
      if (queuedBytes + request.body.byteLength > options.queuedBytesMax && queue.length > 0) {
        return Promise.reject(new ExternalError('the ingest workers are busy; retry the request shortly', { code: 'ingest_busy' }));
      }
      return new Promise<PreparedImport>((resolve, reject) => {
        const id = nextTask++;
        tasks.set(id, { request, resolve, reject });
        queue.push(id);
        queuedBytes += request.body.byteLength;
        dispatch();
      });
    },
    async close() {
      closing = true;
      for (const id of [...tasks.keys()]) settle(id)?.reject(new InternalError('the ingest pool closed'));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
