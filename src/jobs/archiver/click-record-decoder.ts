// The archiver's batch decoder: whole clicks, every field, since every field goes to the lake. A
// record that does not decode goes to the late ledger as `undecodable` (the engine does that).
import { decodeClick, type ClickEvent } from '../../events/index.js';
import { createBatchColumns, type BatchColumns, type BatchDecoder } from '../../stream/index.js';

export interface ClickEventBatch extends BatchColumns {
  readonly events: ClickEvent[];
}

export function clickEventDecoder(): BatchDecoder<ClickEventBatch> {
  return {
    createBatch: (capacity) => ({ ...createBatchColumns(capacity), events: new Array<ClickEvent>(capacity) }),
    decode(value, batch, row) {
      const event = decodeClick(value);
      batch.events[row] = event;
      batch.eventTimesMs[row] = event.eventTimeMs;
    },
  };
}
