// Proves partitioning is stable (fixed values, so a change of hash is caught), keeps a whole network in one partition, and spreads random and structured networks evenly.
import { describe, expect, it } from 'vitest';
import { AssertionFailure, ValidationError } from '../core/index.js';
import { fnv1a32, partitionForIp } from './partition.js';

/** A small deterministic generator (mulberry32), so the spread test never flakes. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

function counts(partitions: number, ips: Iterable<string>): number[] {
  const result = new Array<number>(partitions).fill(0);
  for (const ip of ips) result[partitionForIp(ip, partitions)]! += 1;
  return result;
}

describe('fnv1a32', () => {
  it('matches the published test vectors', () => {
    const text = (value: string) => new TextEncoder().encode(value);
    expect(fnv1a32(text(''), 0)).toBe(0x811c9dc5);
    expect(fnv1a32(text('a'), 1)).toBe(0xe40c292c);
    expect(fnv1a32(text('foobar'), 6)).toBe(0xbf9cf968);
  });
});

describe('partitionForIp', () => {
  it.each([
    ['203.0.113.7', 4, 844],
    ['198.51.100.23', 7, 903],
    ['10.0.0.1', 2, 266],
    ['2001:db8::1', 4, 972],
    ['2a00:1450:4001:82b::200e', 7, 423],
  ])('puts %s in partition %i of 8 and %i of 1024, forever', (ip, of8, of1024) => {
    expect(partitionForIp(ip, 8)).toBe(of8);
    expect(partitionForIp(ip, 1024)).toBe(of1024);
  });

  it('keeps a /24, a /64 and the IPv4-mapped spelling of a /24 together', () => {
    expect(partitionForIp('203.0.113.200', 1024)).toBe(partitionForIp('203.0.113.7', 1024));
    expect(partitionForIp('::ffff:203.0.113.7', 1024)).toBe(partitionForIp('203.0.113.7', 1024));
    expect(partitionForIp('2001:db8::ffff:1', 1024)).toBe(partitionForIp('2001:DB8:0:0::1', 1024));
  });

  it('spreads 10,000 random addresses over 8 partitions evenly', () => {
    const random = seededRandom(42);
    const octet = () => Math.floor(random() * 256);
    const group = () => Math.floor(random() * 65536).toString(16);
    const ips = Array.from({ length: 10_000 }, (_, index) =>
      index % 2 === 0 ? `${octet()}.${octet()}.${octet()}.${octet()}` : `2001:${group()}:${group()}:${group()}::1`,
    );
    for (const count of counts(8, ips)) expect(Math.abs(count - 1250)).toBeLessThan(150);
  });

  it('spreads networks that differ only in high bits, which plain FNV-1a modulo 8 sends to one partition', () => {
    const ips: string[] = [];
    for (let second = 0; second < 256; second += 8) for (let third = 0; third < 256; third += 8) ips.push(`10.${second}.${third}.1`);
    for (const count of counts(8, ips)) expect(Math.abs(count - 128)).toBeLessThan(45);
  });

  it('rejects a bad address as user input and a bad partition count as a bug', () => {
    expect(() => partitionForIp('1.2.3', 8)).toThrow(ValidationError);
    expect(() => partitionForIp('1.2.3.4', 0)).toThrow(AssertionFailure);
    expect(() => partitionForIp('1.2.3.4', 1.5)).toThrow(AssertionFailure);
  });
});
