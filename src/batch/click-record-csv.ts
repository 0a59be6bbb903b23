// A click record straight from the log to a spool line, without making a string: the fields are
// located once (`readClickSpans`, by the archiver's decoder) and the record's text bytes copied
// into the line in one piece. Same bytes as `writeClickCsvLine` on the decoded click (a property
// test holds the two together), at a fraction of the cost: decoding every string of a click and
// encoding it again was most of the archiver's time (docs/lake.md, bench/archiver.bench.ts).
//
// The events layer's `readClickLayout` checks the record and says where its texts start; the nine
// text lengths are then read as the codec's layout (version 1) lays them out, right after the
// ingest delay. Every byte of text is checked as UTF-8 here, as `decodeClick` would.
import { isAscii, isUtf8 } from 'node:buffer';
import { assert } from '../core/index.js';
import { ClickRecordError, clickIpOffset, clickRecordVersion, createClickLayout, readClickIp, readClickLayout } from '../events/index.js';
import type { CsvLine } from './click-csv.js';

assert(clickRecordVersion === 1, 'click-record-csv.ts reads the version-1 record layout; teach it the new one');

/**
 * Slots per record in a spans array: flags, device index, country code, address length, 1 when
 * every text byte is ASCII, then where each of the nine texts starts (record order) and where the
 * last one ends.
 */
export const clickSpanSlots = 15;
const asciiSlot = 4;
const textsSlot = 5;
const textCount = 9;

const layout = createClickLayout();
const cursor = { position: 0 };

