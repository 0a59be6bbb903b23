// NDJSON import lines into a file, in send order: a load that can be replayed later with any
// HTTP client, or imported in parts. One write per generated batch; a write error stops the run.
import { createWriteStream } from 'node:fs';
import { errorMessage } from '../../core/index.js';
import type { LineRenderer } from '../line-renderer.js';
import type { GeneratedBatch, LoadTarget, RequestOutcome } from '../types.js';

export function createFileTarget(deps: { renderer: LineRenderer }, options: { path: string }): LoadTarget {
  const stream = createWriteStream(options.path, { flags: 'w' });
  let streamError: Error | undefined;
  stream.on('error', (error) => {
    streamError = error;
  });
  const queue: { batch: GeneratedBatch; bytes: Buffer }[] = [];
  let queuedBytes = 0;

  const write = (batch: GeneratedBatch, bytes: Buffer): Promise<RequestOutcome> =>
    new Promise((resolve) => {
      const failed = (error: Error): void =>
        resolve({ events: batch.size, acknowledged: [], acknowledgedCount: 0, failed: batch.size, retries: 0, error: `writing ${options.path}: ${errorMessage(error)}`, fatal: true });
      if (streamError) return failed(streamError);
      stream.write(bytes, (error) => {
        if (error) failed(error);
        else resolve({ events: batch.size, acknowledged: [{ batch, indexes: undefined }], acknowledgedCount: batch.size, failed: 0, retries: 0 });
      });
    });

  return {
    name: 'file',
    accept(batch) {
      const bytes = deps.renderer.ndjsonBytes(batch);
      queue.push({ batch, bytes });
      queuedBytes += bytes.length;
    },
    flush: () => undefined,
    get queuedRequests() {
      return queue.length;
    },
    get queuedBytes() {
      return queuedBytes;
    },
    startNext() {
      const { batch, bytes } = queue.shift()!;
      queuedBytes -= bytes.length;
      return { events: batch.size, outcome: write(batch, bytes) };
    },
    close: () =>
      new Promise((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      }),
  };
}
