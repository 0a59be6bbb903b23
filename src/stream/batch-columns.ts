// The columns every batch has, for decoders to build their own batch type on.
import type { BatchColumns } from './types.js';

/** Allocates the shared columns for `capacity` rows; a decoder adds its own beside them. */
export function createBatchColumns(capacity: number): BatchColumns {
  return {
    partition: 0,
    length: 0,
    offsets: new Float64Array(capacity),
    eventTimesMs: new Float64Array(capacity),
    values: new Array<Uint8Array>(capacity).fill(new Uint8Array(0)),
  };
}
