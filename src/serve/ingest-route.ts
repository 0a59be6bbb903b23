// POST /v1/events: clicks imported in bulk from an existing shortener or the load generator.
// The body is NDJSON (one click per line) or a JSON array of clicks. Every line is checked on its
// own: valid lines are stored even when others fail; each rejected line is answered with its
// number and reason and kept in the dead-letter table. The answer comes once the accepted clicks
// are durable. Retrying a request is safe: clicks are deduplicated by event id.
//
// Status: 200 when every line was accepted, 207 when some were rejected, 400 when none was
// accepted, 413 when the body or line count is over its limit (nothing is stored then).
//
// The lines are parsed, validated, enriched and encoded by the import preparer (a pool of worker
// threads, see src/ingest/ingest-pool.ts); this thread reads the body, appends the clicks through
// the ingestor (dedupe window, log), keeps the dead letters and answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../core/index.js';
import { limits } from '../core/index.js';
import type { ImportPreparer, ImportRejection, Ingestor, SubmitResult } from '../ingest/index.js';
import type { DeadLetter, Store } from '../store/index.js';
import { accountFor, type Authenticator } from './auth.js';
import { HttpError } from './http-error.js';

export interface IngestRouteDeps {
  store: Store;
  ingestor: Ingestor;
  /** Parses, validates, resolves and encodes a body: a worker pool, or in process. */
  preparer: ImportPreparer;
  authenticator: Authenticator;
  clock: Clock;
  logger: Logger;
}

function payloadTooLarge(message: string): HttpError {
  return new HttpError(413, 'payload_too_large', message);
}

/**
 * Reads the body into memory of its own (never Node's shared pool), so that it can be handed to
 * a worker without a copy: straight into a buffer of the declared length, or gathered when the
 * body is chunked.
 */
function readBody(request: IncomingMessage, bytesMax: number): Promise<Buffer> {
  const header = request.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && declared > bytesMax) {
    throw payloadTooLarge(`the body is ${declared} bytes; the limit is ${bytesMax}. Split it into several requests.`);
  }
  const exact = declared !== undefined && Number.isSafeInteger(declared) && declared >= 0 ? Buffer.allocUnsafeSlow(declared) : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      if (length + chunk.length > (exact?.length ?? bytesMax)) {
        failed = true;
        return reject(payloadTooLarge(`the body is over the limit of ${bytesMax} bytes. Split it into several requests.`));
      }
      if (exact) exact.set(chunk, length);
      else chunks.push(chunk);
      length += chunk.length;
    });
    request.once('error', reject);
    request.once('end', () => {
      if (failed) return;
      if (exact) return resolve(exact.subarray(0, length));
      const body = Buffer.allocUnsafeSlow(length);
      for (let at = 0, index = 0; index < chunks.length; at += chunks[index]!.length, index++) body.set(chunks[index]!, at);
      resolve(body);
    });
  });
}

function isJsonArrayBody(request: IncomingMessage, body: Uint8Array): boolean {
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return true;
  if (type.startsWith('application/x-ndjson') || type.startsWith('application/ndjson')) return false;
  for (const byte of body) {
    if (byte !== 32 && byte !== 9 && byte !== 10 && byte !== 13) return byte === 91; // '['
  }
  return false;
}

function accountIdParameter(url: string | undefined): string | undefined {
  const query = url?.indexOf('?') ?? -1;
  return query < 0 ? undefined : (new URLSearchParams(url!.slice(query + 1)).get('accountId') ?? undefined);
}

export function createIngestRoute(deps: IngestRouteDeps) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const principal = await deps.authenticator.authenticate(request.headers.authorization);
    const accountId = accountFor(principal, 'write', accountIdParameter(request.url));
    const body = await readBody(request, limits.ingestBodyBytesMax);
    const format = isJsonArrayBody(request, body) ? 'json-array' : 'ndjson';
    const nowMs = deps.clock.nowMs();
    // The body is handed over (a worker takes its memory): nothing here reads it afterwards.
    const { clicks, rejections } = await deps.preparer.prepare({ body, format, accountId, nowMs });
    const submitted: SubmitResult = clicks.count > 0 ? await deps.ingestor.submitEncoded(clicks) : { accepted: 0, duplicates: 0 };
    if (rejections.length > 0) await keepDeadLetters(deps.store, accountId, nowMs, rejections);
    const status = rejections.length === 0 ? 200 : clicks.count > 0 ? 207 : 400;
    const answer = {
      accepted: submitted.accepted,
      duplicates: submitted.duplicates,
      rejected: rejections.length,
      rejections: rejections.slice(0, limits.ingestRejectionsListedMax).map(({ line, reason, problems }) => ({ line, reason, problems })),
      ...(rejections.length > limits.ingestRejectionsListedMax ? { rejectionsTruncated: true } : {}),
    };
    const text = JSON.stringify(answer);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
}

async function keepDeadLetters(store: Store, accountId: string, nowMs: number, rejections: readonly ImportRejection[]): Promise<void> {
  const entries: Omit<DeadLetter, 'id'>[] = rejections.map((rejection) => ({
    receivedAtMs: nowMs,
    accountId,
    source: 'ingest',
    line: rejection.line,
    reason: rejection.reason,
    payload: rejection.text,
  }));
  await store.deadLetters.add(entries);
}
