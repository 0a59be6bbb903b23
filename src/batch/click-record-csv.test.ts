// Proves a spool line written straight from a click record is byte for byte the line written from
// the decoded click, for any click the codec can encode (any text, quotes, line breaks, NUL,
// non-ASCII, IPv4 and IPv6), and that a record with text that is not UTF-8 is refused as
// `decodeClick` refuses it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClickRecordError, decodeClick, deviceClasses, encodeClick, sampleClickEvent, type ClickEvent } from '../events/index.js';
import { clickCsvLineBytesMax, writeClickCsvLine } from './click-csv.js';
import { ClickRecordLine, clickSpanSlots, readClickSpans } from './click-record-csv.js';

const text = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', 'Z', '"', ',', '\n', '\r', '\u0000', 'é', '€', '🎉', ' ', '\\', 'x'), maxLength });

const clickArbitrary: fc.Arbitrary<ClickEvent> = fc.record({
  id: text(30),
  eventTimeMs: fc.integer({ min: 0, max: 2 ** 47 }),
  ingestTimeMs: fc.integer({ min: 0, max: 2 ** 47 }),
  linkId: text(15),
  slug: text(30),
  userId: text(15),
  accountId: text(15),
  ip: fc.oneof(fc.ipV4(), fc.ipV6()),
  userAgent: text(250),
  referrer: text(500),
  country: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Z]{2}$/)),
  device: fc.constantFrom(...deviceClasses),
  browser: text(8),
  os: text(8),
  bot: fc.boolean(),
  head: fc.boolean(),
  source: fc.constantFrom('redirect' as const, 'import' as const),
});

function recordLine(record: Uint8Array, partition: number, offset: number): string {
  const spans = new Int32Array(2 * clickSpanSlots);
  const times = readClickSpans(record, spans, clickSpanSlots);
  const out = Buffer.alloc(clickCsvLineBytesMax);
  const end = new ClickRecordLine().set(record, spans, clickSpanSlots, times.eventTimeMs, times.ingestTimeMs, partition, offset).write(out, 0);
  return out.toString('latin1', 0, end);
}

function eventLine(record: Uint8Array, partition: number, offset: number): string {
  const out = Buffer.alloc(clickCsvLineBytesMax);
  return out.toString('latin1', 0, writeClickCsvLine(out, 0, decodeClick(record), partition, offset));
}

describe('click record lines', () => {
  it('are the lines of the decoded clicks, byte for byte', () => {
    fc.assert(
      fc.property(clickArbitrary, fc.integer({ min: 0, max: 1023 }), fc.maxSafeNat(), (event, partition, offset) => {
        const record = encodeClick(event);
        expect(recordLine(record, partition, offset)).toBe(eventLine(record, partition, offset));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse text that is not UTF-8, whole or split across two strings', () => {
    const record = Buffer.from(encodeClick(sampleClickEvent(1, { userAgent: 'ab', referrer: 'é' })));
    const broken = Buffer.from(record);
    broken[record.length - 2] = 0xff;
    expect(() => decodeClick(broken)).toThrow(ClickRecordError);
    expect(() => readClickSpans(broken, new Int32Array(clickSpanSlots), 0)).toThrow(ClickRecordError);
    // The user agent ends with the first byte of é and the referrer starts with the second: the
    // bytes are valid UTF-8 as a whole ("abéxy"), but neither string is.
    const split = Buffer.from(encodeClick(sampleClickEvent(1, { userAgent: 'abc', referrer: 'def' })));
    split.set([0xc3, 0xa9, 0x78, 0x79], split.length - 4);
    expect(split.subarray(split.length - 6).toString('utf8')).toBe('abéxy');
    expect(() => decodeClick(split)).toThrow(ClickRecordError);
    expect(() => readClickSpans(split, new Int32Array(clickSpanSlots), 0)).toThrow(/starts inside a character/);
  });
});
