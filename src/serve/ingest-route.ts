// POST /v1/events: clicks imported in bulk from an existing shortener or the load generator.
// The body is NDJSON (one click per line) or a JSON array of clicks. Every line is checked on its
// own: valid lines are stored even when others fail; each rejected line is answered with its
// number and reason and kept in the dead-letter table. The answer comes once the accepted clicks
// are durable. Retrying a request is safe: clicks are deduplicated by event id.
//
// Status: 200 when every line was accepted, 207 when some were rejected, 400 when none was
// accepted, 413 when the body or line count is over its limit (nothing is stored then).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../core/index.js';
import { limits } from '../core/index.js';
import type { ClickEvent, ClickValidationPolicy, FieldProblem, ImportLine } from '../events/index.js';
import { completeImportLine, describeProblems, validateImportLine } from '../events/index.js';
import type { Ingestor, UserAgentClass } from '../ingest/index.js';
import type { DeadLetter, Link, Store } from '../store/index.js';
import { accountFor, type Authenticator } from './auth.js';
import { HttpError, badRequest } from './http-error.js';
import type { LinkCache } from './link-cache.js';

export interface IngestRouteDeps {
  store: Store;
  ingestor: Ingestor;
  linkCache: LinkCache;
  authenticator: Authenticator;
  classifyUserAgent: (userAgent: string) => UserAgentClass;
  nextEventId: () => string;
  policy: ClickValidationPolicy;
  clock: Clock;
  logger: Logger;
}

export interface Rejection {
  line: number;
  reason: string;
  problems: FieldProblem[];
}

