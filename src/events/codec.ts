// The binary form of a click on the event log. Every click is encoded once and decoded by every
// stream job, so both directions are hand-written for speed, and the fields the hot jobs read
// (time, flags, device, country, address, link, owner) come first, readable without the rest.
//
// Layout, version 1 (multi-byte integers big-endian, varints LEB128):
//   0      version (1)
//   1      flags: bit 0 bot, 1 head, 2 IPv6 address, 3 source is import; bits 4-7 zero
//   2      device, as its index in `deviceClasses`
//   3..4   country: two ASCII upper-case letters, or 0 0 for ''
//   5..10  eventTimeMs, unsigned 48 bits
//   11..   ip: 4 or 16 bytes (flag bit 2)
//   then   ingestTimeMs - eventTimeMs, zigzag varint (1 or 2 bytes in practice)
//   then   the UTF-8 byte lengths (varints) of linkId, userId, accountId, slug, id, browser, os,
//          userAgent, referrer
//   then   those nine strings' bytes, back to back, in that order
// Lengths come before the bytes so each side handles all strings in one native call when they are
// ASCII, as ids, slugs, user agents and URLs nearly always are. The decoder checks everything the
// encoder guarantees: a record that decodes is a well-typed event with every string in its bounds.
import { assert, limits } from '../core/index.js';
import { ClickRecordError } from './errors.js';
import { utf8ByteLength } from './field-checks.js';
import { formatIpBytes, parseIpInto } from './ip.js';
import { deviceClasses, type ClickEvent, type ClickHeader, type DeviceClass } from './types.js';

export const clickRecordVersion = 1;
const flagBot = 1;
const flagHead = 2;
const flagIpv6 = 4;
const flagImport = 8;
const flagsKnown = flagBot | flagHead | flagIpv6 | flagImport;
const deviceOffset = 2;
const countryOffset = 3;
const eventTimeOffset = 5;
const ipOffset = 11;
/** Event and ingest times fit 48 bits: until the year 10889. */
const timeMsMax = 2 ** 48 - 1;

/** The strings, in record order, with their UTF-8 byte bounds. */
const stringFields = ['linkId', 'userId', 'accountId', 'slug', 'id', 'browser', 'os', 'userAgent', 'referrer'] as const;
const stringBytesMax: readonly number[] = [
  limits.entityIdBytesMax, limits.entityIdBytesMax, limits.entityIdBytesMax, limits.slugBytesMax,
  limits.eventIdBytesMax, limits.classBytesMax, limits.classBytesMax, limits.userAgentBytesMax, limits.referrerBytesMax,
];
const stringCount = stringFields.length;

const deviceIndex = new Map<string, number>(deviceClasses.map((device, index) => [device, index]));

/**
 * Node's native string writer and reader: long present on every Buffer (protobufjs and msgpackr
 * use them too) but not in the typings. They skip the argument checks of `write`/`toString`,
 * which cost as much as the copy for strings this short.
 */
