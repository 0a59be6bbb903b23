// Proves the click codec round-trips every valid event exactly (unicode, IPv6, empty and maximal fields, extreme times), keeps its byte layout, and turns any damaged record into a ClickRecordError or a well-typed event, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionFailure, limits } from '../core/index.js';
import { countryOfCode, createClickLayout, decodeClick, encodeClick, readClickEventTimeMs, readClickHeader, readClickId, readClickIds, readClickIp, readClickLayout } from './codec.js';
import { ClickRecordError } from './errors.js';
import { utf8ByteLength } from './field-checks.js';
import { normalizeIp, unpackIp } from './ip.js';
import { sampleClickEvent } from './sample.js';
import { deviceClasses, eventSources, type ClickEvent } from './types.js';

/** Drops whole code points from the end until `text` fits `maxBytes` of UTF-8. */
function fitBytes(text: string, maxBytes: number): string {
  let fitted = text;
  while (utf8ByteLength(fitted) > maxBytes) fitted = [...fitted].slice(0, -1).join('');
  return fitted;
}

/** Text of 0..maxBytes UTF-8 bytes: ASCII, any code point (astral included), emoji and CJK, or exactly full. */
function text(maxBytes: number, minBytes = 0): fc.Arbitrary<string> {
  const pieces = fc.constantFrom('a', 'Z', '/', ' ', 'é', 'ß', '€', '中', '文', '😀', '👩‍💻', '𝄞', '\u{10FFFF}', '\uFEFF', '\uFFFD', '\u0000');
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: Math.min(maxBytes, 200) }) },
      { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: Math.min(maxBytes, 80) }) },
      { weight: 2, arbitrary: fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')) },
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(maxBytes), '€'.repeat(Math.floor(maxBytes / 3)), '😀'.repeat(Math.floor(maxBytes / 4))) },
    )
    .map((value) => fitBytes(value, maxBytes))
    .filter((value) => utf8ByteLength(value) >= minBytes);
}

const ipText = fc.oneof(
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map(unpackIp),
  fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((groups) => normalizeIp(groups.map((group) => group.toString(16)).join(':'))!),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes) => `::ffff:${bytes.join('.')}`),
  fc.constantFrom('::', '::1', '255.255.255.255', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
);

const timeMs = fc.oneof(fc.constantFrom(0, 2 ** 47, 2 ** 48 - 1, 1767225600000), fc.integer({ min: 0, max: 2 ** 48 - 1 }));
const upperLetter = fc.integer({ min: 0x41, max: 0x5a }).map((code) => String.fromCharCode(code));

const clickEvent: fc.Arbitrary<ClickEvent> = fc.record({
  id: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: limits.eventIdBytesMax }),
  eventTimeMs: timeMs,
  ingestTimeMs: timeMs,
  linkId: text(limits.entityIdBytesMax, 1),
  slug: text(limits.slugBytesMax, 1),
  userId: text(limits.entityIdBytesMax, 1),
  accountId: text(limits.entityIdBytesMax, 1),
  ip: ipText,
  userAgent: text(limits.userAgentBytesMax),
  referrer: text(limits.referrerBytesMax),
  country: fc.oneof(fc.constant(''), fc.tuple(upperLetter, upperLetter).map(([first, second]) => first + second)),
  device: fc.constantFrom(...deviceClasses),
  browser: text(limits.classBytesMax),
  os: text(limits.classBytesMax),
  bot: fc.boolean(),
  head: fc.boolean(),
  source: fc.constantFrom(...eventSources),
}).map((event) => ({ ...event })); // a plain object, as events are: fast-check's records have no prototype