interface ParsedLine {
  number: number;
  text: string;
  value?: unknown;
  problem?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readBody(request: IncomingMessage, bytesMax: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > bytesMax) throw new HttpError(413, 'payload_too_large', `the body is ${declared} bytes; the limit is ${bytesMax}. Split it into several requests.`);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > bytesMax) throw new HttpError(413, 'payload_too_large', `the body is over the limit of ${bytesMax} bytes. Split it into several requests.`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

/** Splits NDJSON into numbered non-blank lines, each decoded as strict UTF-8 and parsed as JSON. */
export function parseNdjson(body: Buffer): ParsedLine[] {
  let text: string | undefined;
  try {
    text = utf8.decode(body);
  } catch {
    // Some line is not UTF-8: decode line by line so that only the bad lines are rejected.
    return parseNdjsonBytes(body);
  }
  const lines: ParsedLine[] = [];
  let number = 0;
  for (const raw of text.split('\n')) {
    number++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    lines.push(parseText(number, line));
    checkLineCount(lines.length);
  }
  return lines;
}

function checkLineCount(count: number): void {
  if (count > limits.ingestLinesMax) {
    throw new HttpError(413, 'payload_too_large', `more than ${limits.ingestLinesMax} lines; split the import into several requests`);
  }
}

function parseNdjsonBytes(body: Buffer): ParsedLine[] {
  const lines: ParsedLine[] = [];
  let start = 0;
  for (let number = 1; start <= body.length; number++) {
    let end = body.indexOf(10, start);
    if (end === -1) end = body.length;
    const raw = body.subarray(start, end);
    start = end + 1;
    if (raw.length === 0 || (raw.length === 1 && raw[0] === 13)) continue;
    lines.push(parseLine(number, raw[raw.length - 1] === 13 ? raw.subarray(0, -1) : raw));
    checkLineCount(lines.length);
  }
  return lines;
}

function parseLine(number: number, raw: Uint8Array): ParsedLine {
  try {
    return parseText(number, utf8.decode(raw));
  } catch {
    return { number, text: Buffer.from(raw).toString('latin1'), problem: 'line: is not valid UTF-8' };
  }
}

function parseText(number: number, text: string): ParsedLine {
  if (text.trim().length === 0) return { number, text, problem: 'line: is blank' };
  try {
    return { number, text, value: JSON.parse(text) };
  } catch (error) {
    return { number, text, problem: `line: is not valid JSON (${(error as Error).message})` };
  }
}

/** A JSON array body: each element is a line, numbered from 1. */
function parseJsonArray(body: Buffer): ParsedLine[] {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw badRequest('the body is not valid UTF-8');
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}. Send NDJSON (one click per line) to have each line checked on its own.`);
  }
  if (!Array.isArray(values)) throw badRequest('a JSON body must be an array of clicks');
  if (values.length > limits.ingestLinesMax) throw new HttpError(413, 'payload_too_large', `more than ${limits.ingestLinesMax} clicks; split the import`);
  return values.map((value, i) => ({ number: i + 1, text: JSON.stringify(value) ?? '', value }));
}

function isJsonArrayBody(request: IncomingMessage, body: Buffer): boolean {
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return true;
  if (type.startsWith('application/x-ndjson') || type.startsWith('application/ndjson')) return false;
  for (const byte of body) {
    if (byte !== 32 && byte !== 9 && byte !== 10 && byte !== 13) return byte === 91; // '['
  }
  return false;
}

async function resolveSlugs(linkCache: LinkCache, lines: readonly ImportLine[]): Promise<Map<string, Link | undefined>> {
  const slugs = [...new Set(lines.map((line) => line.slug))];
  const links = await Promise.all(slugs.map((slug) => linkCache.lookup(slug)));
  return new Map(slugs.map((slug, i) => [slug, links[i]]));
}

export function createIngestRoute(deps: IngestRouteDeps) {
  const describeUserAgent = (userAgent: string) => deps.classifyUserAgent(userAgent);

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const principal = await deps.authenticator.authenticate(request.headers.authorization);
    const accountId = accountFor(principal, 'write', new URL(request.url ?? '/', 'http://x').searchParams.get('accountId') ?? undefined);
    const body = await readBody(request, limits.ingestBodyBytesMax);
    const parsed = isJsonArrayBody(request, body) ? parseJsonArray(body) : parseNdjson(body);
    const nowMs = deps.clock.nowMs();
    const rejections: Rejection[] = [];
    const reject = (line: ParsedLine, problems: FieldProblem[]): void => {
      rejections.push({ line: line.number, reason: describeProblems(problems), problems });
    };

    const valid: { line: ParsedLine; fields: ImportLine }[] = [];
    for (const line of parsed) {
      if (line.problem !== undefined) {
        reject(line, [{ field: 'line', problem: line.problem.replace(/^line: /, '') }]);
        continue;
      }
      const result = validateImportLine(line.value, deps.policy, nowMs);
      if (result.ok) valid.push({ line, fields: result.line });
      else reject(line, result.problems);
    }

    const links = await resolveSlugs(deps.linkCache, valid.map((entry) => entry.fields));
    const events: ClickEvent[] = [];
    for (const { line, fields } of valid) {
      const link = links.get(fields.slug);
      // Another account's link is answered exactly like a missing one: slugs cannot be probed.
      if (!link || link.accountId !== accountId) {
        reject(line, [{ field: 'slug', problem: `no link of this account has the slug ${JSON.stringify(fields.slug)}` }]);
        continue;
      }
      events.push(
        completeImportLine(fields, {
          ingestTimeMs: nowMs,
          link: { linkId: link.id, userId: link.userId, accountId: link.accountId },
          newEventId: deps.nextEventId,
          describeUserAgent,
        }),
      );
    }

    const submitted = await deps.ingestor.submit(events);
    if (rejections.length > 0) await keepDeadLetters(deps.store, accountId, nowMs, parsed, rejections);
    rejections.sort((a, b) => a.line - b.line);
    const status = rejections.length === 0 ? 200 : events.length > 0 ? 207 : 400;
    const answer = {
      accepted: submitted.accepted,
      duplicates: submitted.duplicates,
      rejected: rejections.length,
      rejections: rejections.slice(0, limits.ingestRejectionsListedMax),
      ...(rejections.length > limits.ingestRejectionsListedMax ? { rejectionsTruncated: true } : {}),
    };
    const text = JSON.stringify(answer);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
}

async function keepDeadLetters(store: Store, accountId: string, nowMs: number, parsed: ParsedLine[], rejections: Rejection[]): Promise<void> {
  const textByLine = new Map(parsed.map((line) => [line.number, line.text]));
  const entries: Omit<DeadLetter, 'id'>[] = rejections.map((rejection) => ({
    receivedAtMs: nowMs,
    accountId,
    source: 'ingest',
    line: rejection.line,
    reason: rejection.reason,
    payload: textByLine.get(rejection.line) ?? '',
  }));
  await store.deadLetters.add(entries);
}
