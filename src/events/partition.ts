// Which log partition a click goes to. Keyed by the visitor's network, not by link: every per-IP
// and per-/24 (per-/64) fraud window then lives in exactly one partition, so the fraud job keeps
// them as plain local state with no cross-partition shuffle. Per-link counters are sums and
// mergeable sketches, so each partition keeps a partial and the serving layer adds them up.
import { assert, limits, ValidationError } from '../core/index.js';
import { networkBytesInto } from './ip.js';

const fnvOffsetBasis = 0x811c9dc5;
const fnvPrime = 0x01000193;

/** FNV-1a, 32 bits, over `bytes[0..length)`. */
export function fnv1a32(bytes: Uint8Array, length: number): number {
  let hash = fnvOffsetBasis;
  for (let index = 0; index < length; index++) {
    hash = Math.imul(hash ^ bytes[index]!, fnvPrime);
  }
  return hash >>> 0;
}

/** Murmur3's finalizer: every output bit depends on every input bit. */
function finalize32(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

const networkScratch = new Uint8Array(16);

/**
 * The partition of a click from `ip`: FNV-1a over its network bytes (the /24 of IPv4 or of an
 * IPv4-mapped address, the /64 of IPv6; see `networkBytesInto`), finalized, modulo `partitions`.
 * Stable forever for a given partition count: changing it moves fraud state between partitions.
 */
export function partitionForIp(ip: string, partitions: number): number {
  assert(Number.isInteger(partitions) && partitions >= 1 && partitions <= limits.partitionsMax, () => `partitions must be 1..${limits.partitionsMax}, not ${partitions}`);
  const length = networkBytesInto(ip, networkScratch);
  if (length === 0) throw new ValidationError('ip', `${JSON.stringify(ip.slice(0, 64))} is not an IPv4 or IPv6 address`);
  // The low bits of an FNV product depend only on the low bits of each input byte: with a
  // power-of-two partition count, networks differing only in high bits (10.0.0/24, 10.0.8/24,
  // 10.8.16/24...) would all land in one partition. The finalizer spreads them.
  return finalize32(fnv1a32(networkScratch, length)) % partitions;
}