/** What a decoded record must be whatever its bytes were: every field of its type and within bounds. */
function expectWellTyped(event: ClickEvent): void {
  const bounded: [keyof ClickEvent, number][] = [
    ['id', limits.eventIdBytesMax], ['linkId', limits.entityIdBytesMax], ['userId', limits.entityIdBytesMax],
    ['accountId', limits.entityIdBytesMax], ['slug', limits.slugBytesMax], ['userAgent', limits.userAgentBytesMax],
    ['referrer', limits.referrerBytesMax], ['browser', limits.classBytesMax], ['os', limits.classBytesMax],
  ];
  for (const [field, maxBytes] of bounded) {
    const bytes = utf8ByteLength(event[field] as string);
    expect(bytes, field).toBeGreaterThanOrEqual(0);
    expect(bytes, field).toBeLessThanOrEqual(maxBytes);
  }
  for (const time of [event.eventTimeMs, event.ingestTimeMs]) {
    expect(Number.isInteger(time) && time >= 0 && time < 2 ** 48).toBe(true);
  }
  expect(normalizeIp(event.ip)).toBe(event.ip);
  expect(event.country).toMatch(/^(?:[A-Z]{2})?$/);
  expect(deviceClasses).toContain(event.device);
  expect(eventSources).toContain(event.source);
  expect(typeof event.bot).toBe('boolean');
  expect(typeof event.head).toBe('boolean');
}

describe('encodeClick and decodeClick', () => {
  it('round-trip every valid event exactly, within the record bound', () => {
    fc.assert(
      fc.property(clickEvent, (event) => {
        const record = encodeClick(event);
        expect(record.length).toBeLessThanOrEqual(limits.eventRecordBytesMax);
        expect(decodeClick(record)).toStrictEqual(event);
        expect(decodeClick(Uint8Array.from(record))).toStrictEqual(event);
      }),
      { numRuns: 3_000 },
    );
  });

  it('read the header, the event time and the id alone, agreeing with the full decode', () => {
    fc.assert(
      fc.property(clickEvent, (event) => {
        const record = encodeClick(event);
        const { eventTimeMs, ingestTimeMs, ip, country, device, bot, head, source, linkId, userId, accountId } = event;
        expect(readClickHeader(record)).toStrictEqual({ eventTimeMs, ingestTimeMs, ip, country, device, bot, head, source, linkId, userId, accountId });
        expect(readClickEventTimeMs(record)).toBe(eventTimeMs);
        expect(readClickId(record)).toBe(event.id);
      }),
      { numRuns: 1_000 },
    );
  });

  it('read the layout, the ids and the address alone, agreeing with the full decode', () => {
    const layout = createClickLayout();
    const ids = ['', '', ''];
    fc.assert(
      fc.property(clickEvent, (event) => {
        const record = encodeClick(event);
        readClickLayout(record, layout);
        expect(layout.eventTimeMs).toBe(event.eventTimeMs);
        expect(layout.ingestTimeMs).toBe(event.ingestTimeMs);
        expect(deviceClasses[layout.device]).toBe(event.device);
        expect(countryOfCode(layout.country)).toBe(event.country);
        expect([(layout.flags & 1) !== 0, (layout.flags & 2) !== 0, (layout.flags & 8) !== 0 ? 'import' : 'redirect']).toEqual([event.bot, event.head, event.source]);
        expect(layout.ipLength).toBe(event.ip.includes(':') ? 16 : 4);
        expect([layout.linkIdBytes, layout.userIdBytes, layout.accountIdBytes]).toEqual([event.linkId, event.userId, event.accountId].map(utf8ByteLength));
        readClickIds(record, layout, ids);
        expect(ids).toEqual([event.linkId, event.userId, event.accountId]);
        expect(readClickIp(record)).toBe(event.ip);
      }),
      { numRuns: 1_000 },
    );
  });

  it('reads long varints in the layout (a slow ingest, long user agents) as the full decode does', () => {
    const layout = createClickLayout();
    const event = sampleClickEvent(11, { eventTimeMs: 1767225600000, ingestTimeMs: 1767225600000 + 3_600_000, userAgent: 'u'.repeat(limits.userAgentBytesMax), referrer: 'r'.repeat(limits.referrerBytesMax) });
    readClickLayout(encodeClick(event), layout);
    expect([layout.ingestTimeMs, layout.linkIdBytes]).toEqual([event.ingestTimeMs, event.linkId.length]);
  });

  it('reuses the header object it is given', () => {
    const header = readClickHeader(encodeClick(sampleClickEvent(1)));
    const again = readClickHeader(encodeClick(sampleClickEvent(2)), header);
    expect(again).toBe(header);
    expect(header.linkId).toBe(sampleClickEvent(2).linkId);
  });

  it('decodes a record inside a larger buffer', () => {
    const record = encodeClick(sampleClickEvent(3));
    const framed = new Uint8Array(record.length + 10);
    framed.set(record, 7);
    expect(decodeClick(framed.subarray(7, 7 + record.length))).toStrictEqual(sampleClickEvent(3));
  });

  it('fits an event with every field at its bound', () => {
    const event = sampleClickEvent(4, {
      id: '~'.repeat(limits.eventIdBytesMax),
      ip: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      linkId: `${'€'.repeat(21)}x`, // 64 bytes
      userId: 'u'.repeat(limits.entityIdBytesMax),
      accountId: '😀'.repeat(limits.entityIdBytesMax / 4),
      slug: 's'.repeat(limits.slugBytesMax),
      userAgent: '中'.repeat(Math.floor(limits.userAgentBytesMax / 3)),
      referrer: 'r'.repeat(limits.referrerBytesMax),
      browser: 'b'.repeat(limits.classBytesMax),
      os: 'o'.repeat(limits.classBytesMax),
      ingestTimeMs: 0,
      eventTimeMs: 2 ** 48 - 1,
    });
    const record = encodeClick(event);
    expect(record.length).toBeLessThanOrEqual(limits.eventRecordBytesMax);
    expect(decodeClick(record)).toStrictEqual(event);
  });

  it('keeps the version 1 byte layout (records on disk must stay readable)', () => {
    const event: ClickEvent = {
      id: 'abc', eventTimeMs: 1767225600000, ingestTimeMs: 1767225600042, linkId: 'lnk1', slug: 'promo', userId: 'u1',
      accountId: 'a1', ip: '203.0.113.7', userAgent: 'curl/8', referrer: 'https://news.example/', country: 'DE',
      device: 'desktop', browser: 'Chrome', os: 'iOS', bot: true, head: false, source: 'import',
    };
    const expected =
      '01' + '09' + '00' + '4445' + '019b76daa800' + 'cb007107' + '54' + '04' + '02' + '02' + '05' + '03' + '06' + '03' + '06' + '15' +
      Buffer.from('lnk1u1a1promoabcChromeiOScurl/8https://news.example/').toString('hex');
    expect(Buffer.from(encodeClick(event)).toString('hex')).toBe(expected);
  });
});

