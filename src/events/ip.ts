// Visitor addresses, parsed by hand: every click passes through here on the ingest and stream hot
// paths, and one canonical text per address is what lets per-IP fraud windows, dedupe and Parquet
// agree on a key. Accepted: IPv4 dotted quads and RFC 4291 IPv6 text. Rejected: zone ids (they
// name a local interface, meaningless off the host), brackets, and IPv4 octets with leading zeros
// (`010.1.1.1` is octal to some parsers and decimal to others).
import { ValidationError } from '../core/index.js';

/** Longest valid text: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`. */
const ipTextLengthMax = 45;
const colon = 0x3a;
const dot = 0x2e;

/** `0`..`255` as text: formatting IPv4 is four lookups. */
const octetText: readonly string[] = Array.from({ length: 256 }, (_, octet) => String(octet));

/** Reads a dotted quad from `text[start..]` to its end into `out[offset..offset+4]`. */
function parseIpv4Into(text: string, start: number, out: Uint8Array, offset: number): boolean {
  const end = text.length;
  let index = start;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (index >= end || text.charCodeAt(index) !== dot) return false;
      index++;
    }
    const first = index;
    let value = 0;
    while (index < end && index - first < 4) {
      const digit = text.charCodeAt(index) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      index++;
    }
    const digits = index - first;
    if (digits === 0 || digits > 3 || value > 255) return false;
    if (digits > 1 && text.charCodeAt(first) === 0x30) return false;
    out[offset + octet] = value;
  }
  return index === end;
}

/** The code unit at `at`, or -1 past the end: reading past it gives NaN but deoptimizes V8's compiled code. */
function codeAt(text: string, at: number): number {
  return at < text.length ? text.charCodeAt(at) : -1;
}

/** The value of a hex digit, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** Moves the groups written after `::` to the end of the address and zeroes the gap. */
function expandCompression(out: Uint8Array, offset: number, count: number, compressAt: number): void {
  const gap = 8 - count;
  for (let group = count - 1; group >= compressAt; group--) {
    out[offset + 2 * (group + gap)] = out[offset + 2 * group]!;
    out[offset + 2 * (group + gap) + 1] = out[offset + 2 * group + 1]!;
  }
  out.fill(0, offset + 2 * compressAt, offset + 2 * (compressAt + gap));
}

/**
 * Reads RFC 4291 text into 16 bytes in one pass: groups are written as they are read and the
 * `::` gap is opened at the end. `out` may hold garbage when this returns false.
 */
function parseIpv6Into(text: string, out: Uint8Array, offset: number): boolean {
  const end = text.length;
  let index = 0;
  let count = 0;
  let compressAt = -1;
  if (codeAt(text, 0) === colon) {
    if (codeAt(text, 1) !== colon) return false;
    compressAt = 0;
    index = 2;
  }
  while (index < end) {
    if (count === 8) return false;
    const first = index;
    let value = 0;
    for (let digit = hexValue(codeAt(text, index)); digit >= 0; digit = hexValue(codeAt(text, ++index))) {
      if (index - first === 4) return false;
      value = (value << 4) | digit;
    }
    if (codeAt(text, index) === dot) {
      // An embedded IPv4 tail: the last 32 bits, as a dotted quad.
      if (count > 6 || !parseIpv4Into(text, first, out, offset + 2 * count)) return false;
      count += 2;
      break;
    }
    if (index === first) return false;
    out[offset + 2 * count] = value >>> 8;
    out[offset + 2 * count + 1] = value & 0xff;
    count++;
    if (index === end) break;
    if (codeAt(text, index) !== colon) return false;
    index++;
    if (codeAt(text, index) === colon) {
      if (compressAt >= 0) return false;
      compressAt = count;
      index++;
    } else if (index === end) {
      return false;
    }
  }
  // `::` stands for at least one zero group; without it, all eight must be written out.
  if (compressAt < 0) return count === 8;
  if (count > 7) return false;
  expandCompression(out, offset, count, compressAt);
  return true;
}

/**
 * Parses `text` into `out[offset..]`: 4 bytes for IPv4, 16 for IPv6. Returns the byte count, or 0
 * when `text` is not an address. For the codec and partitioner, which must not allocate per call.
 */
export function parseIpInto(text: string, out: Uint8Array, offset: number): 0 | 4 | 16 {
  if (text.length === 0 || text.length > ipTextLengthMax) return 0;
  if (text.indexOf(':') < 0) return parseIpv4Into(text, 0, out, offset) ? 4 : 0;
  return parseIpv6Into(text, out, offset) ? 16 : 0;
}

function isIpv4MappedBytes(bytes: Uint8Array, offset: number): boolean {
  for (let index = 0; index < 10; index++) if (bytes[offset + index] !== 0) return false;
  return bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff;
}

function formatIpv4(bytes: Uint8Array, offset: number): string {
  return `${octetText[bytes[offset]!]}.${octetText[bytes[offset + 1]!]}.${octetText[bytes[offset + 2]!]}.${octetText[bytes[offset + 3]!]}`;
}

