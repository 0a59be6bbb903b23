// Proves address keys are stable, equal for the same address however it is written, distinct for
// different addresses, and that the /24 and /64 keys group exactly the addresses of one network.
import { describe, expect, it } from 'vitest';
import { packIp } from './ip.js';
import { addressKeysInto, ipKey, isIpv4Key, networkKey } from './ip-key.js';

describe('address keys', () => {
  it('maps IPv4 to its 32-bit value and /24 to its top 24 bits', () => {
    expect(ipKey('1.2.3.4')).toBe(0x01020304);
    expect(ipKey('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(networkKey('1.2.3.4')).toBe(0x010203);
    expect(networkKey('1.2.3.200')).toBe(networkKey('1.2.3.4'));
    expect(networkKey('1.2.4.4')).not.toBe(networkKey('1.2.3.4'));
    expect(isIpv4Key(ipKey('9.9.9.9')!)).toBe(true);
  });

  it('gives an IPv4-mapped address the key of its IPv4 address', () => {
    expect(ipKey('::ffff:1.2.3.4')).toBe(ipKey('1.2.3.4'));
    expect(networkKey('::ffff:1.2.3.9')).toBe(networkKey('1.2.3.4'));
  });

  it('keys IPv6 apart from IPv4, the same however written, and by /64', () => {
    const key = ipKey('2001:db8::1')!;
    expect(isIpv4Key(key)).toBe(false);
    expect(ipKey('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe(key);
    expect(ipKey('2001:db8::2')).not.toBe(key);
    expect(Number.isSafeInteger(key)).toBe(true);
    expect(networkKey('2001:db8:0:0:ffff::1')).toBe(networkKey('2001:db8::9'));
    expect(networkKey('2001:db8:0:1::1')).not.toBe(networkKey('2001:db8::9'));
  });

  it('keeps 100,000 distinct IPv6 addresses distinct', () => {
    const keys = new Set<number>();
    for (let i = 0; i < 100_000; i++) keys.add(ipKey(`2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::${(i % 7).toString(16)}`)!);
    expect(keys.size).toBe(100_000);
  });

  it('says undefined for text that is not an address', () => {
    expect(ipKey('nope')).toBeUndefined();
    expect(networkKey('1.2.3')).toBeUndefined();
  });

  it('gives both keys in one pass exactly as the text functions do', () => {
    const ipKeys = new Float64Array(2);
    const networkKeys = new Float64Array(2);
    for (const ip of ['1.2.3.4', '255.0.0.1', '::ffff:9.8.7.6', '2001:db8::1', 'fe80::1:2:3:4', '2a00:1450:4001:81c::200e', '::']) {
      const bytes = new Uint8Array(20);
      const packed = packIp(ip);
      bytes.set(packed, 3);
      addressKeysInto(bytes, 3, packed.length as 4 | 16, ipKeys, networkKeys, 1);
      expect([ipKeys[1], networkKeys[1]], ip).toEqual([ipKey(ip), networkKey(ip)]);
    }
  });
});
