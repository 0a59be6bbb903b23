// Gathers the clicks submitted in one turn of the event loop into one log append per partition.
// A redirect submits one click per request; under load hundreds arrive in one poll phase, and one
// append of many records costs the log far less than many appends of one (an append allocates its
// frames, offsets and promises). The batch is flushed in the check phase (`setImmediate`), right
// after the poll phase that parsed the requests: it adds no wait, so this is not a time-based
// linger (the log's group commit has that) and takes no clock.
import type { EventLog } from '../log/index.js';
import { limits } from '../core/index.js';

/** The records bound for one partition in this turn; `done` settles when they are durable (or not). */
export interface TickBatch {
  readonly done: Promise<void>;
}

interface OpenBatch extends TickBatch {
  records: Uint8Array[];
  ids: string[];
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

export interface TickBatcher {
  /** Queues a record for `partition`; the batch it joined settles once the record is durable. */
  add(partition: number, record: Uint8Array, id: string): TickBatch;
}

function openBatch(): OpenBatch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  // A batch nobody awaits (undurable clicks) must not raise an unhandled rejection; awaiting
  // callers still see the failure.
  done.catch(() => undefined);
  return { done, records: [], ids: [], bytes: 0, resolve, reject };
}

/** `failed` hears of every batch whose append failed, with its event ids, before its callers do. */
export function createTickBatcher(log: EventLog, failed: (ids: readonly string[], error: unknown) => void): TickBatcher {
  let open = new Map<number, OpenBatch>();
  let scheduled = false;

  const append = (partition: number, batch: OpenBatch): void => {
    log.append(partition, batch.records).then(
      () => batch.resolve(),
      (error: unknown) => {
        failed(batch.ids, error);
        batch.reject(error);
      },
    );
  };

  const flush = (): void => {
    scheduled = false;
    const batches = open;
    open = new Map();
    for (const [partition, batch] of batches) append(partition, batch);
  };

  return {
    add(partition, record, id) {
      let batch = open.get(partition);
      // An append has bounds of its own: a full batch goes at once and a new one starts.
      if (batch && (batch.records.length >= limits.logAppendRecordsMax || batch.bytes + record.length > limits.logAppendBytesMax)) {
        open.delete(partition);
        append(partition, batch);
        batch = undefined;
      }
      if (!batch) {
        batch = openBatch();
        open.set(partition, batch);
      }
      batch.records.push(record);
      batch.ids.push(id);
      batch.bytes += record.length;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return batch;
    },
  };
}