type NativeBuffer = Buffer & {
  utf8Write(text: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
};
assert(
  typeof (Buffer.prototype as Partial<NativeBuffer>).utf8Write === 'function' && typeof (Buffer.prototype as Partial<NativeBuffer>).utf8Slice === 'function',
  'this Node.js lacks Buffer.prototype.utf8Write/utf8Slice, which the click codec needs',
);

/**
 * Scratch for one record. A string's UTF-16 length bounds its UTF-8 length from below and a code
 * unit takes at most 3 bytes, so once lengths are checked no record can overflow this.
 */
const scratch = Buffer.alloc(ipOffset + 16 + 8 + stringCount * 2 + 3 * stringBytesMax.reduce((sum, bytes) => sum + bytes, 0)) as NativeBuffer;

/** The nine strings of the record being encoded or decoded, in record order; reused. */
const strings = new Array<string>(stringCount).fill('');

function writeVarint(out: Uint8Array, start: number, value: number): number {
  let position = start;
  let rest = value;
  while (rest >= 0x80) {
    out[position++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[position++] = rest;
  return position;
}

function isUpperLetter(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

/**
 * An event validation would refuse reached the encoder: a bug. Checks call this only on failure,
 * so the hot path builds no message and allocates no closure.
 */
function unencodable(problem: string): never {
  assert(false, `cannot encode a click: ${problem}; events must be validated before encoding`);
}

function writeFixedPart(out: Uint8Array, event: ClickEvent): number {
  const ipBytes = parseIpInto(event.ip, out, ipOffset);
  if (ipBytes === 0) unencodable(`ip ${JSON.stringify(event.ip)} is not an address`);
  const device = deviceIndex.get(event.device);
  if (device === undefined) unencodable(`device ${JSON.stringify(event.device)} is unknown`);
  const { country, eventTimeMs } = event;
  const first = country.charCodeAt(0);
  const second = country.charCodeAt(1);
  if (country.length !== 0 && !(country.length === 2 && isUpperLetter(first) && isUpperLetter(second))) unencodable(`country ${JSON.stringify(country)} is not a code`);
  if (!(Number.isInteger(eventTimeMs) && eventTimeMs >= 0 && eventTimeMs <= timeMsMax)) unencodable(`eventTimeMs ${eventTimeMs} does not fit 48 bits`);
  out[0] = clickRecordVersion;
  out[1] = (event.bot ? flagBot : 0) | (event.head ? flagHead : 0) | (ipBytes === 16 ? flagIpv6 : 0) | (event.source === 'import' ? flagImport : 0);
  out[deviceOffset] = device;
  out[countryOffset] = country.length === 0 ? 0 : first;
  out[countryOffset + 1] = country.length === 0 ? 0 : second;
  const high = Math.floor(eventTimeMs / 2 ** 32);
  out[eventTimeOffset] = high >>> 8;
  out[eventTimeOffset + 1] = high & 0xff;
  out[eventTimeOffset + 2] = eventTimeMs >>> 24;
  out[eventTimeOffset + 3] = (eventTimeMs >>> 16) & 0xff;
  out[eventTimeOffset + 4] = (eventTimeMs >>> 8) & 0xff;
  out[eventTimeOffset + 5] = eventTimeMs & 0xff;
  return ipOffset + ipBytes;
}

function writeIngestDelta(out: Uint8Array, start: number, event: ClickEvent): number {
  const { ingestTimeMs } = event;
  if (!(Number.isInteger(ingestTimeMs) && ingestTimeMs >= 0 && ingestTimeMs <= timeMsMax)) unencodable(`ingestTimeMs ${ingestTimeMs} does not fit 48 bits`);
  const delta = ingestTimeMs - event.eventTimeMs;
  return writeVarint(out, start, delta >= 0 ? delta * 2 : -delta * 2 - 1);
}

/** The general path, for records with any non-ASCII string: exact UTF-8 lengths, then the bytes. */
function writeUtf8Strings(start: number): number {
  const byteLengths = strings.map((text, field) => {
    const bytes = utf8ByteLength(text);
    if (bytes < 0) unencodable(`${stringFields[field]} holds a lone surrogate`);
    if (bytes > stringBytesMax[field]!) unencodable(`${stringFields[field]} is ${bytes} UTF-8 bytes, over ${stringBytesMax[field]}`);
    return bytes;
  });
  let position = start;
  for (const bytes of byteLengths) position = writeVarint(scratch, position, bytes);
  strings.forEach((text, field) => {
    const written = scratch.utf8Write(text, position);
    assert(written === byteLengths[field], () => `${stringFields[field]}: wrote ${written} bytes, expected ${byteLengths[field]}`);
    position += written;
  });
  return position;
}

/** Writes the nine lengths as if every string were ASCII; a UTF-16 length over a byte bound can only grow in UTF-8. */
function writeAsciiLengths(start: number): number {
  let position = start;
  for (let field = 0; field < stringCount; field++) {
    const { length } = strings[field]!;
    if (length > stringBytesMax[field]!) unencodable(`${stringFields[field]} is over ${stringBytesMax[field]} bytes`);
    position = writeVarint(scratch, position, length);
  }
  return position;
}

/**
 * Writes all nine strings with one native call, as if they were ASCII, as ids, slugs, user agents
 * and URLs nearly always are. Returns the record's size, or -1 when some string is not ASCII: in
 * UTF-8 anything else (a lone surrogate included) takes more bytes than characters, and the
 * scratch has room for the longest, so nothing is cut short.
 */
function writeAsciiStrings(start: number): number {
  const joined = strings[0]! + strings[1]! + strings[2]! + strings[3]! + strings[4]! + strings[5]! + strings[6]! + strings[7]! + strings[8]!;
  const written = scratch.utf8Write(joined, start);
  return written === joined.length ? start + written : -1;
}

/**
 * Encodes a validated event. An event that validation would refuse is a bug here: it fails an
 * assertion rather than writing a record no reader could decode. The record is a Buffer from
 * Node's pool (it may share its ArrayBuffer with other small Buffers).
 */
export function encodeClick(event: ClickEvent): Uint8Array {
  let head = writeFixedPart(scratch, event);
  head = writeIngestDelta(scratch, head, event);
  strings[0] = event.linkId;
  strings[1] = event.userId;
  strings[2] = event.accountId;
  strings[3] = event.slug;
  strings[4] = event.id;
  strings[5] = event.browser;
  strings[6] = event.os;
  strings[7] = event.userAgent;
  strings[8] = event.referrer;
  let size = writeAsciiStrings(writeAsciiLengths(head));
  if (size < 0) size = writeUtf8Strings(head);
  if (size > limits.eventRecordBytesMax) unencodable(`the record is ${size} bytes, over ${limits.eventRecordBytesMax}`);
  // A small Buffer comes from Node's shared pool: far cheaper than a fresh ArrayBuffer per record.
  const record = Buffer.allocUnsafe(size);
  scratch.copy(record, 0, 0, size);
  return record;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Two-letter country strings, made once: decoding a country allocates nothing. */
const countryTexts: readonly string[] = Array.from({ length: 26 * 26 }, (_, index) =>
  String.fromCharCode(0x41 + Math.floor(index / 26), 0x41 + (index % 26)),
);

/** State of the record being decoded, reused: decoding is synchronous and never re-entered. */
const cursor = { position: 0 };
const lengths = new Array<number>(stringCount).fill(0);

function fail(reason: ClickRecordError['reason'], position: number, detail: string, cause?: unknown): never {
  throw new ClickRecordError(reason, position, detail, cause);
}

function asNativeBuffer(bytes: Uint8Array): NativeBuffer {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as NativeBuffer;
}

function readVarint(buffer: Uint8Array): number {
  let value = 0;
  let scale = 1;
  for (let count = 0; count < 8; count++) {
    const position = cursor.position;
    if (position >= buffer.length) fail('truncated', position, 'the record ends inside a varint');
    const byte = buffer[position]!;
    cursor.position = position + 1;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      // A zero last byte after others is an overlong form the encoder never writes.
      if (byte === 0 && count > 0) fail('varint', position, 'a varint is not in its shortest form');
      return value;
    }
    scale *= 0x80;
  }
  return fail('varint', cursor.position, 'a varint is longer than 8 bytes');
}

/** Checks version, flags and length up to the end of the address; returns the flags. */
function readFlags(buffer: Uint8Array): number {
  if (buffer.length === 0) fail('truncated', 0, 'the record is empty');
  if (buffer[0] !== clickRecordVersion) fail('version', 0, `version ${buffer[0]}; this reader knows version ${clickRecordVersion}`);
  if (buffer.length < ipOffset) fail('truncated', buffer.length, `the record is ${buffer.length} bytes, shorter than its fixed part`);
  const flags = buffer[1]!;
  if ((flags & ~flagsKnown) !== 0) fail('flags', 1, `unknown flag bits 0x${flags.toString(16)}`);
  if (buffer.length < ipOffset + ((flags & flagIpv6) !== 0 ? 16 : 4)) fail('truncated', buffer.length, 'the record ends inside the address');
  return flags;
}

function readDevice(buffer: Uint8Array): DeviceClass {
  return deviceClasses[buffer[deviceOffset]!] ?? fail('device', deviceOffset, `device index ${buffer[deviceOffset]} is unknown`);
}

function readCountry(buffer: Uint8Array): string {
  const first = buffer[countryOffset]!;
  const second = buffer[countryOffset + 1]!;
  if (first === 0 && second === 0) return '';
  if (!isUpperLetter(first) || !isUpperLetter(second)) fail('country', countryOffset, `bytes ${first} ${second} are not a country code`);
  return countryTexts[(first - 0x41) * 26 + (second - 0x41)]!;
}

function readEventTimeMs(buffer: Uint8Array): number {
  const high = (buffer[eventTimeOffset]! << 8) | buffer[eventTimeOffset + 1]!;
  const low = (buffer[eventTimeOffset + 2]! << 24) | (buffer[eventTimeOffset + 3]! << 16) | (buffer[eventTimeOffset + 4]! << 8) | buffer[eventTimeOffset + 5]!;
  return high * 2 ** 32 + (low >>> 0);
}

function readIngestTimeMs(buffer: Uint8Array, eventTimeMs: number): number {
  const position = cursor.position;
  const zigzag = readVarint(buffer);
  // Two 48-bit times differ by less than 2^48, which zigzag doubles: anything larger is corrupt.
  if (zigzag > 2 ** 49) fail('time', position, `ingest time delta ${zigzag} is out of range`);
  const ingestTimeMs = eventTimeMs + (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
  if (ingestTimeMs < 0 || ingestTimeMs > timeMsMax) fail('time', position, `ingest time ${ingestTimeMs} is out of range`);
  return ingestTimeMs;
}

/** Reads the nine lengths, each within its bound, which must account for the rest of the record exactly. */
function readLengths(buffer: Uint8Array): number {
  let total = 0;
  for (let field = 0; field < stringCount; field++) {
    const position = cursor.position;
    const length = readVarint(buffer);
    if (length > stringBytesMax[field]!) fail('field-length', position, `${stringFields[field]} is ${length} bytes, over its bound of ${stringBytesMax[field]}`);
    lengths[field] = length;
    total += length;
  }
  const dataStart = cursor.position;
  const end = dataStart + total;
  if (end > buffer.length) fail('truncated', buffer.length, `the strings need ${total} bytes; ${buffer.length - dataStart} are left`);
  if (end < buffer.length) fail('trailing-bytes', end, `${buffer.length - end} bytes follow the last string`);
  return dataStart;
}

/**
 * UTF-8 text of `buffer[start..end)`, or undefined when it holds anything but ASCII. Node's own
 * decoder has an ASCII fast path; as every other byte sequence yields fewer characters than bytes
 * or a U+FFFD, an equal length and no U+FFFD prove the bytes were all ASCII.
 */
function asciiText(buffer: NativeBuffer, start: number, end: number): string | undefined {
  const text = buffer.utf8Slice(start, end);
  return text.length === end - start && !text.includes('\uFFFD') ? text : undefined;
}

function readUtf8(buffer: NativeBuffer, start: number, field: number): string {
  const end = start + lengths[field]!;
  const ascii = asciiText(buffer, start, end);
  if (ascii !== undefined) return ascii;
  try {
    return utf8Decoder.decode(buffer.subarray(start, end));
  } catch (error) {
    return fail('utf8', start, `${stringFields[field]} is not valid UTF-8`, error);
  }
}

/**
 * Decodes the first `count` strings into `strings`: when all are ASCII, as slices of one read.
 * V8 may keep a slice of 13 characters or more as a view of that read, so holding one string of a
 * record for long keeps at most that record's text alive, never more.
 */
function readStrings(buffer: NativeBuffer, dataStart: number, count: number): void {
  let end = dataStart;
  for (let field = 0; field < count; field++) end += lengths[field]!;
  const all = asciiText(buffer, dataStart, end);
  if (all !== undefined) {
    for (let field = 0, offset = 0; field < count; offset += lengths[field]!, field++) strings[field] = all.substring(offset, offset + lengths[field]!);
    return;
  }
  for (let field = 0, position = dataStart; field < count; position += lengths[field]!, field++) strings[field] = readUtf8(buffer, position, field);
}

/** What `readFixedPart` found; one object, reused. */
const fixed = { flags: 0, ipLength: 4 as 4 | 16, eventTimeMs: 0, ingestTimeMs: 0, dataStart: 0 };

/** Reads and checks everything before the string bytes into `fixed`. */
function readFixedPart(buffer: Uint8Array): void {
  const flags = readFlags(buffer);
  fixed.flags = flags;
  fixed.ipLength = (flags & flagIpv6) !== 0 ? 16 : 4;
  fixed.eventTimeMs = readEventTimeMs(buffer);
  cursor.position = ipOffset + fixed.ipLength;
  fixed.ingestTimeMs = readIngestTimeMs(buffer, fixed.eventTimeMs);
  fixed.dataStart = readLengths(buffer);
}

/** Decodes a whole record; throws ClickRecordError for anything `encodeClick` would not write. */
export function decodeClick(bytes: Uint8Array): ClickEvent {
  const buffer = asNativeBuffer(bytes);
  readFixedPart(buffer);
  const { flags, ipLength, eventTimeMs, ingestTimeMs, dataStart } = fixed;
  readStrings(buffer, dataStart, stringCount);
  return {
    id: strings[4]!,
    eventTimeMs,
    ingestTimeMs,
    linkId: strings[0]!,
    slug: strings[3]!,
    userId: strings[1]!,
    accountId: strings[2]!,
    ip: formatIpBytes(buffer, ipOffset, ipLength),
    userAgent: strings[7]!,
    referrer: strings[8]!,
    country: readCountry(buffer),
    device: readDevice(buffer),
    browser: strings[5]!,
    os: strings[6]!,
    bot: (flags & flagBot) !== 0,
    head: (flags & flagHead) !== 0,
    source: (flags & flagImport) !== 0 ? 'import' : 'redirect',
  };
}

/**
 * Reads only what the hot stream jobs need, skipping the user agent, referrer and the other cold
 * strings (their lengths are still checked against the record's size). Fills `into` when given,
 * so a job can reuse one object per batch instead of allocating per record.
 */
export function readClickHeader(bytes: Uint8Array, into?: ClickHeader): ClickHeader {
  const buffer = asNativeBuffer(bytes);
  readFixedPart(buffer);
  const { flags, ipLength, eventTimeMs, ingestTimeMs, dataStart } = fixed;
  readStrings(buffer, dataStart, 3);
  const header = into ?? { eventTimeMs: 0, ingestTimeMs: 0, ip: '', country: '', device: 'unknown', bot: false, head: false, source: 'redirect', linkId: '', userId: '', accountId: '' };
  header.eventTimeMs = eventTimeMs;
  header.ingestTimeMs = ingestTimeMs;
  header.ip = formatIpBytes(buffer, ipOffset, ipLength);
  header.country = readCountry(buffer);
  header.device = readDevice(buffer);
  header.bot = (flags & flagBot) !== 0;
  header.head = (flags & flagHead) !== 0;
  header.source = (flags & flagImport) !== 0 ? 'import' : 'redirect';
  header.linkId = strings[0]!;
  header.userId = strings[1]!;
  header.accountId = strings[2]!;
  return header;
}

/** Where the address of a click record starts: 4 bytes, or 16 with `clickFlagBits.ipv6`. */
export const clickIpOffset = ipOffset;

/** The bits of a record's flag byte (`ClickLayout.flags`). */
export const clickFlagBits = { bot: flagBot, head: flagHead, ipv6: flagIpv6, import: flagImport } as const;

/**
 * Where the hot fields of one click record are, and the fixed-width ones already read: what
 * `readClickLayout` fills. One object per reader, reused for every record.
 */
export interface ClickLayout {
  /** The flag byte: `clickFlagBits`. */
  flags: number;
  /** Index in `deviceClasses`. */
  device: number;
  /** The country as a small code: 0 for none, else 1 + (first letter) × 26 + (second letter); see `countryOfCode`. */
  country: number;
  eventTimeMs: number;
  ingestTimeMs: number;
  /** The address's bytes, at `clickIpOffset`. */
  ipLength: 4 | 16;
  /** The first byte of linkId; userId and accountId follow it back to back. */
  idsStart: number;
  linkIdBytes: number;
  userIdBytes: number;
  accountIdBytes: number;
}

export function createClickLayout(): ClickLayout {
  return { flags: 0, device: 0, country: 0, eventTimeMs: 0, ingestTimeMs: 0, ipLength: 4, idsStart: 0, linkIdBytes: 0, userIdBytes: 0, accountIdBytes: 0 };
}

/** The text of a country code from `ClickLayout.country`: '' for 0. */
export function countryOfCode(code: number): string {
  return code === 0 ? '' : countryTexts[code - 1]!;
}

/**
 * The fast path of `readClickLayout`: every varint one or two bytes (all lengths but the longest
 * user agents and referrers, and an ingest delay under 8 s), each check done inline. Returns false
 * for anything else (a longer varint, any failed check), leaving the general path to accept the
 * record or to name its problem.
 */
function readLayoutFast(bytes: Uint8Array, into: ClickLayout): boolean {
  const size = bytes.length;
  const flags = bytes[1]!;
  if (size < ipOffset + 16 + 2 * (stringCount + 1) || bytes[0] !== clickRecordVersion || (flags & ~flagsKnown) !== 0) return false;
  const device = bytes[deviceOffset]!;
  const first = bytes[countryOffset]!;
  const second = bytes[countryOffset + 1]!;
  const country = first === 0 && second === 0 ? 0 : (first - 0x41) * 26 + (second - 0x41) + 1;
  if (device >= deviceClasses.length || (country !== 0 && !(isUpperLetter(first) && isUpperLetter(second)))) return false;
  const ipLength = (flags & flagIpv6) !== 0 ? 16 : 4;
  const eventTimeMs = readEventTimeMs(bytes);
  // Ten varints follow the address: the ingest delay, then the nine lengths. Two bytes each at
  // most here, so checking the size once up front keeps every read in bounds.
  let position = ipOffset + ipLength;
  let zigzag = bytes[position++]!;
  if (zigzag >= 0x80) {
    const high = bytes[position++]!;
    if (high === 0 || high >= 0x80) return false;
    zigzag = (zigzag & 0x7f) | (high << 7);
  }
  const ingestTimeMs = eventTimeMs + ((zigzag & 1) === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
  if (ingestTimeMs < 0 || ingestTimeMs > timeMsMax) return false;
  let total = 0;
  for (let field = 0; field < stringCount; field++) {
    let length = bytes[position++]!;
    if (length >= 0x80) {
      const high = bytes[position++]!;
      if (high === 0 || high >= 0x80) return false;
      length = (length & 0x7f) | (high << 7);
    }
    if (length > stringBytesMax[field]!) return false;
    lengths[field] = length;
    total += length;
  }
  if (position + total !== size) return false;
  into.flags = flags;
  into.device = device;
  into.country = country;
  into.eventTimeMs = eventTimeMs;
  into.ingestTimeMs = ingestTimeMs;
  into.ipLength = ipLength;
  into.idsStart = position;
  into.linkIdBytes = lengths[0]!;
  into.userIdBytes = lengths[1]!;
  into.accountIdBytes = lengths[2]!;
  return true;
}

/**
 * Checks a record as `readClickHeader` does and fills `into` with where its hot fields are, making
 * no string at all: for decoders that key state by the raw bytes. One exception to the checks:
 * the id bytes are not checked as UTF-8 here; `readClickIds` checks them when it makes their text,
 * so a reader that makes the text of ids it has not seen before (and compares the bytes of those
 * it has) never lets an invalid one through.
 */
export function readClickLayout(bytes: Uint8Array, into: ClickLayout): ClickLayout {
  if (readLayoutFast(bytes, into)) return into;
  readFixedPart(bytes);
  into.flags = fixed.flags;
  into.device = bytes[deviceOffset]!;
  readDevice(bytes);
  const first = bytes[countryOffset]!;
  const second = bytes[countryOffset + 1]!;
  readCountry(bytes);
  into.country = first === 0 && second === 0 ? 0 : (first - 0x41) * 26 + (second - 0x41) + 1;
  into.eventTimeMs = fixed.eventTimeMs;
  into.ingestTimeMs = fixed.ingestTimeMs;
  into.ipLength = fixed.ipLength;
  into.idsStart = fixed.dataStart;
  into.linkIdBytes = lengths[0]!;
  into.userIdBytes = lengths[1]!;
  into.accountIdBytes = lengths[2]!;
  return into;
}

/** The text of one string field of `length` bytes at `start`, checked as UTF-8. */
function readUtf8Span(buffer: NativeBuffer, start: number, length: number, field: number): string {
  const ascii = asciiText(buffer, start, start + length);
  if (ascii !== undefined) return ascii;
  try {
    return utf8Decoder.decode(buffer.subarray(start, start + length));
  } catch (error) {
    return fail('utf8', start, `${stringFields[field]} is not valid UTF-8`, error);
  }
}

/**
 * The link, user and account ids of the record `layout` was read from, as text checked as UTF-8,
 * into `out[0..2]`: one native call when they are ASCII.
 */
export function readClickIds(bytes: Uint8Array, layout: ClickLayout, out: string[]): void {
  const buffer = asNativeBuffer(bytes);
  const { idsStart, linkIdBytes, userIdBytes, accountIdBytes } = layout;
  const userStart = idsStart + linkIdBytes;
  const accountStart = userStart + userIdBytes;
  const all = asciiText(buffer, idsStart, accountStart + accountIdBytes);
  if (all !== undefined) {
    out[0] = all.substring(0, linkIdBytes);
    out[1] = all.substring(linkIdBytes, linkIdBytes + userIdBytes);
    out[2] = all.substring(linkIdBytes + userIdBytes);
    return;
  }
  out[0] = readUtf8Span(buffer, idsStart, linkIdBytes, 0);
  out[1] = readUtf8Span(buffer, userStart, userIdBytes, 1);
  out[2] = readUtf8Span(buffer, accountStart, accountIdBytes, 2);
}

/** Only the visitor's address, as canonical text: for the few readers that need the text, on demand. */
export function readClickIp(bytes: Uint8Array): string {
  const flags = readFlags(bytes);
  return formatIpBytes(bytes, ipOffset, (flags & flagIpv6) !== 0 ? 16 : 4);
}

/** Only the event time, at a fixed offset: for watermarks and routing by time. */
export function readClickEventTimeMs(bytes: Uint8Array): number {
  readFlags(bytes);
  return readEventTimeMs(bytes);
}

const idField = stringFields.indexOf('id');

/** Only the event id: for rebuilding the ingest dedupe window from the log without decoding whole records. */
export function readClickId(bytes: Uint8Array): string {
  const buffer = asNativeBuffer(bytes);
  readFixedPart(buffer);
  let start = fixed.dataStart;
  for (let field = 0; field < idField; field++) start += lengths[field]!;
  return readUtf8(buffer, start, idField);
}
