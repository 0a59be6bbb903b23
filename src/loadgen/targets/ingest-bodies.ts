// Per-account NDJSON bodies for POST /v1/events: a write key may only send its own account's
// links, so each generated batch is split by account (a counting sort, so each account's events
// form one run) and each account fills its own body of `linesPerRequest` lines. A body collects
// event indexes and is rendered whole when sealed, in one pass into one reused buffer (growing a
// buffer per account costs more than the rendering itself).
import type { LineRenderer } from '../line-renderer.js';
import type { GeneratedBatch, World } from '../types.js';

/** Events of one batch within a body: lines `[start, end)` are `indexes[start..end)` of `batch`. */
export interface Segment {
  batch: GeneratedBatch;
  start: number;
  end: number;
}

/** A body being filled: which events it holds, rendered only when it is sealed. */
export interface Body {
  account: number;
  lines: number;
  /** The batch index of each line, in line order. */
  indexes: Int32Array;
  segments: Segment[];
}

export interface SealedBody extends Body {
  bytes: Buffer;
}

export interface BodyQueue {
  /** Splits the batch by account into bodies; full ones are sealed and queued. */
  accept(batch: GeneratedBatch): void;
  /** Seals and queues every partly filled body. */
  flush(): void;
  /** The oldest sealed body, or undefined. */
  shift(): SealedBody | undefined;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
}

export function createBodyQueue(world: World, renderer: LineRenderer, linesPerRequest: number): BodyQueue {
  const linkAccount = Int32Array.from(world.links, (link) => link.accountIndex);
  const pending: (Body | undefined)[] = new Array<Body | undefined>(world.accounts.length);
  const queue: SealedBody[] = [];
  let queuedBytes = 0;
  let scratch = Buffer.allocUnsafe(0);

  const render = (body: Body): Buffer => {
    if (scratch.length < body.lines * renderer.maxLineBytes) scratch = Buffer.allocUnsafe(linesPerRequest * renderer.maxLineBytes);
    let length = 0;
    for (const { batch, start, end } of body.segments) {
      for (let line = start; line < end; line++) length += renderer.writeLine(batch, body.indexes[line]!, scratch, length);
    }
    return Buffer.from(scratch.subarray(0, length));
  };

  const seal = (body: Body): void => {
    pending[body.account] = undefined;
    const bytes = render(body);
    queue.push({ ...body, bytes });
    queuedBytes += bytes.length;
  };

  const bodyFor = (account: number): Body => {
    const body: Body = { account, lines: 0, indexes: new Int32Array(linesPerRequest), segments: [] };
    pending[account] = body;
    return body;
  };

  /** Appends the events at `order[from..to)` of `batch`, all of one account, to its bodies. */
  const addRun = (batch: GeneratedBatch, account: number, order: Int32Array, from: number, to: number): void => {
    for (let at = from; at < to; ) {
      const body = pending[account] ?? bodyFor(account);
      const lines = Math.min(to - at, linesPerRequest - body.lines);
      body.indexes.set(order.subarray(at, at + lines), body.lines);
      body.segments.push({ batch, start: body.lines, end: body.lines + lines });
      body.lines += lines;
      at += lines;
      if (body.lines >= linesPerRequest) seal(body);
    }
  };

  const accept = (batch: GeneratedBatch): void => {
    // A counting sort by account: each account's lines are then written in one run, into one body.
    const starts = new Int32Array(world.accounts.length + 1);
    for (let index = 0; index < batch.size; index++) starts[linkAccount[batch.link[index]!]! + 1]!++;
    for (let account = 0; account < world.accounts.length; account++) starts[account + 1]! += starts[account]!;
    const order = new Int32Array(batch.size);
    const next = starts.slice(0, world.accounts.length);
    for (let index = 0; index < batch.size; index++) order[next[linkAccount[batch.link[index]!]!]!++] = index;
    for (let account = 0; account < world.accounts.length; account++) {
      if (starts[account + 1]! > starts[account]!) addRun(batch, account, order, starts[account]!, starts[account + 1]!);
    }
  };

  return {
    accept,
    flush() {
      for (const body of pending) if (body !== undefined) seal(body);
    },
    shift() {
      const body = queue.shift();
      if (body !== undefined) queuedBytes -= body.bytes.length;
      return body;
    },
    get queuedRequests() {
      return queue.length;
    },
    get queuedBytes() {
      return queuedBytes;
    },
  };
}
