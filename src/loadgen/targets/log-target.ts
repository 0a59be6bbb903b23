// Straight into the event log, through the same ingestor the HTTP paths use (dedupe by id,
// partition by network, encode, append, wait until durable), with no HTTP in between: the load
// for measuring the log and the stream jobs on their own. One append call per generated batch.
import type { Clock } from '../../core/index.js';
import { errorMessage } from '../../core/index.js';
import type { Ingestor } from '../../ingest/index.js';
import { toClickEvents } from '../click-events.js';
import type { GeneratedBatch, LoadTarget, RequestOutcome, World } from '../types.js';

/** Rough bytes of one queued event once it is a ClickEvent, for the runner's prebuild bound. */
const eventBytesEstimate = 300;

export function createLogTarget(deps: { clock: Clock; world: World; ingestor: Ingestor; eventIdPrefix: string }): LoadTarget {
  const { clock, world, ingestor, eventIdPrefix } = deps;
  const queue: GeneratedBatch[] = [];
  let queuedEvents = 0;

  const send = async (batch: GeneratedBatch): Promise<RequestOutcome> => {
    // Clicks as a redirect node would write them: the node stamps ingest time when it submits.
    const events = toClickEvents(world, batch, { eventIdPrefix, ingestTimeMs: clock.nowMs(), source: 'redirect' });
    try {
      const result = await ingestor.submit(events);
      return { events: batch.size, acknowledged: [{ batch, indexes: undefined }], acknowledgedCount: batch.size, failed: 0, retries: 0, serverAccepted: result.accepted, serverDuplicates: result.duplicates };
    } catch (error) {
      return { events: batch.size, acknowledged: [], acknowledgedCount: 0, failed: batch.size, retries: 0, error: errorMessage(error) };
    }
  };

  return {
    name: 'log',
    accept(batch) {
      queue.push(batch);
      queuedEvents += batch.size;
    },
    flush: () => undefined,
    get queuedRequests() {
      return queue.length;
    },
    get queuedBytes() {
      return queuedEvents * eventBytesEstimate;
    },
    startNext() {
      const batch = queue.shift()!;
      queuedEvents -= batch.size;
      return { events: batch.size, outcome: send(batch) };
    },
    close: async () => undefined,
  };
}
