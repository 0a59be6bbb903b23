// Proves forwarded headers are believed only from trusted proxies and cannot be spoofed by clients.
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver, parseCidr, unmapIpv4 } from './client-address.js';

describe('client address', () => {
  it('uses the socket peer when no proxy is trusted, ignoring X-Forwarded-For', () => {
    const resolver = createClientAddressResolver([]);
    expect(resolver.resolve('::ffff:203.0.113.9', '1.1.1.1')).toBe('203.0.113.9');
    expect(resolver.resolve('2001:DB8::1', undefined)).toBe('2001:db8::1');
  });

  it('walks X-Forwarded-For from the right past trusted proxies only', () => {
    const resolver = createClientAddressResolver(['10.0.0.0/8', '2001:db8:ffff::/48']);
    expect(resolver.resolve('10.1.2.3', '198.51.100.7')).toBe('198.51.100.7');
    // A client-supplied first hop is not believed: the right-most untrusted hop wins.
    expect(resolver.resolve('10.1.2.3', '6.6.6.6, 198.51.100.7, 10.9.9.9')).toBe('198.51.100.7');
    expect(resolver.resolve('2001:db8:ffff::5', '2001:db8:1::9')).toBe('2001:db8:1::9');
    // An untrusted peer's header is ignored.
    expect(resolver.resolve('198.51.100.1', '6.6.6.6')).toBe('198.51.100.1');
    // Garbage in the header gives no address rather than a wrong one.
    expect(resolver.resolve('10.1.2.3', 'not-an-ip')).toBeUndefined();
  });

  it('parses CIDR ranges and rejects bad ones', () => {
    expect(parseCidr('192.168.0.0/16').prefixBits).toBe(16);
    expect(parseCidr('::1').prefixBits).toBe(128);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix length/);
    expect(() => parseCidr('nope/8')).toThrow(/not an IP/);
    expect(unmapIpv4('::ffff:1.2.3.4')).toBe('1.2.3.4');
  });
});