describe('damaged records', () => {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  );

  type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

  function apply(record: Uint8Array, change: Damage): Uint8Array {
    const copy = Uint8Array.from(record);
    switch (change.kind) {
      case 'truncate':
        return copy.subarray(0, change.at % record.length);
      case 'flip':
        copy[change.at % record.length]! ^= 1 << change.bit;
        return copy;
      case 'overwrite':
        copy[change.at % record.length] = change.value;
        return copy;
      case 'append':
        return Uint8Array.from([...copy, ...change.bytes]);
    }
  }

  it('throw ClickRecordError or decode to a well-typed event, never anything else', () => {
    fc.assert(
      fc.property(clickEvent, fc.array(damage, { minLength: 1, maxLength: 3 }), (event, changes) => {
        const damaged = changes.reduce((record, change) => apply(record, change), encodeClick(event));
        const layoutAndIds = (record: Uint8Array) => readClickIds(record, readClickLayout(record, createClickLayout()), ['', '', '']);
        for (const read of [decodeClick, readClickHeader, readClickEventTimeMs, readClickId, readClickIp, layoutAndIds]) {
          try {
            const result = read(damaged);
            if (read === decodeClick) expectWellTyped(result as ClickEvent);
          } catch (error) {
            expect(error).toBeInstanceOf(ClickRecordError);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('are accepted by the layout reader (with its ids) exactly when the header reader accepts them, with the same values', () => {
    const attempt = <T>(read: () => T): T | ClickRecordError => {
      try {
        return read();
      } catch (error) {
        expect(error).toBeInstanceOf(ClickRecordError);
        return error as ClickRecordError;
      }
    };
    fc.assert(
      fc.property(clickEvent, fc.array(damage, { minLength: 1, maxLength: 3 }), (event, changes) => {
        const damaged = changes.reduce((record, change) => apply(record, change), encodeClick(event));
        const header = attempt(() => readClickHeader(damaged));
        const fromLayout = attempt(() => {
          const layout = readClickLayout(damaged, createClickLayout());
          const ids = ['', '', ''];
          readClickIds(damaged, layout, ids);
          return { eventTimeMs: layout.eventTimeMs, ingestTimeMs: layout.ingestTimeMs, ip: readClickIp(damaged), country: countryOfCode(layout.country), device: deviceClasses[layout.device], bot: (layout.flags & 1) !== 0, head: (layout.flags & 2) !== 0, source: (layout.flags & 8) !== 0 ? 'import' : 'redirect', linkId: ids[0], userId: ids[1], accountId: ids[2] };
        });
        if (header instanceof ClickRecordError) expect(fromLayout).toBeInstanceOf(ClickRecordError);
        else expect(fromLayout).toStrictEqual({ ...header });
      }),
      { numRuns: 2_000 },
    );
  });

  it('name an unknown version, as an internal error', () => {
    const record = Uint8Array.from(encodeClick(sampleClickEvent(5)));
    record[0] = 2;
    const error = (() => {
      try {
        decodeClick(record);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ClickRecordError);
    expect(error).toMatchObject({ reason: 'version', position: 0, domain: 'internal', retryable: false, code: 'click_record_version' });
  });

  it.each([
    ['an empty record', Uint8Array.of(), 'truncated'],
    ['unknown flag bits', Uint8Array.of(1, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4), 'flags'],
    ['an unknown device', Uint8Array.from(encodeClick(sampleClickEvent(6)), (byte, index) => (index === 2 ? 99 : byte)), 'device'],
    ['a bad country', Uint8Array.from(encodeClick(sampleClickEvent(6)), (byte, index) => (index === 3 ? 0x61 : byte)), 'country'],
    ['trailing bytes', Uint8Array.of(...encodeClick(sampleClickEvent(6)), 0), 'trailing-bytes'],
    ['an overlong varint', Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0x80, 0x00), 'varint'],
  ])('reject %s', (_, record, reason) => {
    expect(() => decodeClick(record)).toThrow(ClickRecordError);
    expect(() => decodeClick(record)).toThrow(expect.objectContaining({ reason }));
    expect(() => readClickLayout(record, createClickLayout())).toThrow(expect.objectContaining({ reason }));
  });

  it('rejects a string over its bound even when the lengths still add up', () => {
    const event = sampleClickEvent(9, { ip: '203.0.113.7', ingestTimeMs: 1767225600000, eventTimeMs: 1767225600000, browser: '', referrer: 'r'.repeat(100) });
    const record = Uint8Array.from(encodeClick(event));
    const lengthsAt = 11 + 4 + 1;
    expect([record[lengthsAt + 5], record[lengthsAt + 8]]).toEqual([0, 100]);
    record[lengthsAt + 5] = limits.classBytesMax + 1;
    record[lengthsAt + 8] = 100 - (limits.classBytesMax + 1);
    expect(() => decodeClick(record)).toThrow(expect.objectContaining({ reason: 'field-length' }));
  });

  it('rejects invalid UTF-8 in a string as corrupt', () => {
    const record = Uint8Array.from(encodeClick(sampleClickEvent(7, { linkId: 'lnk_é' })));
    const at = Buffer.from(record).indexOf(Buffer.from('é'));
    record[at + 1] = 0x28; // the second byte of é no longer continues it
    expect(() => decodeClick(record)).toThrow(expect.objectContaining({ reason: 'utf8' }));
    const layout = readClickLayout(record, createClickLayout());
    expect(() => readClickIds(record, layout, ['', '', ''])).toThrow(expect.objectContaining({ reason: 'utf8' }));
  });
});

describe('encoding what validation would refuse', () => {
  it.each([
    ['a bad address', { ip: '1.2.3' }],
    ['a lone surrogate', { userAgent: 'a\uD800b' }],
    ['an oversized user agent', { userAgent: 'x'.repeat(limits.userAgentBytesMax + 1) }],
    ['an oversized UTF-8 referrer', { referrer: '€'.repeat(limits.referrerBytesMax / 3 + 1) }],
    ['a bad country', { country: 'de' }],
    ['a time past 48 bits', { eventTimeMs: 2 ** 48 }],
    ['a fractional time', { ingestTimeMs: 1.5 }],
    ['an unknown device', { device: 'fridge' as never }],
  ])('fails an assertion on %s', (_, override) => {
    expect(() => encodeClick(sampleClickEvent(8, override as Partial<ClickEvent>))).toThrow(AssertionFailure);
  });
});
