// Checks for one field each, shared by the event and import-line validators. Each records every
// problem it finds under the field's name and returns the value (or a placeholder, when there was
// a problem: the caller discards the result then). Nothing is coerced: "123" is not a number.
import { deviceClasses, eventSources, type DeviceClass, type EventSource, type FieldProblem } from './types.js';
import { normalizeIp } from './ip.js';

export type Problems = FieldProblem[];

/** The UTF-8 length of `text`, or -1 when it holds a lone surrogate (it has no UTF-8 form). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code < 0xd800 || code > 0xdfff) bytes += 3;
    else if (code <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      index++;
    } else return -1;
  }
  return bytes;
}

/** What is wrong with a value of the wrong type: missing, or what it is instead of `expected`. */
function typeProblem(value: unknown, expected: string): string {
  return value === undefined ? 'is required' : `must be ${expected} (got ${describeValue(value)})`;
}

/** A short description of a wrong value for a message: `number 123`, `string "123"`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export interface TextBounds {
  /** Fewest UTF-8 bytes (1 for required identifiers). */
  minBytes: number;
  maxBytes: number;
}

export function checkText(problems: Problems, field: string, value: unknown, bounds: TextBounds): string {
  if (typeof value !== 'string') {
    problems.push({ field, problem: typeProblem(value, 'a string') });
    return '';
  }
  const bytes = utf8ByteLength(value);
  if (bytes < 0) problems.push({ field, problem: 'holds a lone UTF-16 surrogate, which has no UTF-8 form' });
  else if (bytes < bounds.minBytes) problems.push({ field, problem: 'must not be empty' });
  else if (bytes > bounds.maxBytes) problems.push({ field, problem: `is ${bytes} UTF-8 bytes; at most ${bounds.maxBytes} are allowed` });
  return value;
}

/** An event id: 1..maxBytes printable ASCII characters (0x21-0x7e), so it is safe in logs, URLs and keys. */
export function checkEventId(problems: Problems, field: string, value: unknown, maxBytes: number): string {
  if (typeof value !== 'string') {
    problems.push({ field, problem: typeProblem(value, 'a string') });
    return '';
  }
  if (value.length === 0 || value.length > maxBytes) {
    problems.push({ field, problem: `must be 1 to ${maxBytes} characters long (got ${value.length})` });
  } else if (!/^[\x21-\x7e]+$/.test(value)) {
    problems.push({ field, problem: 'must be printable ASCII without spaces (characters 0x21 to 0x7e)' });
  }
  return value;
}

/** A time in whole ms since the epoch, inside `[earliestMs, latestMs]`. */
export function checkTimeMs(problems: Problems, field: string, value: unknown, earliestMs: number, latestMs: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    problems.push({ field, problem: typeProblem(value, 'a whole number of milliseconds since the epoch') });
    return 0;
  }
  if (value < earliestMs || value > latestMs) {
    const [from, to] = [earliestMs, latestMs].map((timeMs) => (timeMs >= 0 && timeMs <= 8.64e15 ? new Date(timeMs).toISOString() : String(timeMs)));
    problems.push({ field, problem: `${value} is outside the accepted window ${from} .. ${to}` });
  }
  return value;
}

/** An address, returned in canonical text so every spelling of one visitor is one key. */
export function checkIp(problems: Problems, field: string, value: unknown): string {
  if (typeof value !== 'string') {
    problems.push({ field, problem: typeProblem(value, 'a string') });
    return '';
  }
  const canonical = normalizeIp(value);
  if (canonical === undefined) {
    problems.push({ field, problem: `${describeValue(value)} is not an IPv4 or IPv6 address (zone ids and leading zeros in IPv4 are refused)` });
    return '';
  }
  return canonical;
}

export function checkCountry(problems: Problems, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^(?:[A-Z]{2})?$/.test(value)) {
    problems.push({ field, problem: typeProblem(value, `'' or an upper-case ISO 3166-1 alpha-2 code such as "DE"`) });
    return '';
  }
  return value;
}

function checkOneOf<T extends string>(problems: Problems, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    problems.push({ field, problem: typeProblem(value, `one of ${allowed.join(', ')}`) });
    return allowed[0]!;
  }
  return value as T;
}

export function checkDevice(problems: Problems, field: string, value: unknown): DeviceClass {
  return checkOneOf(problems, field, value, deviceClasses);
}

export function checkSource(problems: Problems, field: string, value: unknown): EventSource {
  return checkOneOf(problems, field, value, eventSources);
}

export function checkBoolean(problems: Problems, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    problems.push({ field, problem: typeProblem(value, 'true or false') });
    return false;
  }
  return value;
}

/** Rejects any key of `record` not in `known`, saying what to do about it. */
export function checkKnownFields(problems: Problems, record: object, known: ReadonlySet<string>, explain: (field: string) => string): void {
  for (const field of Object.keys(record)) {
    if (!known.has(field)) problems.push({ field, problem: explain(field) });
  }
}

/** A plain JSON-like object, or undefined (with a problem recorded under `field`). */
export function asRecord(problems: Problems, field: string, input: unknown): Record<string, unknown> | undefined {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>;
  problems.push({ field, problem: `must be a JSON object (got ${describeValue(input)})` });
  return undefined;
}

/** An own property only: `toString` or `__proto__` inherited from Object.prototype is never a field. */
export function ownField(record: Record<string, unknown>, field: string): unknown {
  return Object.hasOwn(record, field) ? record[field] : undefined;
}
