// Proves an index file's entries read back, and that reading stops at the first bad entry,
// an entry after the seal, or offsets that do not grow.
import { describe, expect, it } from 'vitest';
import { encodeJournalEntries, parseIndexJournal } from './index-journal.js';
import type { MetaRecord } from './meta-records.js';

const entries: MetaRecord[] = [
  { kind: 'offset', relativeOffset: 0, position: 0 },
  { kind: 'idempotency', key: 'k1', firstOffset: 3, count: 2, timeMs: 10 },
  { kind: 'offset', relativeOffset: 40, position: 4_100 },
  { kind: 'seal', records: 77, sizeBytes: 8_000, newestAppendMs: 12 },
];

describe('index journal', () => {
  it('reads back offsets, keys and the seal', () => {
    const contents = parseIndexJournal(encodeJournalEntries(entries));
    expect(contents.clean).toBe(true);
    expect(contents.offsets.map((entry) => entry.relativeOffset)).toEqual([0, 40]);
    expect(contents.keys.map((entry) => entry.key)).toEqual(['k1']);
    expect(contents.seal?.records).toBe(77);
  });

  it('stops at a damaged entry and says how much was valid', () => {
    const bytes = encodeJournalEntries(entries);
    const firstTwo = encodeJournalEntries(entries.slice(0, 2)).length;
    bytes[firstTwo + 9]! ^= 0xff;
    const contents = parseIndexJournal(bytes);
    expect(contents.clean).toBe(false);
    expect(contents.validBytes).toBe(firstTwo);
    expect(contents.offsets).toHaveLength(1);
  });

  it('reads only up to a limit, and refuses entries after the seal or out of order', () => {
    const bytes = encodeJournalEntries(entries);
    const firstTwo = encodeJournalEntries(entries.slice(0, 2)).length;
    expect(parseIndexJournal(bytes, firstTwo)).toMatchObject({ clean: true, validBytes: firstTwo, seal: undefined });
    expect(parseIndexJournal(encodeJournalEntries([...entries, entries[0]!])).clean).toBe(false);
    expect(parseIndexJournal(encodeJournalEntries([entries[2]!, entries[0]!])).clean).toBe(false);
  });
});
