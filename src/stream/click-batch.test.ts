// Proves the click header decoder fills every column exactly as the checked header reader would,
// whatever its id cache holds (hits, misses, collisions in a tiny cache, ids that share bytes but
// split differently, non-ASCII ids), that address keys come from the raw bytes, and that the
// address text is there on demand.
import { describe, expect, it } from 'vitest';
import { encodeClick, ipKey, networkKey, readClickHeader, sampleClickEvent, type ClickEvent } from '../events/index.js';
import { clickHeaderDecoder, ipText, type ClickBatch } from './click-batch.js';

function decodeAll(events: readonly ClickEvent[], idCacheSlots?: number): { batch: ClickBatch; records: Uint8Array[] } {
  const decoder = clickHeaderDecoder({ idCacheSlots });
  const batch = decoder.createBatch(events.length);
  const records = events.map(encodeClick);
  records.forEach((record, row) => {
    decoder.decode(record, batch, row);
    batch.values[row] = record;
  });
  batch.length = records.length;
  return { batch, records };
}

function expectRowsMatch(batch: ClickBatch, records: readonly Uint8Array[]): void {
  records.forEach((record, row) => {
    const header = readClickHeader(record);
    const decoded = {
      eventTimeMs: batch.eventTimesMs[row],
      ingestTimeMs: batch.ingestTimesMs[row],
      ip: ipText(batch, row),
      country: batch.countries[row],
      device: batch.devices[row],
      bot: batch.bots[row] === 1,
      head: batch.heads[row] === 1,
      source: batch.sources[row],
      linkId: batch.linkIds[row],
      userId: batch.userIds[row],
      accountId: batch.accountIds[row],
    };
    expect(decoded, `row ${row}`).toStrictEqual({ ...header });
    expect([batch.ipKeys[row], batch.networkKeys[row]], `row ${row}`).toEqual([ipKey(header.ip), networkKey(header.ip)]);
    expect(batch.flags[row]).toBe(0);
  });
}

describe('clickHeaderDecoder', () => {
  it('fills every column as readClickHeader reads the record, over repeated and new ids', () => {
    const events = Array.from({ length: 3_000 }, (_, seed) => sampleClickEvent(seed));
    const { batch, records } = decodeAll(events);
    expectRowsMatch(batch, records);
    // Repeated ids share one string: no text per record for a link seen before.
    const first = events.findIndex((event, index) => index > 0 && event.linkId === events[0]!.linkId);
    expect(first).toBeGreaterThan(0);
    expect(batch.linkIds[first]).toBe(batch.linkIds[0]);
  });

  it('stays exact when a tiny cache keeps replacing its slots', () => {
    const events = Array.from({ length: 2_000 }, (_, seed) => sampleClickEvent(seed));
    const { batch, records } = decodeAll(events, 2);
    expectRowsMatch(batch, records);
  });

  it('tells apart ids with the same bytes split differently, and owners that differ for one link', () => {
    const events = [
      sampleClickEvent(1, { linkId: 'lnk_ab', userId: 'c', accountId: 'acc_1' }),
      sampleClickEvent(2, { linkId: 'lnk_a', userId: 'bc', accountId: 'acc_1' }),
      sampleClickEvent(3, { linkId: 'lnk_ab', userId: 'c', accountId: 'acc_1' }),
      sampleClickEvent(4, { linkId: 'lnk_ab', userId: 'd', accountId: 'acc_1' }),
      sampleClickEvent(5, { linkId: 'lnk_ab', userId: 'c', accountId: 'acc_2' }),
      sampleClickEvent(6, { linkId: 'l', userId: 'u', accountId: 'a' }),
      sampleClickEvent(7, { linkId: 'lnk_é€😀', userId: 'usr_ß', accountId: 'acc_中' }),
      sampleClickEvent(8, { linkId: 'lnk_é€😀', userId: 'usr_ß', accountId: 'acc_中' }),
      sampleClickEvent(9, { linkId: 'x'.repeat(64), userId: 'y'.repeat(64), accountId: 'z'.repeat(64) }),
      sampleClickEvent(10, { linkId: 'x'.repeat(64), userId: 'y'.repeat(64), accountId: 'z'.repeat(64) }),
    ];
    for (const slots of [1, 1_024]) {
      const { batch, records } = decodeAll(events, slots);
      expectRowsMatch(batch, records);
    }
  });

  it('keys IPv4, IPv6 and IPv4-mapped addresses from their bytes', () => {
    const events = ['203.0.113.7', '2001:db8::1', '::ffff:203.0.113.9', '2a00:1450:4001:81c::200e'].map((ip, seed) => sampleClickEvent(seed, { ip }));
    const { batch, records } = decodeAll(events);
    expectRowsMatch(batch, records);
    expect(batch.networkKeys[0]).toBe(batch.networkKeys[2]);
  });
});
