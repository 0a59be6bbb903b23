// A read cursor over one partition: a server-side pull consumer filtered to the partition's
// subject, and the messages it delivered, decoded and not yet returned. A read that continues where
// the last one stopped (the usual case) reuses both: no consumer is made, and what a prefetch pull
// already brought is returned at once. A read elsewhere seeks: a new consumer from that sequence.
//
// Retention is checked, never skipped past: a seek below the partition's cut point is an error,
// and so is a message that arrives after a gap in sequences if the cut has passed the gap's start
// (the consumer skips removed messages silently; the cut in the KV bucket says whether any were
// this partition's). docs/log-nats.md, "Reading".
import { limits, type TimerHandle } from '../../core/index.js';
import { logClosedError, logUsageError, offsetRemovedError } from '../errors.js';
import type { RecordBatch } from '../types.js';
import { bufferDelivery, takeRecords, verifyGaps, type CursorBuffer } from './cursor-buffer.js';
import { classified, natsLogError } from './nats-errors.js';
import { endOffsetOf, offsetOf, sequenceOf } from './offsets.js';
import { partitionSubject } from './options.js';
import { createPullConsumer, type PullConsumer, type PullOutcome } from './pull-consumer.js';
import type { ReadBounds } from '../request-checks.js';
import type { RetentionCuts } from './retention-cuts.js';
import type { Semaphore } from './semaphore.js';
import type { NatsSession } from './session.js';

export interface CursorContext {
  session: NatsSession;
  partition: number;
  cuts: RetentionCuts;
  /** The sequence of the partition's newest message, as of the call. */
  lastSequence(partition: number): Promise<number | undefined>;
  /** Bytes a pull for what is there now may bring: at least one message of the server's largest size. */
  pullBytes: number;
  /** Bytes a long poll may bring: one largest message; a reader at the end gets little at a time. */
  waitPullBytes: number;
  /**
   * Slots for pulls of `pullBytes`, shared by every cursor of the log: what the server may have on
   * its way to this connection stays under its max_pending, past which it drops a slow consumer.
   */
  pullSlots: Semaphore;
}

export interface PartitionCursor {
  /** The offset a read continuing this cursor starts from. */
  readonly position: number;
  read(fromOffset: number, bounds: ReadBounds): Promise<RecordBatch>;
  /** Makes the next pull use a new consumer, from where this one stopped. */
  renew(): void;
  close(): void;
}

interface CursorState extends CursorBuffer {
  consumer: PullConsumer | undefined;
  generation: number;
  /** Outstanding pulls of the current consumer: kind and cursor-wide serial number. */
  pulls: Map<number, { kind: 'now' | 'wait'; serial: number }>;
  serials: number;
  /** Highest serial of a pull that ended with an answer (complete or drained). */
  answered: number;
  /** A pull went unanswered or the consumer is gone: make a new one before the next pull. */
  broken: boolean;
  stalls: number;
  wake: (() => void) | undefined;
  closed: boolean;
}

/** Pulls in a row that may go unanswered before a read gives up with a retryable error. */
const stallsMax = 3;

export function createPartitionCursor(context: CursorContext): PartitionCursor {
  const state: CursorState = {
    partition: context.partition,
    consumer: undefined,
    generation: 0,
    position: -1,
    resumeSequence: 1,
    buffer: [],
    pulls: new Map(),
    serials: 0,
    answered: 0,
    broken: false,
    stalls: 0,
    knownCut: 0,
    wake: undefined,
    closed: false,
  };
  return {
    get position() {
      return state.position;
    },
    read: (fromOffset, bounds) => readAt(context, state, fromOffset, bounds),
    renew() {
      state.broken = true;
    },
    close() {
      state.closed = true;
      state.consumer?.close();
      state.consumer = undefined;
      forgetPulls(context, state);
      state.wake?.();
    },
  };
}

async function readAt(context: CursorContext, state: CursorState, fromOffset: number, bounds: ReadBounds): Promise<RecordBatch> {
  const { clock } = context.session;
  const partition = context.partition;
  if (state.closed) throw logClosedError();
  if (fromOffset !== state.position || !state.consumer) await seek(context, state, fromOffset);
  const deadline = clock.monotonicMs() + bounds.waitMs;
  const firstSerial = state.serials + 1;
  for (;;) {
    await verifyGaps(state, async () => (await context.cuts.load())[partition]!);
    const records = takeRecords(state, bounds);
    if (records.length > 0) {
      prefetch(context, state);
      return { partition, records, nextOffset: state.position };
    }
    const remainingMs = deadline - clock.monotonicMs();
    // Empty only once the server has answered since this read began: a read right after an
    // acknowledged append must see it. A long poll outstanding counts: the server pushes into it.
    // A log closing ends every wait at once.
    const fresh = state.answered >= firstSerial || (bounds.waitMs > 0 && hasPull(state, 'wait'));
    if ((remainingMs <= 0 && fresh) || state.closed) return { partition, records: [], nextOffset: state.position };
    await ensurePull(context, state, remainingMs, firstSerial);
    if (state.closed) continue;
    await nextEvent(context, state, remainingMs > 0 ? remainingMs : undefined);
  }
}

function hasPull(state: CursorState, kind: 'now' | 'wait'): boolean {
  for (const pull of state.pulls.values()) if (pull.kind === kind) return true;
  return false;
}

