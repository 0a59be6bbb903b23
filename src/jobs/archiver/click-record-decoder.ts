// The archiver's batch decoder: where every field of each click record is (`readClickSpans`),
// checked as `decodeClick` would check it, but with no string made: the operator copies the
// fields' bytes straight into its spools. A record that does not decode goes to the late ledger as
// `undecodable` (the engine does that).
import { clickSpanSlots, readClickSpans } from '../../batch/index.js';
import { createBatchColumns, type BatchColumns, type BatchDecoder } from '../../stream/index.js';

export interface ClickRecordBatch extends BatchColumns {
  readonly ingestTimesMs: Float64Array;
  /** `clickSpanSlots` per row: see click-record-csv.ts. */
  readonly spans: Int32Array;
}

export function clickRecordDecoder(): BatchDecoder<ClickRecordBatch> {
  return {
    createBatch: (capacity) => ({ ...createBatchColumns(capacity), ingestTimesMs: new Float64Array(capacity), spans: new Int32Array(capacity * clickSpanSlots) }),
    decode(value, batch, row) {
      const times = readClickSpans(value, batch.spans, row * clickSpanSlots);
      batch.eventTimesMs[row] = times.eventTimeMs;
      batch.ingestTimesMs[row] = times.ingestTimeMs;
    },
  };
}
