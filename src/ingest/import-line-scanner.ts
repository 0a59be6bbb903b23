// A fast reader for the common import line: compact or space-separated JSON, printable ASCII, no
// escapes, known fields only, every value valid. It reads the fields straight from the line's
// text (no JSON.parse, no intermediate object) and checks them as `validateImportLine` does.
// Anything else (an escape, a non-ASCII character, an unknown or repeated field, a value of the
// wrong type or out of bounds) it declines, and the line goes through JSON.parse and
// `validateImportLine`, which say exactly what is wrong. So the scanner never decides a rejection:
// it only accepts lines the full path would accept, with the same fields (proven by
// import-line-scanner.test.ts against the full path).
import { assert, limits } from '../core/index.js';
import type { ClickValidationPolicy, DeviceClass, ImportLine } from '../events/index.js';
import { deviceClasses, normalizeIp } from '../events/index.js';

const quote = 0x22;
const space = 0x20;
const comma = 0x2c;
const colon = 0x3a;
const closeBrace = 0x7d;

/** Text the scanner can take: printable ASCII only (no control characters, nothing to decode). */
const printableAscii = /^[\x20-\x7e]*$/;

// Fields as bits, so a line's fields are one number and a repeated one is seen at once.
const idBit = 1;
const eventTimeBit = 2;
const slugBit = 4;
const ipBit = 8;
const userAgentBit = 16;
const referrerBit = 32;
const countryBit = 64;
const deviceBit = 128;
const browserBit = 256;
const osBit = 512;
const botBit = 1024;
const headBit = 2048;
const required = eventTimeBit | slugBit | ipBit;

const fieldNames: readonly (readonly [string, number])[] = [
  ['id', idBit], ['eventTimeMs', eventTimeBit], ['slug', slugBit], ['ip', ipBit], ['userAgent', userAgentBit],
  ['referrer', referrerBit], ['country', countryBit], ['device', deviceBit], ['browser', browserBit], ['os', osBit],
  ['bot', botBit], ['head', headBit],
];

/** A field by its name's length and first and last characters (unique among the twelve), checked in full after. */
const fieldByShape = new Map<number, readonly [string, number]>();
const shapeOf = (length: number, first: number, last: number): number => (length << 16) | (first << 8) | last;
for (const field of fieldNames) {
  const [name] = field;
  const shape = shapeOf(name.length, name.charCodeAt(0), name.charCodeAt(name.length - 1));
  assert(!fieldByShape.has(shape), () => `two import fields share the shape of ${name}`);
  fieldByShape.set(shape, field);
}

const devices: ReadonlySet<string> = new Set(deviceClasses);

// The line being read: where the scanner is, the fields seen, and their values. Module state, so a
// line allocates only its values and its ImportLine; scanning is synchronous and never re-entered.
let at = 0;
let seen = 0;
let id = '';
let eventTimeMs = 0;
let slug = '';
let ip = '';
let userAgent = '';
let referrer = '';
let country = '';
let device = '';
let browser = '';
let os = '';
let bot = false;
let head = false;

/**
 * The fields of the last line read, in order, as `"name":` with their bits: lines of one import
 * nearly always list their fields in the same order, so the next key is tried against these
 * first, with one comparison instead of a search for its end.
 */
const expectedKeys: string[] = [];
const expectedBits: number[] = [];

function skipSpaces(text: string): void {
  while (text.charCodeAt(at) === space) at++;
}

/** The bit of the field whose quoted name starts at `at`, or 0; moves past the name and its colon. */
function readKey(text: string): number {
  if (text.charCodeAt(at) !== quote) return 0;
  const start = at + 1;
  const end = text.indexOf('"', start);
  if (end <= start) return 0;
  const field = fieldByShape.get(shapeOf(end - start, text.charCodeAt(start), text.charCodeAt(end - 1)));
  if (field === undefined || (field[0].length > 2 && !text.startsWith(field[0], start))) return 0;
  at = end + 1;
  skipSpaces(text);
  if (text.charCodeAt(at) !== colon) return 0;
  at++;
  skipSpaces(text);
  return field[1];
}

/** A string value at `at` (the line has no backslash, so it ends at the next quote), or undefined. */
function readString(text: string): string | undefined {
  if (text.charCodeAt(at) !== quote) return undefined;
  const end = text.indexOf('"', at + 1);
  if (end < 0) return undefined;
  const value = text.slice(at + 1, end);
  at = end + 1;
  return value;
}

/** A whole number written as JSON writes integers (no fraction, exponent or leading zero), or NaN. */
function readInteger(text: string): number {
  const negative = text.charCodeAt(at) === 0x2d;
  if (negative) at++;
  const start = at;
  let value = 0;
  for (let code = text.charCodeAt(at); code >= 0x30 && code <= 0x39; code = text.charCodeAt(++at)) value = value * 10 + (code - 0x30);
  const digits = at - start;
  const next = text.charCodeAt(at);
  // 16 digits at most keep the sum exact below 2^53; anything longer or fancier goes the full way.
  if (digits === 0 || digits > 16 || (digits > 1 && text.charCodeAt(start) === 0x30) || next === 0x2e || next === 0x65 || next === 0x45) return Number.NaN;
  return negative ? -value : value;
}

