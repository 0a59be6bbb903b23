// Sink output between two checkpoints: the latest full value of each (view, partition, key),
// encoded when put. A key put many times in one interval is written once, with its last value.
import { assert, limits } from '../core/index.js';
import type { StreamViewChange } from '../store/index.js';
import { StreamError } from './errors.js';
import type { StateCodec, ViewWriter } from './types.js';

export interface ViewBuffer {
  writer<V>(operator: string, name: string, codec: StateCodec<V>): ViewWriter<V>;
  pendingRows(): number;
  /** The buffered changes, in order of first put; the buffer starts afresh. */
  drain(): StreamViewChange[];
}

export function createViewBuffer(job: string): ViewBuffer {
  const owners = new Map<string, string>();
  /** Per view and partition; Map order keeps the first put's place, so output is deterministic. */
  const pending = new Map<string, Map<number, Map<string, StreamViewChange>>>();
  let rows = 0;

  const stage = (view: string, partition: number, key: string, value: Uint8Array | null, operator: string): void => {
    if (key.length * 3 > limits.streamKeyBytesMax && Buffer.byteLength(key) > limits.streamKeyBytesMax) {
      throw new StreamError('too_large', `view ${view}: a key of ${Buffer.byteLength(key)} bytes is over ${limits.streamKeyBytesMax}`, { job, operator, partition });
    }
    if (value !== null && value.byteLength > limits.streamValueBytesMax) {
      throw new StreamError('too_large', `view ${view}: the value of ${JSON.stringify(key)} is ${value.byteLength} bytes, over ${limits.streamValueBytesMax}`, { job, operator, partition });
    }
    const byPartition = pending.get(view)!;
    let keys = byPartition.get(partition);
    if (keys === undefined) {
      keys = new Map();
      byPartition.set(partition, keys);
    }
    if (!keys.has(key)) rows++;
    keys.set(key, { view, partition, key, value });
  };

  return {
    writer(operator, name, codec) {
      const owner = owners.get(name);
      assert(owner === undefined, () => `view ${name} is written by operator ${owner} already; a view has one writer`);
      owners.set(name, operator);
      pending.set(name, new Map());
      return {
        name,
        put: (partition, key, value) => stage(name, partition, key, codec.encode(value), operator),
        delete: (partition, key) => stage(name, partition, key, null, operator),
      };
    },
    pendingRows: () => rows,
    drain() {
      const changes: StreamViewChange[] = [];
      for (const byPartition of pending.values()) {
        for (const keys of byPartition.values()) for (const change of keys.values()) changes.push(change);
        byPartition.clear();
      }
      rows = 0;
      return changes;
    },
  };
}
