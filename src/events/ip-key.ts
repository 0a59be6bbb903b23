// Numeric keys for addresses and their networks, for state maps on the stream's hot path: a
// number key is cheaper to hash and compare than address text and needs no string per click.
//
// - IPv4 (and IPv4-mapped IPv6): the address as an unsigned 32-bit integer (0 .. 2^32 - 1); its
//   /24 network: the top 24 bits (0 .. 2^24 - 1).
// - IPv6: 2^32 plus a 52-bit hash of the 16 bytes (or of the first 8, for the /64). Two different
//   IPv6 addresses share a key with probability about 2^-52 per pair, which would merge their
//   fraud counts; with a million addresses in state that is about one chance in 10^4 per year of
//   a single merged pair, accepted for the speed it buys.
// The same key is computed from text (`ipKey`, for queries) and from record bytes (`ipKeyOfBytes`,
// for the decoder), so a verdict looked up by an address finds what the stream computed.
import { parseIpInto } from './ip.js';

const ipv6Base = 2 ** 32;
const hash52Range = 2 ** 52;

function isMapped(bytes: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 10; i++) if (bytes[offset + i] !== 0) return false;
  return bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff;
}

function ipv4Value(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** The 52-bit hash of two FNV-1a variants' states `a` and `b` (20 + 32 bits). */
function combine52(a: number, b: number): number {
  return ((a >>> 12) * ipv6Base + (b >>> 0)) % hash52Range;
}

/** A 52-bit hash of `length` bytes: two FNV-1a variants combined (20 + 32 bits). */
function hash52(bytes: Uint8Array, offset: number, length: number): number {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    const byte = bytes[offset + i]!;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995);
    b ^= b >>> 13;
  }
  return combine52(a, b);
}

/** The key of the address in `bytes[offset..offset+length)` (length 4 or 16). */
export function ipKeyOfBytes(bytes: Uint8Array, offset: number, length: 4 | 16): number {
  if (length === 4) return ipv4Value(bytes, offset);
  if (isMapped(bytes, offset)) return ipv4Value(bytes, offset + 12);
  return ipv6Base + hash52(bytes, offset, 16);
}

/** The key of the address's network: its /24 (IPv4, mapped IPv4) or /64 (IPv6). */
export function networkKeyOfBytes(bytes: Uint8Array, offset: number, length: 4 | 16): number {
  if (length === 4) return ipv4Value(bytes, offset) >>> 8;
  if (isMapped(bytes, offset)) return ipv4Value(bytes, offset + 12) >>> 8;
  return ipv6Base + hash52(bytes, offset, 8);
}

/**
 * Both keys of the address in `bytes[offset..offset+length)` in one pass (an IPv6 network's hash is
 * the address's hash half way): `ipKeys[row]` as `ipKeyOfBytes`, `networkKeys[row]` as
 * `networkKeyOfBytes`. For decoders filling batch columns.
 */
export function addressKeysInto(bytes: Uint8Array, offset: number, length: 4 | 16, ipKeys: Float64Array, networkKeys: Float64Array, row: number): void {
  if (length === 4 || isMapped(bytes, offset)) {
    const value = ipv4Value(bytes, length === 4 ? offset : offset + 12);
    ipKeys[row] = value;
    networkKeys[row] = value >>> 8;
    return;
  }
  // `hash52` of 16 bytes, noting its value after the first 8: the /64's.
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < 16; i++) {
    if (i === 8) networkKeys[row] = ipv6Base + combine52(a, b);
    const byte = bytes[offset + i]!;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995);
    b ^= b >>> 13;
  }
  ipKeys[row] = ipv6Base + combine52(a, b);
}

const scratch = new Uint8Array(16);

/** The key of an address given as text, or undefined when it is not an address. */
export function ipKey(ip: string): number | undefined {
  const length = parseIpInto(ip, scratch, 0);
  return length === 0 ? undefined : ipKeyOfBytes(scratch, 0, length);
}

/** The key of an address's network, or undefined when it is not an address. */
export function networkKey(ip: string): number | undefined {
  const length = parseIpInto(ip, scratch, 0);
  return length === 0 ? undefined : networkKeyOfBytes(scratch, 0, length);
}

/** True for keys of IPv4 addresses (and networks), false for IPv6 ones. */
export function isIpv4Key(key: number): boolean {
  return key < ipv6Base;
}
