// Proves addresses parse exactly as Node's own parser decides (minus zone ids), come out in RFC 5952 canonical text, and pack, unpack and give their network prefix faithfully.
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/index.js';
import { networkPrefix, normalizeIp, packIp, unpackIp } from './ip.js';

/** 16 bytes with long zero runs made likely, so `::` placement is exercised. */
const ipv6Bytes = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => Uint8Array.from(groups.flatMap((group) => [group >>> 8, group & 0xff])));

/** Any valid spelling of an address: padded or upper-case groups, `::` anywhere it may go, a dotted tail. */
const ipv6Spelling = fc
  .record({ bytes: ipv6Bytes, pad: fc.nat(3), upper: fc.boolean(), compress: fc.nat(8), span: fc.nat(8), dotted: fc.boolean() })
  .map(({ bytes, pad, upper, compress, span, dotted }) => {
    const view = new DataView(bytes.buffer);
    const groups = Array.from({ length: 8 }, (_, group) => view.getUint16(group * 2).toString(16).padStart(pad + 1, '0').slice(-4));
    const parts = dotted ? [...groups.slice(0, 6), bytes.slice(12).join('.')] : groups;
    const cased = parts.map((part) => (upper ? part.toUpperCase() : part));
    let end = compress;
    while (end < Math.min(cased.length, compress + span) && /^0+$/.test(cased[end]!)) end++;
    if (end === compress) return cased.join(':');
    return `${cased.slice(0, compress).join(':')}::${cased.slice(end).join(':')}`;
  });
const ipv4Spelling = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes) => bytes.join('.'));

/** A valid spelling, left alone half the time and otherwise broken by one inserted or deleted character. */
const addressLikeText = fc
  .tuple(fc.oneof(ipv4Spelling, ipv6Spelling), fc.nat(), fc.constantFrom('', '', '', ':', '.', '0', 'f', 'g', '%', ' ', 'del'))
  .map(([text, position, edit]) => {
    const at = position % (text.length + 1);
    if (edit === 'del') return text.slice(0, at) + text.slice(at + 1);
    return text.slice(0, at) + edit + text.slice(at);
  });

describe('normalizeIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['0:0:0:0:0:FFFF:0102:0304', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('%s is %s', (text, canonical) => {
    expect(normalizeIp(text)).toBe(canonical);
  });

  it.each([
    '', '01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.4 ', '1..2.3', '-1.2.3.4',
    'fe80::1%eth0', '[::1]', ':::', '1:::2', ':1', '1:', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::',
    '1::2:3:4:5:6:7:8', '00000::1', 'g::1', '::ffff:01.2.3.4', '::ffff:1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'localhost',
    `${'1:'.repeat(30)}1`,
  ])('rejects %j', (text) => {
    expect(normalizeIp(text)).toBeUndefined();
  });

  it('accepts exactly what node:net accepts, zone ids aside', () => {
    fc.assert(
      fc.property(addressLikeText, (text) => {
        const expected = text.includes('%') ? false : isIP(text) !== 0;
        expect(normalizeIp(text) !== undefined).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes IPv6 as the WHATWG URL serializer does (RFC 5952), and canonical text is a fixed point', () => {
    fc.assert(
      fc.property(ipv6Bytes, (bytes) => {
        const text = unpackIp(bytes);
        expect(normalizeIp(text)).toBe(text);
        if (!text.startsWith('::ffff:') || !text.includes('.')) {
          expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('packIp and unpackIp', () => {
  it('round-trips 4 and 16 bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), ipv6Bytes), (bytes) => {
        expect(packIp(unpackIp(bytes))).toEqual(bytes);
      }),
    );
    expect(packIp('::ffff:1.2.3.4')).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]));
    expect(packIp('203.0.113.7')).toEqual(Uint8Array.from([203, 0, 113, 7]));
  });

  it('rejects bad input with a ValidationError naming the field', () => {
    expect(() => packIp('1.2.3.256')).toThrow(ValidationError);
    expect(() => packIp('1.2.3.256')).toThrow(/^ip: /);
    expect(() => unpackIp(new Uint8Array(5))).toThrow(ValidationError);
  });
});

describe('networkPrefix', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8::/64'],
    ['::1', '::/64'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
  ])('%s is in %s', (ip, prefix) => {
    expect(networkPrefix(ip)).toBe(prefix);
  });

  it('rejects what is not an address', () => {
    expect(() => networkPrefix('example.com')).toThrow(ValidationError);
  });
});