/** Reads one varint known to be well formed (the layout reader checked every one). */
function varintAt(record: Uint8Array): number {
  let value = 0;
  for (let scale = 1; ; scale *= 0x80) {
    const byte = record[cursor.position++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
  }
}

/** Valid UTF-8 as a whole, and no text starting inside a character: then each text is valid. */
function checkUtf8(record: Uint8Array, texts: Uint8Array, spans: Int32Array, base: number): void {
  if (!isUtf8(texts)) throw new ClickRecordError('utf8', layout.idsStart, 'a text is not valid UTF-8');
  for (let index = 1; index < textCount; index++) {
    const at = spans[base + textsSlot + index]!;
    if (at < record.length && (record[at]! & 0xc0) === 0x80) throw new ClickRecordError('utf8', at, 'a text starts inside a character');
  }
}

/**
 * Checks `record` as `decodeClick` would and writes where its fields are to `spans[base..]`;
 * returns its event and ingest time. Throws ClickRecordError.
 */
export function readClickSpans(record: Uint8Array, spans: Int32Array, base: number): { eventTimeMs: number; ingestTimeMs: number } {
  readClickLayout(record, layout);
  spans[base] = layout.flags;
  spans[base + 1] = layout.device;
  spans[base + 2] = layout.country;
  spans[base + 3] = layout.ipLength;
  cursor.position = clickIpOffset + layout.ipLength;
  varintAt(record);
  let start = layout.idsStart;
  for (let index = 0; index < textCount; index++) {
    spans[base + textsSlot + index] = start;
    start += varintAt(record);
  }
  spans[base + textsSlot + textCount] = start;
  assert(cursor.position === layout.idsStart && start === record.length, 'the text lengths do not match the layout read');
  const texts = record.subarray(layout.idsStart);
  const ascii = isAscii(texts);
  if (!ascii) checkUtf8(record, texts, spans, base);
  spans[base + asciiSlot] = ascii ? 1 : 0;
  return layout;
}

const quote = 0x22;
const comma = 0x2c;
const newline = 0x0a;
const octetBytes: readonly Uint8Array[] = Array.from({ length: 256 }, (_, octet) => Buffer.from(String(octet), 'latin1'));
/** `0000`..`9999`, four bytes each: numbers are written four digits at a time. */
const paddedDigits = Buffer.from(Array.from({ length: 10_000 }, (_, group) => String(group).padStart(4, '0')).join(''), 'latin1');

const groupScratch = new Uint16Array(4);

/** 0..9999 without leading zeros. */
function writeGroup(out: Buffer, at: number, group: number): number {
  const skip = group >= 1000 ? 0 : group >= 100 ? 1 : group >= 10 ? 2 : 3;
  for (let index = group * 4 + skip; index < group * 4 + 4; index++) out[at++] = paddedDigits[index]!;
  return at;
}

/** A whole number below 2^53 in decimal, then `after`: four digits per step, exact in doubles. */
function writeDigits(out: Buffer, at: number, value: number, after: number): number {
  if (value < 10_000) {
    at = writeGroup(out, at, value);
  } else {
    let groups = 0;
    let rest = value;
    while (rest >= 10_000) {
      const group = rest % 10_000;
      groupScratch[groups++] = group;
      rest = (rest - group) / 10_000;
    }
    at = writeGroup(out, at, rest);
    while (groups > 0) {
      const start = groupScratch[--groups]! * 4;
      out[at] = paddedDigits[start]!;
      out[at + 1] = paddedDigits[start + 1]!;
      out[at + 2] = paddedDigits[start + 2]!;
      out[at + 3] = paddedDigits[start + 3]!;
      at += 4;
    }
  }
  out[at++] = after;
  return at;
}
/** The record's text bytes, quoted: one copy when there is no quote in them (nearly always). */
function writeTexts(out: Buffer, at: number, record: Uint8Array, start: number, end: number): number {
  out[at++] = quote;
  const firstQuote = record.indexOf(quote, start);
  if (firstQuote < 0 || firstQuote >= end) {
    if (Buffer.isBuffer(record)) at += record.copy(out, at, start, end);
    else {
      out.set(record.subarray(start, end), at);
      at += end - start;
    }
  } else {
    for (let position = start; position < end; position++) {
      const byte = record[position]!;
      out[at++] = byte;
      if (byte === quote) out[at++] = quote;
    }
  }
  out[at++] = quote;
  out[at++] = comma;
  return at;
}

/** Each text's length in characters: its bytes when ASCII, else its bytes that start a character. */
function writeLengths(out: Buffer, at: number, record: Uint8Array, spans: Int32Array, base: number): number {
  const ascii = spans[base + asciiSlot] === 1;
  for (let index = 0; index < textCount; index++) {
    const start = spans[base + textsSlot + index]!;
    const end = spans[base + textsSlot + index + 1]!;
    let characters = end - start;
    if (!ascii) for (let position = start; position < end; position++) if ((record[position]! & 0xc0) === 0x80) characters--;
    at = writeDigits(out, at, characters, comma);
  }
  return at;
}

function writeAddress(out: Buffer, at: number, record: Uint8Array, ipLength: number): number {
  if (ipLength === 16) {
    at += out.write(readClickIp(record), at, 'latin1');
  } else {
    for (let octet = 0; octet < 4; octet++) {
      if (octet > 0) out[at++] = 0x2e;
      const text = octetBytes[record[clickIpOffset + octet]!]!;
      for (let index = 0; index < text.length; index++) out[at++] = text[index]!;
    }
  }
  out[at++] = comma;
  return at;
}

/** One click record as one spool line; `set` it, then hand it to a spool. */
export class ClickRecordLine implements CsvLine {
  offset = 0;
  eventTimeMs = 0;
  private record: Uint8Array = new Uint8Array(0);
  private spans: Int32Array = new Int32Array(clickSpanSlots);
  private base = 0;
  private ingestTimeMs = 0;
  private partition = 0;

  set(record: Uint8Array, spans: Int32Array, base: number, eventTimeMs: number, ingestTimeMs: number, partition: number, offset: number): this {
    this.record = record;
    this.spans = spans;
    this.base = base;
    this.eventTimeMs = eventTimeMs;
    this.ingestTimeMs = ingestTimeMs;
    this.partition = partition;
    this.offset = offset;
    return this;
  }

  write(out: Buffer, start: number): number {
    const { record, spans, base } = this;
    let at = writeDigits(out, start, this.eventTimeMs, comma);
    at = writeDigits(out, at, this.ingestTimeMs, comma);
    at = writeTexts(out, at, record, spans[base + textsSlot]!, spans[base + textsSlot + textCount]!);
    at = writeLengths(out, at, record, spans, base);
    at = writeAddress(out, at, record, spans[base + 3]!);
    at = writeDigits(out, at, spans[base + 2]!, comma);
    at = writeDigits(out, at, spans[base + 1]!, comma);
    at = writeDigits(out, at, spans[base]!, comma);
    at = writeDigits(out, at, this.partition, comma);
    return writeDigits(out, at, this.offset, newline);
  }
}
