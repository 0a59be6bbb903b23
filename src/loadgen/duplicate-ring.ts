// The last few thousand generated events, kept so a duplicate can re-send one of them exactly.
// Recent only: a client retry repeats a request within seconds, well inside ingest's dedupe
// window, so the server is expected to drop every duplicate this generates.
import type { GeneratedBatch } from './types.js';

export interface DuplicateRing {
  readonly size: number;
  /** Remembers event `index` of `batch`. */
  remember(batch: GeneratedBatch, index: number): void;
  /** Copies a random remembered event into `batch` at `index`; false when none is remembered. */
  copyRandomInto(batch: GeneratedBatch, index: number, draw: number): boolean;
}

export function createDuplicateRing(capacity: number): DuplicateRing {
  const serial = new Float64Array(capacity);
  const eventTimeMs = new Float64Array(capacity);
  const link = new Int32Array(capacity);
  const visitor = new Int32Array(capacity);
  const referrer = new Uint16Array(capacity);
  const flags = new Uint8Array(capacity);
  let next = 0;
  let size = 0;
  return {
    get size() {
      return size;
    },
    remember(batch, index) {
      serial[next] = batch.serial[index]!;
      eventTimeMs[next] = batch.eventTimeMs[index]!;
      link[next] = batch.link[index]!;
      visitor[next] = batch.visitor[index]!;
      referrer[next] = batch.referrer[index]!;
      flags[next] = batch.flags[index]!;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
    },
    copyRandomInto(batch, index, draw) {
      if (size === 0) return false;
      const slot = Math.floor(draw * size);
      batch.serial[index] = serial[slot]!;
      batch.eventTimeMs[index] = eventTimeMs[slot]!;
      batch.link[index] = link[slot]!;
      batch.visitor[index] = visitor[slot]!;
      batch.referrer[index] = referrer[slot]!;
      batch.flags[index] = flags[slot]!;
      return true;
    },
  };
}
