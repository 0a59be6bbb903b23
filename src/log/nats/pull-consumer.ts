// A JetStream pull consumer driven by raw pull requests. The nats client's own fetch() refuses to
// wait less than a second and cannot ask "what is there right now" (no_wait); reads need both, and
// one long-lived consumer per reader so that a read that continues where the last one stopped costs
// one round trip. Each pull has its own inbox, so its end (a full batch or a 404/408 status) is
// known even while another pull, e.g. a long poll, is outstanding.
import { AckPolicy, DeliverPolicy, createInbox, nanos, nuid, type Msg, type Subscription } from 'nats';
import { limits } from '../../core/index.js';
import type { NatsSession } from './session.js';

export interface Delivery {
  subject: string;
  sequence: number;
  timestampMs: number;
  msg: Msg;
}

/**
 * complete: the batch was delivered in full (more may be waiting); drained: the server has nothing
 * more right now or the wait expired; stalled: no answer by the deadline (the consumer may be gone:
 * the server does not answer pulls of a missing consumer); lost: the server says it is gone.
 */
export type PullOutcome = 'complete' | 'drained' | 'stalled' | 'lost';

export interface PullConsumerSpec {
  filterSubject: string;
  /** First stream sequence to deliver (ignored with `lastPerSubject`). */
  startSequence: number;
  /** Deliver the newest message of each subject, then everything new. */
  lastPerSubject?: boolean;
  /** Deliver headers (and `Nats-Msg-Size`) only, for scans that need no payload. */
  headersOnly: boolean;
}

export interface PullEvents {
  /** Called in stream order, whichever pull the message answers. */
  onDelivery(delivery: Delivery): void;
  onPullEnd(pullId: number, outcome: PullOutcome): void;
}

export interface PullRequest {
  messages: number;
  bytes: number;
  /** 0: answer at once with what is there (no_wait); otherwise hold the request this long. */
  waitMs: number;
}

export interface PullConsumer {
  readonly name: string;
  /** Pulls sent and not yet ended. */
  readonly outstanding: number;
  /** Monotonic time of the last pull, to renew a consumer before the server drops it as idle. */
  readonly lastPullMs: number;
  /** Sends one pull request; returns its id, which its `onPullEnd` carries. Not after close(). */
  pull(request: PullRequest): number;
  /** Stops listening and deletes the consumer (best effort: the server also removes it once idle). */
  close(): void;
}

/** Stream sequence and timestamp from a JetStream reply subject (old 9-token and new 12-token forms). */
export function parseAckSubject(reply: string): { sequence: number; timestampMs: number } | undefined {
  const tokens = reply.split('.');
  if (tokens[0] !== '$JS' || tokens[1] !== 'ACK') return undefined;
  const shift = tokens.length === 9 ? 0 : tokens.length >= 11 ? 2 : -1;
  if (shift < 0) return undefined;
  const sequence = Number(tokens[5 + shift]);
  const timestampNanos = Number(tokens[7 + shift]);
  if (!Number.isSafeInteger(sequence) || !Number.isFinite(timestampNanos)) return undefined;
  return { sequence, timestampMs: Math.floor(timestampNanos / 1e6) };
}

function consumerConfig(name: string, spec: PullConsumerSpec, idleMs: number) {
  return {
    name,
    filter_subject: spec.filterSubject,
    ack_policy: AckPolicy.None,
    deliver_policy: spec.lastPerSubject ? DeliverPolicy.LastPerSubject : DeliverPolicy.StartSequence,
    ...(spec.lastPerSubject ? {} : { opt_start_seq: Math.max(1, spec.startSequence) }),
    headers_only: spec.headersOnly,
    // A reader's position lives in the client; the consumer is a disposable server-side cursor.
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(idleMs),
  };
}

/** What a pull's inbox receives: a message (counted against the batch) or a status that ends it. */
function classify(msg: Msg): { delivery: Delivery } | { outcome: PullOutcome } | undefined {
  const status = msg.headers?.code ?? 0;
  if (status === 0) {
    const position = msg.reply ? parseAckSubject(msg.reply) : undefined;
    return position && { delivery: { subject: msg.subject, sequence: position.sequence, timestampMs: position.timestampMs, msg } };
  }
  if (status === 100) return undefined; // an idle heartbeat
  if (status === 404 || status === 408) return { outcome: 'drained' };
  // 409 "Message Size Exceeds MaxBytes": the byte bound ended the batch; more may be waiting.
  if (status === 409 && /max ?bytes/i.test(msg.headers?.description ?? '')) return { outcome: 'complete' };
  return { outcome: 'lost' };
}

export async function createPullConsumer(session: NatsSession, spec: PullConsumerSpec, events: PullEvents): Promise<PullConsumer> {
  const { nc, jsm, clock, options } = session;
  const name = `cf_${nuid.next()}`;
  await jsm.consumers.add(options.stream, consumerConfig(name, spec, session.cursorIdleMs));
  const pullSubject = `$JS.API.CONSUMER.MSG.NEXT.${options.stream}.${name}`;
  const pulls = new Map<number, (outcome: PullOutcome) => void>();
  let lastPullId = 0;
  let lastPullMs = -Infinity;
  let closed = false;

  const pull = (request: PullRequest): number => {
    const id = ++lastPullId;
    lastPullMs = clock.monotonicMs();
    let remaining = request.messages;
    const end = (outcome: PullOutcome) => {
      if (!pulls.delete(id)) return;
      deadline.cancel();
      subscription.unsubscribe();
      if (!closed) events.onPullEnd(id, outcome);
    };
    const inbox = createInbox();
    const subscription: Subscription = nc.subscribe(inbox, {
      callback: (_error, msg) => {
        const what = classify(msg);
        if (what && 'outcome' in what) end(what.outcome);
        else if (what && pulls.has(id)) {
          events.onDelivery(what.delivery);
          if (--remaining <= 0) end('complete');
        }
      },
    });
    // A pull the server never answers (its consumer vanished, the connection dropped, a stale
    // pending count after a purge) ends here.
    const answerMs = request.waitMs > 0 ? request.waitMs + options.requestTimeoutMs : Math.min(options.requestTimeoutMs, limits.natsNoWaitPullAnswerMs);
    const deadline = clock.setTimer(answerMs, () => end('stalled'));
    pulls.set(id, end);
    const bounds = { batch: request.messages, max_bytes: request.bytes };
    const body = request.waitMs > 0 ? { ...bounds, expires: nanos(request.waitMs) } : { ...bounds, no_wait: true };
    nc.publish(pullSubject, JSON.stringify(body), { reply: inbox });
    return id;
  };

  return {
    name,
    get outstanding() {
      return pulls.size;
    },
    get lastPullMs() {
      return lastPullMs;
    },
    pull,
    /** Ends every outstanding pull without telling the events: their owner is done with them. */
    close() {
      if (closed) return;
      closed = true;
      for (const end of [...pulls.values()]) end('lost');
      if (!nc.isClosed() && !nc.isDraining()) jsm.consumers.delete(options.stream, name).catch(() => undefined);
    },
  };
}
