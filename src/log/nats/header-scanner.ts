// Scans message headers without payloads (a headers-only consumer): sequence, time, partition,
// record count (our Clickflow-Records header) and stored size. End offsets, stats and retention
// all need to know about messages, none needs their records. A scanner can be kept and drained
// again later: it continues from where it stopped.
import type { MsgHdrs } from 'nats';
import { limits } from '../../core/index.js';
import { natsLogError } from './nats-errors.js';
import { partitionOfSubject } from './options.js';
import { recordCountHeader } from './publisher.js';
import { createPullConsumer, type Delivery, type PullConsumer, type PullConsumerSpec, type PullOutcome } from './pull-consumer.js';
import type { NatsSession } from './session.js';

export interface ScannedMessage {
  partition: number;
  sequence: number;
  timestampMs: number;
  records: number;
  /** Bytes the message takes in the stream, as the server's file store counts them. */
  storedBytes: number;
}

export interface HeaderScanner {
  /**
   * Visits, in order, every message the scanner has not visited yet, up to the end of the stream
   * as of the call. Stops early when `visit` returns false (then close the scanner: the message
   * that stopped it is not visited again).
   */
  drain(visit: (message: ScannedMessage) => boolean | void): Promise<void>;
  /** Makes the next drain use a new consumer, from where this one stopped (see `renewAfterPurge`). */
  renew(): void;
  close(): void;
}

/** Pulls in a row that may go unanswered before a scan fails with a retryable error. */
const stallsMax = 3;
const msgSizeHeader = 'Nats-Msg-Size';

/** The stored size of a message: the file store's record layout (subject, headers, payload, hash). */
export function storedBytes(subject: string, headers: MsgHdrs | undefined): number {
  let headerBytes = 0;
  let payloadBytes = 0;
  if (headers) {
    for (const key of headers.keys()) {
      // Headers-only delivery adds Nats-Msg-Size; the stored message does not have it.
      if (key === msgSizeHeader) payloadBytes = Number(headers.get(key)) || 0;
      else for (const value of headers.values(key)) headerBytes += key.length + 2 + value.length + 2;
    }
  }
  const headerBlock = headerBytes > 0 ? 4 + 'NATS/1.0\r\n'.length + headerBytes + 2 : 0;
  return 22 + subject.length + headerBlock + payloadBytes + 8;
}

function scanned(session: NatsSession, delivery: Delivery): ScannedMessage | undefined {
  const partition = partitionOfSubject(session.options, delivery.subject);
  if (partition === undefined) return undefined;
  const headers = delivery.msg.headers;
  const records = Number(headers?.get(recordCountHeader) ?? 0);
  return {
    partition,
    sequence: delivery.sequence,
    timestampMs: delivery.timestampMs,
    records: Number.isSafeInteger(records) && records > 0 ? records : 0,
    storedBytes: storedBytes(delivery.subject, headers),
  };
}

export function createHeaderScanner(session: NatsSession, spec: Omit<PullConsumerSpec, 'headersOnly'>): HeaderScanner {
  let consumer: PullConsumer | undefined;
  let generation = 0;
  let resumeSequence = spec.startSequence;
  let delivered = false;
  let visitor: ((message: ScannedMessage) => boolean | void) | undefined;
  let stopped = false;
  let ended: ((outcome: PullOutcome) => void) | undefined;

  const open = async () => {
    consumer?.close();
    const mine = ++generation;
    // Once anything was delivered, continue from there (also after a last-per-subject start: every
    // subject's newest message not yet seen lies past the resume point).
    const from = delivered ? { ...spec, lastPerSubject: false, startSequence: resumeSequence } : spec;
    consumer = await createPullConsumer(session, { ...from, headersOnly: true }, {
      onDelivery(delivery) {
        if (mine !== generation || stopped || delivery.sequence < resumeSequence) return;
        resumeSequence = delivery.sequence + 1;
        delivered = true;
        const message = scanned(session, delivery);
        if (message && visitor?.(message) === false) stopped = true;
      },
      onPullEnd: (_id, outcome) => mine === generation && ended?.(outcome),
    });
  };

  const pullOnce = (target: PullConsumer) =>
    new Promise<PullOutcome>((resolve) => {
      ended = resolve;
      target.pull({ messages: limits.natsScanPullMessagesMax, bytes: limits.natsReadPullBytesMax, waitMs: 0 });
    });

  return {
    async drain(visit) {
      visitor = visit;
      let stalls = 0;
      try {
        for (;;) {
          const idle = consumer && session.clock.monotonicMs() - consumer.lastPullMs > session.cursorIdleMs / 2;
          if (!consumer || idle) await open();
          const outcome = await pullOnce(consumer!);
          if (stopped || outcome === 'drained') return;
          if (outcome === 'complete') continue;
          if (++stalls >= stallsMax) throw new Error(`no answer from JetStream to ${stallsMax} pulls in a row`);
          consumer!.close();
          consumer = undefined;
        }
      } catch (error) {
        throw natsLogError(error, { action: 'scan the stream' });
      } finally {
        visitor = undefined;
        ended = undefined;
      }
    },
    renew() {
      generation++;
      consumer?.close();
      consumer = undefined;
    },
    close() {
      generation++;
      consumer?.close();
      consumer = undefined;
    },
  };
}
