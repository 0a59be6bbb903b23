// POST /v1/events: events become NDJSON bodies, one per account (a write key may only send its
// own account's links), each sent once it holds `linesPerRequest` lines or when the runner
// flushes. Bodies are rendered when their last line arrives, so an unpaced run has them built
// before its clock starts. The answer says which lines were refused; every other line counts as
// acknowledged (stored, or dropped by the server as a duplicate).
import type { Clock } from '../../core/index.js';
import { errorMessage } from '../../core/index.js';
import type { LineRenderer } from '../line-renderer.js';
import type { AcknowledgedEvents, GeneratedBatch, LoadTarget, RequestOutcome, World } from '../types.js';
import { createHttpClient } from './http-client.js';
import { sendWithRetries } from './retrying-send.js';

export interface IngestTargetOptions {
  url: string;
  /** The write key of each account, by account index. */
  writeKeys: readonly string[];
  linesPerRequest: number;
  /** Sockets kept open: the most requests in flight. */
  connections: number;
  retries: number;
  requestTimeoutMs: number;
}

interface Segment {
  batch: GeneratedBatch;
  indexes: number[];
}

interface Body {
  account: number;
  lines: string[];
  segments: Segment[];
}

interface SealedBody {
  account: number;
  bytes: Buffer;
  lines: number;
  segments: Segment[];
}

interface IngestAnswer {
  accepted?: number;
  duplicates?: number;
  rejections?: { line: number; reason: string }[];
  rejectionsTruncated?: boolean;
  error?: { message?: string };
}

/** The acknowledged events of a body: all but the lines the server refused (numbered from 1). */
function acknowledgedOf(segments: readonly Segment[], refusedLines: ReadonlySet<number>): { acknowledged: AcknowledgedEvents[]; count: number } {
  if (refusedLines.size === 0) return { acknowledged: segments.map((segment) => ({ batch: segment.batch, indexes: segment.indexes })), count: segments.reduce((sum, segment) => sum + segment.indexes.length, 0) };
  const acknowledged: AcknowledgedEvents[] = [];
  let line = 0;
  let count = 0;
  for (const segment of segments) {
    const kept = segment.indexes.filter(() => !refusedLines.has(++line));
    count += kept.length;
    if (kept.length > 0) acknowledged.push({ batch: segment.batch, indexes: kept });
  }
  return { acknowledged, count };
}

function outcomeOf(body: SealedBody, status: number, text: string, retries: number): RequestOutcome {
  let answer: IngestAnswer = {};
  try {
    answer = JSON.parse(text) as IngestAnswer;
  } catch {
    // Not JSON: only the status speaks.
  }
  if (status === 200 || status === 207) {
    const rejections = answer.rejections ?? [];
    const { acknowledged, count } = acknowledgedOf(body.segments, new Set(rejections.map((rejection) => rejection.line)));
    const firstReason = rejections[0] === undefined ? undefined : `line ${rejections[0].line}: ${rejections[0].reason}${answer.rejectionsTruncated ? ' (more rejections were not listed; the truth may over-count)' : ''}`;
    return { events: body.lines, acknowledged, acknowledgedCount: count, failed: body.lines - count, retries, error: firstReason, serverAccepted: answer.accepted, serverDuplicates: answer.duplicates };
  }
  const reason = answer.rejections?.[0]?.reason ?? answer.error?.message ?? text.slice(0, 300);
  // 400 refuses lines of this body only; anything else (a bad key, a body over the limit) will repeat.
  return { events: body.lines, acknowledged: [], acknowledgedCount: 0, failed: body.lines, retries, error: `POST /v1/events answered ${status}: ${reason}`, fatal: status !== 400 };
}

export function createIngestTarget(deps: { clock: Clock; world: World; renderer: LineRenderer }, options: IngestTargetOptions): LoadTarget {
  const { world, renderer } = deps;
  const client = createHttpClient(options.url, { sockets: options.connections, timeoutMs: options.requestTimeoutMs });
  const linkAccount = Int32Array.from(world.links, (link) => link.accountIndex);
  const pending: (Body | undefined)[] = new Array<Body | undefined>(world.accounts.length);
  const queue: SealedBody[] = [];
  let queuedBytes = 0;

  const seal = (body: Body): void => {
    pending[body.account] = undefined;
    const bytes = Buffer.from(body.lines.join(''), 'latin1');
    queue.push({ account: body.account, bytes, lines: body.lines.length, segments: body.segments });
    queuedBytes += bytes.length;
  };

  const add = (batch: GeneratedBatch, index: number): void => {
    const account = linkAccount[batch.link[index]!]!;
    let body = pending[account];
    if (body === undefined) pending[account] = body = { account, lines: [], segments: [] };
    body.lines.push(renderer.line(batch, index));
    let segment = body.segments[body.segments.length - 1];
    if (segment === undefined || segment.batch !== batch) body.segments.push((segment = { batch, indexes: [] }));
    segment.indexes.push(index);
    if (body.lines.length >= options.linesPerRequest) seal(body);
  };

  const send = async (body: SealedBody): Promise<RequestOutcome> => {
    const request = {
      method: 'POST' as const,
      path: '/v1/events',
      headers: { 'content-type': 'application/x-ndjson', 'content-length': body.bytes.length, authorization: `Bearer ${options.writeKeys[body.account]}` },
      body: body.bytes,
    };
    try {
      const { answer, retries } = await sendWithRetries(client, request, deps, options.retries);
      return outcomeOf(body, answer.status, answer.body.toString('utf8'), retries);
    } catch (error) {
      return { events: body.lines, acknowledged: [], acknowledgedCount: 0, failed: body.lines, retries: options.retries, error: errorMessage(error) };
    }
  };

  return {
    name: 'ingest',
    accept(batch) {
      for (let index = 0; index < batch.size; index++) add(batch, index);
    },
    flush() {
      for (const body of pending) if (body !== undefined) seal(body);
    },
    get queuedRequests() {
      return queue.length;
    },
    get queuedBytes() {
      return queuedBytes;
    },
    startNext() {
      const body = queue.shift()!;
      queuedBytes -= body.bytes.length;
      return { events: body.lines, outcome: send(body) };
    },
    async close() {
      client.close();
    },
  };
}