async function ensurePull(context: CursorContext, state: CursorState, remainingMs: number, firstSerial: number): Promise<void> {
  if (state.stalls >= stallsMax) {
    state.stalls = 0;
    throw natsLogError(new Error(`no answer from JetStream to ${stallsMax} pulls in a row`), { action: 'read', partition: context.partition });
  }
  const idle = state.consumer && context.session.clock.monotonicMs() - state.consumer.lastPullMs > context.session.cursorIdleMs / 2;
  if (state.broken || !state.consumer || idle) await openConsumer(context, state, state.resumeSequence);
  // At most one pull of each kind is outstanding, which bounds what the server may send ahead.
  // An older one still delivering is waited for; a fresh one follows if it brought nothing. A
  // long poll starts only once a pull for what is there now came back empty.
  if (hasPull(state, 'now')) return;
  if (remainingMs > 0) {
    if (hasPull(state, 'wait')) return;
    if (state.answered >= firstSerial) return startPull(context, state, 'wait', remainingMs);
  }
  await context.pullSlots.acquire();
  if (state.closed || !state.consumer) {
    context.pullSlots.release();
    return;
  }
  startPull(context, state, 'now', 0);
}

/** Sends a pull; a `now` pull must hold one of the log's pull slots, released when it ends. */
function startPull(context: CursorContext, state: CursorState, kind: 'now' | 'wait', waitMs: number): void {
  const bytes = kind === 'now' ? context.pullBytes : context.waitPullBytes;
  const id = state.consumer!.pull({ messages: limits.natsReadPullMessagesMax, bytes, waitMs });
  state.pulls.set(id, { kind, serial: ++state.serials });
}

/** Ends the bookkeeping of pulls the cursor no longer waits for, giving back their slots. */
function forgetPulls(context: CursorContext, state: CursorState): void {
  for (const pull of state.pulls.values()) if (pull.kind === 'now') context.pullSlots.release();
  state.pulls.clear();
}

/** After a read returned records: if nothing is buffered or on its way, ask for more now. */
function prefetch(context: CursorContext, state: CursorState): void {
  if (state.buffer.length > 0 || state.pulls.size > 0 || state.broken || !state.consumer || state.closed) return;
  if (context.pullSlots.tryAcquire()) startPull(context, state, 'now', 0);
}

function nextEvent(context: CursorContext, state: CursorState, timeoutMs: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    let timer: TimerHandle | undefined;
    const done = () => {
      timer?.cancel();
      if (state.wake === done) state.wake = undefined;
      resolve();
    };
    if (timeoutMs !== undefined) timer = context.session.clock.setTimer(timeoutMs, done);
    state.wake = done;
  });
}

async function seek(context: CursorContext, state: CursorState, fromOffset: number): Promise<void> {
  const partition = context.partition;
  state.buffer = [];
  state.position = fromOffset;
  state.resumeSequence = Math.max(1, sequenceOf(fromOffset));
  state.stalls = 0;
  // The checks and the new consumer are independent: ask for all at once.
  const [cuts, lastSequence] = await Promise.all([
    context.cuts.load(),
    context.lastSequence(partition),
    openConsumer(context, state, state.resumeSequence),
  ]);
  state.knownCut = Math.max(state.knownCut, cuts[partition]!);
  const startOffset = offsetOf(state.knownCut, 0);
  const endOffset = endOffsetOf(lastSequence, state.knownCut);
  if (fromOffset < startOffset || fromOffset > endOffset) state.position = -1;
  if (fromOffset < startOffset) throw offsetRemovedError(partition, fromOffset, startOffset);
  // The consumer would skip the sequences up to a future offset, whatever is appended there.
  if (fromOffset > endOffset) throw logUsageError(`offset ${fromOffset} is past the end of partition ${partition} (${endOffset})`, partition, fromOffset);
}

async function openConsumer(context: CursorContext, state: CursorState, startSequence: number): Promise<void> {
  state.consumer?.close();
  state.consumer = undefined;
  forgetPulls(context, state);
  state.broken = false;
  const generation = ++state.generation;
  const current = () => generation === state.generation && !state.closed;
  const consumer = await classified({ action: 'create a read consumer', partition: context.partition }, () =>
    createPullConsumer(
      context.session,
      { filterSubject: partitionSubject(context.session.options, context.partition), startSequence, headersOnly: false },
      {
        onDelivery: (delivery) => {
          if (!current()) return;
          bufferDelivery(state, delivery);
          state.wake?.();
        },
        onPullEnd: (id, outcome) => current() && pullEnded(context, state, id, outcome),
      },
    ),
  );
  if (current()) state.consumer = consumer;
  else consumer.close();
}

function pullEnded(context: CursorContext, state: CursorState, id: number, outcome: PullOutcome): void {
  const pull = state.pulls.get(id);
  state.pulls.delete(id);
  if (pull?.kind === 'now') context.pullSlots.release();
  if (outcome === 'stalled' || outcome === 'lost') {
    state.broken = true;
    if (outcome === 'stalled') state.stalls++;
  } else {
    state.stalls = 0;
    if (pull) state.answered = Math.max(state.answered, pull.serial);
  }
  state.wake?.();
}
