// The body of an import request, split into numbered lines: NDJSON (one click per line) or a JSON
// array (each element a line, numbered from 1). NDJSON lines are cut apart here and parsed one by
// one by the caller, so one bad line costs only itself; a body over the line limit, or a JSON
// array body that is not valid JSON, fails as a whole (ImportBodyError) and nothing of it is kept.
import { isUtf8 } from 'node:buffer';
import { UserError, limits } from '../core/index.js';

/** A whole body refused: `payload_too_large` (413) or `bad_request` (400). Nothing of it is stored. */
export class ImportBodyError extends UserError {
  override name = 'ImportBodyError';
  constructor(code: 'payload_too_large' | 'bad_request', message: string) {
    super(message, { code });
  }
}

export type ImportBodyFormat = 'ndjson' | 'json-array';

/**
 * Receives each non-blank line: its number (from 1, counting blank lines too, so the sender can
 * find it), its text, and either its JSON value (JSON arrays: already parsed) or, for an NDJSON
 * line whose bytes are not UTF-8, the problem. NDJSON lines come unparsed: see `parseLineJson`.
 */
export type LineReceiver = (number: number, text: string, value: unknown, problem: string | undefined) => void;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function tooManyLines(): ImportBodyError {
  return new ImportBodyError('payload_too_large', `more than ${limits.ingestLinesMax} lines; split the import into several requests`);
}

/** A line's JSON value, or the problem that kept it from having one. */
export function parseLineJson(text: string): { value: unknown; problem?: undefined } | { value?: undefined; problem: string } {
  if (text.trim().length === 0) return { problem: 'is blank' };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message})` };
  }
}

/** The text of an NDJSON body, or undefined when some of its bytes are not UTF-8. */
export function ndjsonText(body: Uint8Array): string | undefined {
  // Validating the bytes natively, then decoding without checks, is cheaper than a fatal decoder.
  if (!isUtf8(body)) return undefined;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // A leading byte order mark is dropped, as a UTF-8 decoder does.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Calls `each` for every non-blank line of an NDJSON text (a trailing CR is cut off). Lines are
 * slices of the text: no array of every line is made.
 */
export function forEachTextLine(text: string, each: LineReceiver): void {
  let count = 0;
  for (let start = 0, number = 1; start < text.length; number++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const cut = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (cut > start) {
      if (++count > limits.ingestLinesMax) throw tooManyLines();
      each(number, text.slice(start, cut), undefined, undefined);
    }
    start = end + 1;
  }
}

/** NDJSON whose bytes are not all UTF-8: decoded line by line, so only the bad lines are refused. */
export function forEachByteLine(body: Uint8Array, each: LineReceiver): void {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let count = 0;
  for (let start = 0, number = 1; start < bytes.length; number++) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    const cut = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    if (cut > start) {
      if (++count > limits.ingestLinesMax) throw tooManyLines();
      const raw = bytes.subarray(start, cut);
      let text: string | undefined;
      try {
        text = utf8.decode(raw);
      } catch {
        each(number, raw.toString('latin1'), undefined, 'is not valid UTF-8');
      }
      if (text !== undefined) each(number, text, undefined, undefined);
    }
    start = end + 1;
  }
}

/** A JSON array body's elements, numbered from 1; throws ImportBodyError when it is not one. */
export function parseJsonArrayBody(body: Uint8Array): unknown[] {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ImportBodyError('bad_request', 'the body is not valid UTF-8');
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new ImportBodyError(
      'bad_request',
      `the body is not valid JSON: ${(error as Error).message}. Send NDJSON (one click per line) to have each line checked on its own.`,
    );
  }
  if (!Array.isArray(values)) throw new ImportBodyError('bad_request', 'a JSON body must be an array of clicks');
  if (values.length > limits.ingestLinesMax) throw new ImportBodyError('payload_too_large', `more than ${limits.ingestLinesMax} clicks; split the import`);
  return values;
}

/**
 * The slugs an NDJSON text probably names, found without parsing it: every `"slug": "..."` whose
 * value has no escape. Looking their links up before the lines are read lets each line be read,
 * checked and encoded in one go. A slug missed here (escaped, say) is looked up after the pass; one
 * found in a line that turns out invalid costs only a lookup.
 */
export function slugsMentioned(text: string): string[] {
  const slugs = new Set<string>();
  for (let at = text.indexOf('"slug"'); at !== -1; at = text.indexOf('"slug"', at + 6)) {
    let position = at + 6;
    while (text.charCodeAt(position) === 0x20) position++;
    if (text.charCodeAt(position) !== 0x3a) continue;
    position++;
    while (text.charCodeAt(position) === 0x20) position++;
    if (text.charCodeAt(position) !== 0x22) continue;
    const end = text.indexOf('"', position + 1);
    if (end === -1) break;
    const slug = text.slice(position + 1, end);
    if (slug.length <= limits.slugBytesMax && !slug.includes('\\') && !slug.includes('\n')) slugs.add(slug);
  }
  return [...slugs];
}