/** Hex of a byte with and without its leading zero: a group is at most two lookups. */
const byteHex: readonly string[] = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));
const byteHexShort: readonly string[] = Array.from({ length: 256 }, (_, value) => value.toString(16));

function groupHex(bytes: Uint8Array, at: number): string {
  const high = bytes[at]!;
  return high === 0 ? byteHexShort[bytes[at + 1]!]! : byteHexShort[high]! + byteHex[bytes[at + 1]!]!;
}

/** The first longest run of two or more zero groups, packed as `start * 16 + length`, or -1. */
function longestZeroRun(bytes: Uint8Array, offset: number): number {
  let bestStart = -1;
  let bestLength = 1;
  for (let group = 0; group < 8; ) {
    let end = group;
    while (end < 8 && bytes[offset + 2 * end] === 0 && bytes[offset + 2 * end + 1] === 0) end++;
    if (end - group > bestLength) {
      bestStart = group;
      bestLength = end - group;
    }
    group = end === group ? group + 1 : end;
  }
  return bestStart < 0 ? -1 : bestStart * 16 + bestLength;
}

/** Groups `from..to` of the address as hex joined by `:`. */
function joinGroups(bytes: Uint8Array, offset: number, from: number, to: number): string {
  let text = '';
  for (let group = from; group < to; group++) {
    text += group === from ? groupHex(bytes, offset + 2 * group) : `:${groupHex(bytes, offset + 2 * group)}`;
  }
  return text;
}

/** RFC 5952 text: lower case, no leading zeros, the first longest run of 2+ zero groups as `::`. */
function formatIpv6(bytes: Uint8Array, offset: number): string {
  if (isIpv4MappedBytes(bytes, offset)) return `::ffff:${formatIpv4(bytes, offset + 12)}`;
  const run = longestZeroRun(bytes, offset);
  if (run < 0) return joinGroups(bytes, offset, 0, 8);
  const runStart = run >>> 4;
  return `${joinGroups(bytes, offset, 0, runStart)}::${joinGroups(bytes, offset, runStart + (run & 15), 8)}`;
}

/** Formats 4 or 16 address bytes at `bytes[offset..]` as canonical text. */
export function formatIpBytes(bytes: Uint8Array, offset: number, length: 4 | 16): string {
  return length === 4 ? formatIpv4(bytes, offset) : formatIpv6(bytes, offset);
}

const scratchBytes = new Uint8Array(16);

/**
 * The canonical text of an address (IPv4 as given; IPv6 per RFC 5952, with an IPv4-mapped
 * address as `::ffff:1.2.3.4`), or undefined when `text` is not one.
 */
export function normalizeIp(text: string): string | undefined {
  const length = parseIpInto(text, scratchBytes, 0);
  if (length === 0) return undefined;
  // A parsed dotted quad has no leading zeros, so it is already canonical: no new string.
  return length === 4 ? text : formatIpv6(scratchBytes, 0);
}

function invalidIp(text: string): ValidationError {
  return new ValidationError('ip', `${JSON.stringify(text.slice(0, ipTextLengthMax + 1))} is not an IPv4 or IPv6 address`);
}

/** The address as 4 (IPv4) or 16 (IPv6) bytes in network order; throws ValidationError if invalid. */
export function packIp(text: string): Uint8Array {
  const length = parseIpInto(text, scratchBytes, 0);
  if (length === 0) throw invalidIp(text);
  return scratchBytes.slice(0, length);
}

/** The canonical text of 4 or 16 address bytes; throws ValidationError for any other length. */
export function unpackIp(bytes: Uint8Array): string {
  if (bytes.length !== 4 && bytes.length !== 16) {
    throw new ValidationError('ip', `an address is 4 or 16 bytes, not ${bytes.length}`);
  }
  return formatIpBytes(bytes, 0, bytes.length);
}

/**
 * Parses `text` and leaves its network bytes at the start of `out`: the /24 of an IPv4 address
 * (3 bytes) or the /64 of an IPv6 one (8 bytes). An IPv4-mapped address is an IPv4 host seen
 * through a dual-stack socket, so its network is its IPv4 /24: both spellings of one host share a
 * fraud window and a partition. Returns the byte count, or 0 when `text` is not an address.
 */
export function networkBytesInto(text: string, out: Uint8Array): 0 | 3 | 8 {
  const length = parseIpInto(text, out, 0);
  if (length === 0) return 0;
  if (length === 4) return 3;
  if (!isIpv4MappedBytes(out, 0)) return 8;
  out.copyWithin(0, 12, 15);
  return 3;
}

/** The network of an address as text: `1.2.3.0/24`, `2001:db8:1:2::/64` (IPv4-mapped: its IPv4 /24). */
export function networkPrefix(text: string): string {
  const length = networkBytesInto(text, scratchBytes);
  if (length === 0) throw invalidIp(text);
  scratchBytes.fill(0, length);
  return length === 3 ? `${formatIpv4(scratchBytes, 0)}/24` : `${formatIpv6(scratchBytes, 0)}/64`;
}
