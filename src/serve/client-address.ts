// The visitor's address and country. The address is the socket's peer unless that peer is a
// configured trusted proxy, in which case X-Forwarded-For is walked from the right, skipping
// trusted proxies, and the first untrusted hop is the visitor: a client cannot spoof its address
// by sending its own header, because only hops added by trusted proxies are believed.
import { normalizeIp, packIp } from '../events/index.js';

interface Cidr {
  bytes: Uint8Array;
  prefixBits: number;
}

const mappedPrefix = '::ffff:';

/** IPv4-mapped IPv6 (how a dual-stack socket reports IPv4 peers) as plain IPv4; else unchanged. */
export function unmapIpv4(ip: string): string {
  return ip.startsWith(mappedPrefix) && ip.includes('.') ? ip.slice(mappedPrefix.length) : ip;
}

export function parseCidr(text: string): Cidr {
  const [address, bits] = text.split('/');
  const ip = address === undefined ? undefined : normalizeIp(unmapIpv4(address.trim()));
  if (!ip) throw new Error(`"${text}" is not an IP address or CIDR range`);
  const bytes = packIp(ip);
  const prefixBits = bits === undefined ? bytes.length * 8 : Number(bits);
  if (!Number.isInteger(prefixBits) || prefixBits < 0 || prefixBits > bytes.length * 8) {
    throw new Error(`"${text}": the prefix length must be 0 to ${bytes.length * 8}`);
  }
  return { bytes, prefixBits };
}

function inCidr(bytes: Uint8Array, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  const whole = cidr.prefixBits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefixBits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole]! & mask) === (cidr.bytes[whole]! & mask);
}

export interface ClientAddressResolver {
  /** The visitor's canonical IP, or undefined when no valid address can be found. */
  resolve(socketAddress: string | undefined, forwardedFor: string | undefined): string | undefined;
}

export function createClientAddressResolver(trustedProxies: readonly string[]): ClientAddressResolver {
  const trusted = trustedProxies.map(parseCidr);
  const isTrusted = (ip: string): boolean => {
    if (trusted.length === 0) return false;
    const bytes = packIp(ip);
    return trusted.some((cidr) => inCidr(bytes, cidr));
  };
  return {
    resolve(socketAddress, forwardedFor) {
      const peer = socketAddress === undefined ? undefined : normalizeIp(unmapIpv4(socketAddress));
      if (!peer || !forwardedFor || !isTrusted(peer)) return peer;
      const hops = forwardedFor.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = normalizeIp(unmapIpv4(hops[i]!.trim()));
        if (!hop) return undefined;
        if (!isTrusted(hop)) return hop;
      }
      return peer;
    },
  };
}
