// One import request's clicks, from body to encoded records. The links of the slugs the body
// names are looked up first, all at once (`resolve`: one round trip to the thread that owns the
// link cache); then each line is read and checked, completed with its link, enriched, encoded and
// routed to its partition in one go, so no per-line object outlives its line. Lines whose slug
// was not looked up (the lookup missed it) wait, with every line after them to keep line order,
// for a second lookup after the pass. Synchronous apart from the lookups and pure, so it runs the
// same on an ingest worker and in process.
import type { ClickValidationPolicy, FieldProblem, ImportLine, LinkOwnership } from '../events/index.js';
import { completeImportLine, describeProblems, encodeClick, partitionForIp, validateImportLine } from '../events/index.js';
import { createEncodedClicksBuilder, type EncodedClicks, type EncodedClicksBuilder } from './encoded-clicks.js';
import {
  forEachByteLine,
  forEachTextLine,
  ndjsonText,
  parseJsonArrayBody,
  parseLineJson,
  slugsMentioned,
  type ImportBodyFormat,
  type LineReceiver,
} from './import-body.js';
import { scanImportLine } from './import-line-scanner.js';
import type { UserAgentClass } from './user-agent.js';

export interface ImportRequest {
  /** The request body as received. */
  body: Uint8Array;
  format: ImportBodyFormat;
  /** The account whose write key sent the request: only its links' slugs are accepted. */
  accountId: string;
  /** The ingest time of every click of the request, ms since the epoch. */
  nowMs: number;
}

/** A rejected line: its number (from 1), why, and its text for the dead-letter table. */
export interface ImportRejection {
  line: number;
  reason: string;
  problems: FieldProblem[];
  text: string;
}

/** One request's clicks, ready for the ingestor, and its rejected lines in line order. */
export interface PreparedImport {
  clicks: EncodedClicks;
  rejections: ImportRejection[];
}

/** What preparing needs besides the request: the policy, the log's partitions, the server's enrichment. */
export interface ImportSettings {
  policy: ClickValidationPolicy;
  partitions: number;
  /** Makes an id for a line that came without one. */
  newEventId: () => string;
  classifyUserAgent: (userAgent: string) => UserAgentClass;
}

/** The links the slugs name (index by index), or undefined where none does: any account's links. */
export type SlugResolver = (slugs: readonly string[]) => Promise<(LinkOwnership | undefined)[]>;

/** A valid line waiting for its slug's link. */
interface HeldLine {
  number: number;
  text: string;
  line: ImportLine;
}

function rejection(number: number, text: string, problems: FieldProblem[]): ImportRejection {
  return { line: number, reason: describeProblems(problems), problems, text };
}

/** The body's lines and the slugs it names, ready to be read once their links are known. */
function openBody(request: ImportRequest): { slugs: string[]; forEachLine: (each: LineReceiver) => void } {
  if (request.format === 'json-array') {
    const values = parseJsonArrayBody(request.body);
    const slugs = new Set<string>();
    for (const value of values) {
      const slug = (value as { slug?: unknown } | null)?.slug;
      if (typeof slug === 'string') slugs.add(slug);
    }
    return {
      slugs: [...slugs],
      forEachLine: (each) => values.forEach((value, index) => each(index + 1, JSON.stringify(value) ?? '', value, undefined)),
    };
  }
  const text = ndjsonText(request.body);
  if (text === undefined) return { slugs: [], forEachLine: (each) => forEachByteLine(request.body, each) };
  return { slugs: slugsMentioned(text), forEachLine: (each) => forEachTextLine(text, each) };
}

/** Encodes lines whose links are known into one request's clicks, collecting rejections. */
function createLineEncoder(request: ImportRequest, settings: ImportSettings, builder: EncodedClicksBuilder, rejections: ImportRejection[]) {
  const links = new Map<string, LinkOwnership | null>();
  // One completion, its link set per line: completeImportLine keeps nothing of it.
  const completion = { ingestTimeMs: request.nowMs, link: undefined as unknown as LinkOwnership, newEventId: settings.newEventId, describeUserAgent: settings.classifyUserAgent };
  return {
    knows: (slug: string): boolean => links.has(slug),
    learn(slugs: readonly string[], found: readonly (LinkOwnership | undefined)[]): void {
      slugs.forEach((slug, index) => links.set(slug, found[index] ?? null));
    },
    encode(number: number, text: string, line: ImportLine): void {
      const link = links.get(line.slug);
      // Another account's link is answered exactly like a missing one: slugs cannot be probed.
      if (!link || link.accountId !== request.accountId) {
        rejections.push(rejection(number, text, [{ field: 'slug', problem: `no link of this account has the slug ${JSON.stringify(line.slug)}` }]));
        return;
      }
      completion.link = link;
      const event = completeImportLine(line, completion);
      builder.add(encodeClick(event), partitionForIp(event.ip, settings.partitions), event.id);
    },
  };
}

/**
 * Reads, checks, completes and encodes one request's clicks, asking `resolve` for links at most
 * twice. Throws ImportBodyError when the body is refused whole (413, 400).
 */
export async function prepareImport(request: ImportRequest, settings: ImportSettings, resolve: SlugResolver): Promise<PreparedImport> {
  const body = openBody(request);
  const rejections: ImportRejection[] = [];
  const builder = createEncodedClicksBuilder(request.body.byteLength);
  const encoder = createLineEncoder(request, settings, builder, rejections);
  if (body.slugs.length > 0) encoder.learn(body.slugs, await resolve(body.slugs));

  const held: HeldLine[] = [];
  const missing = new Set<string>();
  body.forEachLine((number, text, given, problem) => {
    let line: ImportLine | undefined;
    if (problem === undefined && request.format === 'ndjson') line = scanImportLine(text, settings.policy, request.nowMs);
    if (line === undefined) {
      const parsed = problem === undefined && request.format === 'ndjson' ? parseLineJson(text) : { value: given, problem };
      if (parsed.problem !== undefined) return void rejections.push(rejection(number, text, [{ field: 'line', problem: parsed.problem }]));
      const result = validateImportLine(parsed.value, settings.policy, request.nowMs);
      if (!result.ok) return void rejections.push(rejection(number, text, result.problems));
      line = result.line;
    }
    if (held.length === 0 && encoder.knows(line.slug)) return encoder.encode(number, text, line);
    held.push({ number, text, line });
    if (!encoder.knows(line.slug)) missing.add(line.slug);
  });

  if (held.length > 0) {
    const slugs = [...missing];
    encoder.learn(slugs, await resolve(slugs));
    for (const { number, text, line } of held) encoder.encode(number, text, line);
  }
  rejections.sort((a, b) => a.line - b.line);
  return { clicks: builder.finish(), rejections };
}