/** 1 for `true`, 0 for `false`, -1 for anything else. */
function readBoolean(text: string): number {
  if (text.startsWith('true', at)) {
    at += 4;
    return 1;
  }
  if (text.startsWith('false', at)) {
    at += 5;
    return 0;
  }
  return -1;
}

/** Reads one field's value; false when the scanner declines the line. */
function readValue(text: string, bit: number): boolean {
  if (bit === eventTimeBit) {
    eventTimeMs = readInteger(text);
    return Number.isSafeInteger(eventTimeMs);
  }
  if (bit === botBit || bit === headBit) {
    const value = readBoolean(text);
    if (bit === botBit) bot = value === 1;
    else head = value === 1;
    return value >= 0;
  }
  const value = readString(text);
  if (value === undefined) return false;
  switch (bit) {
    case idBit: id = value; break;
    case slugBit: slug = value; break;
    case ipBit: ip = value; break;
    case userAgentBit: userAgent = value; break;
    case referrerBit: referrer = value; break;
    case countryBit: country = value; break;
    case deviceBit: device = value; break;
    case browserBit: browser = value; break;
    default: os = value;
  }
  return true;
}

/** Reads `{ "name": value, ... }`; false when the scanner declines the line. */
function readObject(text: string): boolean {
  seen = 0;
  if (text.charCodeAt(0) !== 0x7b) return false;
  at = 1;
  skipSpaces(text);
  if (text.charCodeAt(at) === closeBrace) return false; // `{}`: the full path names what is missing
  for (let index = 0; ; index++) {
    let bit: number;
    const expected = expectedKeys[index];
    if (expected !== undefined && text.startsWith(expected, at)) {
      bit = expectedBits[index]!;
      at += expected.length;
      skipSpaces(text);
    } else {
      const keyAt = at;
      bit = readKey(text);
      if (bit !== 0) {
        expectedKeys[index] = `${text.slice(keyAt, text.indexOf('"', keyAt + 1) + 1)}:`;
        expectedBits[index] = bit;
      }
    }
    if (bit === 0 || (seen & bit) !== 0 || !readValue(text, bit)) return false;
    seen |= bit;
    skipSpaces(text);
    const next = text.charCodeAt(at++);
    if (next === closeBrace) break;
    if (next !== comma) return false;
    skipSpaces(text);
  }
  skipSpaces(text);
  return at === text.length;
}

/** The bounds `validateImportLine` checks, for printable ASCII values (one byte per character). */
function valuesValid(policy: ClickValidationPolicy, nowMs: number): boolean {
  if ((seen & required) !== required) return false;
  if (eventTimeMs < nowMs - policy.maxPastAgeMs || eventTimeMs > nowMs + policy.maxFutureSkewMs) return false;
  if (slug.length === 0 || slug.length > limits.slugBytesMax) return false;
  if ((seen & idBit) !== 0 && (id.length === 0 || id.length > limits.eventIdBytesMax || id.includes(' '))) return false;
  if ((seen & userAgentBit) !== 0 && userAgent.length > limits.userAgentBytesMax) return false;
  if ((seen & referrerBit) !== 0 && referrer.length > limits.referrerBytesMax) return false;
  if ((seen & countryBit) !== 0 && !(country.length === 0 || /^[A-Z]{2}$/.test(country))) return false;
  if ((seen & deviceBit) !== 0 && !devices.has(device)) return false;
  if ((seen & browserBit) !== 0 && browser.length > limits.classBytesMax) return false;
  if ((seen & osBit) !== 0 && os.length > limits.classBytesMax) return false;
  return true;
}

/**
 * The import line `text` holds, exactly as `validateImportLine(JSON.parse(text), policy, nowMs)`
 * would return it, when the line is of the common kind and valid; undefined otherwise (then only
 * the full path can tell).
 */
export function scanImportLine(text: string, policy: ClickValidationPolicy, nowMs: number): ImportLine | undefined {
  if (text.includes('\\') || !printableAscii.test(text) || !readObject(text) || !valuesValid(policy, nowMs)) return undefined;
  const canonicalIp = normalizeIp(ip);
  if (canonicalIp === undefined) return undefined;
  return {
    id: (seen & idBit) !== 0 ? id : undefined,
    eventTimeMs,
    slug,
    ip: canonicalIp,
    userAgent: (seen & userAgentBit) !== 0 ? userAgent : '',
    referrer: (seen & referrerBit) !== 0 ? referrer : '',
    country: (seen & countryBit) !== 0 ? country : '',
    head: (seen & headBit) !== 0 ? head : false,
    device: (seen & deviceBit) !== 0 ? (device as DeviceClass) : undefined,
    browser: (seen & browserBit) !== 0 ? browser : undefined,
    os: (seen & osBit) !== 0 ? os : undefined,
    bot: (seen & botBit) !== 0 ? bot : undefined,
  };
}
