// Visitor addresses. People live in many networks (IPv4 /24s and IPv6 /64s of public ranges),
// bots in their operators' networks, fraud in a few datacenter and proxy ranges. The three pools
// never overlap, so the truth can say which clicks came from which, and every address is written
// in canonical text (RFC 5952 for IPv6), exactly as the server stores it.
import { assert } from '../core/index.js';
import { botAgents } from './catalog-user-agents.js';
import type { Random } from './random.js';

/** Networks fraud comes from: hosting and proxy ranges often seen in click fraud. */
const fraudNetworks: readonly string[] = [
  '185.220.101', '45.134.26', '193.32.162', '5.188.62', '91.240.118', '194.26.29', '141.98.11', '103.251.167',
];

/** IPv6 allocations of large access providers (their first 16 bits). */
const ipv6Allocations: readonly number[] = [0x2a02, 0x2600, 0x2001, 0x2409, 0x2804, 0x2c0f, 0x2a01, 0x2405];

/** First octets people's IPv4 networks are drawn from: public unicast, away from bot and fraud ranges. */
function humanFirstOctets(): number[] {
  const reserved = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);
  for (const network of [...fraudNetworks, ...botAgents.map((agent) => agent.network)]) reserved.add(Number(network.split('.')[0]));
  const octets: number[] = [];
  for (let octet = 1; octet < 224; octet++) if (!reserved.has(octet)) octets.push(octet);
  return octets;
}

function ipv6Group(random: Random): string {
  // Never zero: an address without zero groups has no `::` and is canonical as written.
  return (1 + random.below(0xffff)).toString(16);
}

/** `count` distinct network prefixes: `a.b.c.` for IPv4 or `x:x:x:x:` for IPv6 (`ipv6` of them). */
function makeNetworks(random: Random, count: number, ipv6: number): string[] {
  const firstOctets = humanFirstOctets();
  const seen = new Set<string>();
  const networks: string[] = [];
  while (networks.length < count) {
    const isIpv6 = networks.length < ipv6;
    const prefix = isIpv6
      ? `${ipv6Allocations[random.below(ipv6Allocations.length)]!.toString(16)}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}:`
      : `${firstOctets[random.below(firstOctets.length)]}.${random.below(256)}.${random.below(256)}.`;
    if (seen.has(prefix)) continue;
    seen.add(prefix);
    networks.push(prefix);
  }
  return networks;
}

/**
 * `visitors` distinct human addresses in `networks` networks, a share `ipv6Share` of them IPv6.
 * Every network gets at least one visitor; an IPv4 /24 holds at most 254.
 */
export function humanAddresses(random: Random, visitors: number, networks: number, ipv6Share: number): string[] {
  const ipv6Networks = ipv6Share <= 0 ? 0 : ipv6Share >= 1 ? networks : Math.min(networks - 1, Math.max(1, Math.round(networks * ipv6Share)));
  const ipv4Networks = networks - ipv6Networks;
  assert(ipv4Networks * 254 + (ipv6Networks > 0 ? Infinity : 0) >= visitors, () => `${visitors} visitors do not fit ${ipv4Networks} IPv4 /24 networks`);
  const prefixes = makeNetworks(random, networks, ipv6Networks);
  const seen = new Set<string>();
  const addresses: string[] = [];
  while (addresses.length < visitors) {
    // The first visitors cover every network once; the rest choose IPv6 with the configured share.
    const index = addresses.length;
    let network: number;
    if (index < networks) network = index;
    else if (ipv6Networks > 0 && (ipv4Networks === 0 || random.float() < ipv6Share)) network = random.below(ipv6Networks);
    else network = ipv6Networks + random.below(ipv4Networks);
    const prefix = prefixes[network]!;
    const address = network < ipv6Networks
      ? `${prefix}${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}:${ipv6Group(random)}`
      : `${prefix}${1 + random.below(254)}`;
    if (seen.has(address)) continue;
    seen.add(address);
    addresses.push(address);
  }
  return addresses;
}

/** `count` distinct addresses in `network` (three octets), hosts 1..254. */
export function addressesIn(random: Random, network: string, count: number): string[] {
  assert(count <= 254, () => `a /24 holds 254 hosts, not ${count}`);
  const hosts = new Set<number>();
  while (hosts.size < count) hosts.add(1 + random.below(254));
  return [...hosts].map((host) => `${network}.${host}`);
}

/** `count` distinct fraud addresses, spread over the fraud networks. */
export function fraudAddresses(random: Random, count: number): string[] {
  const seen = new Set<string>();
  const addresses: string[] = [];
  while (addresses.length < count) {
    const address = `${fraudNetworks[addresses.length % fraudNetworks.length]}.${1 + random.below(254)}`;
    if (seen.has(address)) continue;
    seen.add(address);
    addresses.push(address);
  }
  return addresses;
}
