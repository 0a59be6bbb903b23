// POST /v1/events: events become NDJSON bodies, one account each (see ingest-bodies.ts), each
// sent once it holds `linesPerRequest` lines or when the runner flushes; an unpaced run has its
// bodies built before its clock starts. The answer says which lines were refused; every other
// line counts as acknowledged (stored, or dropped by the server as a duplicate).
import type { Clock } from '../../core/index.js';
import { errorMessage } from '../../core/index.js';
import type { LineRenderer } from '../line-renderer.js';
import type { AcknowledgedEvents, LoadTarget, RequestOutcome, World } from '../types.js';
import { createBodyQueue, type SealedBody } from './ingest-bodies.js';
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

interface IngestAnswer {
  accepted?: number;
  duplicates?: number;
  rejections?: { line: number; reason: string }[];
  rejectionsTruncated?: boolean;
  error?: { message?: string };
}

/** The acknowledged events of a body: all but the lines the server refused (numbered from 1). */
function acknowledgedOf(body: SealedBody, refusedLines: ReadonlySet<number>): { acknowledged: AcknowledgedEvents[]; count: number } {
  const acknowledged: AcknowledgedEvents[] = [];
  let count = 0;
  for (const { batch, start, end } of body.segments) {
    const indexes = refusedLines.size === 0 ? body.indexes.subarray(start, end) : body.indexes.subarray(start, end).filter((_, at) => !refusedLines.has(start + at + 1));
    count += indexes.length;
    if (indexes.length > 0) acknowledged.push({ batch, indexes });
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
    const { acknowledged, count } = acknowledgedOf(body, new Set(rejections.map((rejection) => rejection.line)));
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
  const bodies = createBodyQueue(world, renderer, options.linesPerRequest);

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
    accept: (batch) => bodies.accept(batch),
    flush: () => bodies.flush(),
    get queuedRequests() {
      return bodies.queuedRequests;
    },
    get queuedBytes() {
      return bodies.queuedBytes;
    },
    startNext() {
      const body = bodies.shift()!;
      return { events: body.lines, outcome: send(body) };
    },
    async close() {
      client.close();
    },
  };
}
