// Where the fraud rule runs: one lane per thread. Log partitions are independent (one rule each),
// so they are spread over lanes; a lane is the run's own thread or a worker thread that receives
// batches (transferred, not copied) and returns the flagged clicks at the end. At most
// `inFlightMax` batches wait per worker, so memory stays bounded whatever the hour's size.
import type { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/index.js';
import { siblingModule, startModuleThread } from '../../core/start-thread.js';
import type { FraudRuleOptions } from '../fraud/index.js';
import { batchBuffers, FlagList, PartitionRules, type ClickBatchArrays } from './fraud-batch.js';
import type { FraudWorkerReply, FraudWorkerRequest } from './fraud-worker.js';

const inFlightMax = 4;

export interface FraudLane {
  /** Judges a full batch (here, or handed to the lane's worker); resolves when it may be followed. */
  submit(batch: ClickBatchArrays): Promise<void>;
  /** The lane's flagged clicks, once every batch is judged. */
  finish(): Promise<FlagList>;
  /** Stops the lane's worker, if any (after a failure elsewhere). */
  close(): Promise<void>;
}

function localLane(options: FraudRuleOptions): FraudLane {
  const rules = new PartitionRules(options);
  const flags = new FlagList();
  return {
    submit: async (batch) => rules.judge(batch, flags),
    finish: async () => flags,
    close: async () => undefined,
  };
}

/** A worker thread on `fraud-worker`, compiled or (tests, tsx) from source through tsx's loader. */
function startWorker(options: FraudRuleOptions): Worker {
  return startModuleThread(siblingModule(import.meta.url, 'fraud-worker'), { options }, []);
}

function workerLane(options: FraudRuleOptions): FraudLane {
  const worker = startWorker(options);
  let inFlight = 0;
  let received = false;
  let failure: Error | undefined;
  const waiters: (() => void)[] = [];
  let resolveFlags: (flags: FlagList) => void = () => undefined;
  let rejectFlags: (error: Error) => void = () => undefined;
  const flags = new Promise<FlagList>((resolve, reject) => {
    resolveFlags = resolve;
    rejectFlags = reject;
  });
  flags.catch(() => undefined);
  const fail = (error: Error): void => {
    failure ??= error;
    rejectFlags(failure);
    for (const wake of waiters.splice(0)) wake();
  };
  worker.on('message', (reply: FraudWorkerReply) => {
    if (reply.kind === 'ack') {
      inFlight--;
      waiters.shift()?.();
    } else if (reply.kind === 'flags') {
      received = true;
      resolveFlags(Object.assign(new FlagList(), { files: reply.files, rows: reply.rows, codes: reply.codes, length: reply.length }));
    } else {
      fail(new InternalError(`fraud worker: ${reply.message}`));
    }
  });
  worker.on('error', (error) => fail(new InternalError('a fraud worker thread failed', { cause: error })));
  worker.on('exit', (code) => {
    if (!received) fail(new InternalError(`a fraud worker thread exited (code ${code}) before returning its verdicts`));
  });
  return {
    async submit(batch) {
      while (inFlight >= inFlightMax && failure === undefined) await new Promise<void>((resolve) => waiters.push(resolve));
      if (failure !== undefined) throw failure;
      inFlight++;
      worker.postMessage({ kind: 'batch', batch } satisfies FraudWorkerRequest, batchBuffers(batch));
    },
    async finish() {
      if (failure !== undefined) throw failure;
      worker.postMessage({ kind: 'end' } satisfies FraudWorkerRequest);
      try {
        return await flags;
      } finally {
        await worker.terminate();
      }
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** `threads` lanes: with one, the rule runs in this thread; with more, each is a worker thread. */
export function openFraudLanes(options: FraudRuleOptions, threads: number): FraudLane[] {
  if (threads <= 1) return [localLane(options)];
  return Array.from({ length: threads }, () => workerLane(options));
}
