// A segment's `.index` file: meta frames (see frame-codec.ts) holding sparse offset entries and
// the segment's idempotency keys, in file order, closed by a seal entry once the segment is full.
// It is a cache of what the segment's own frames say: when it is missing, damaged or disagrees
// with the segment, recovery rebuilds it from the segment.
import { createFrameView, encodeMetaFrame, readFrame } from './frame-codec.js';
import { decodeMeta, encodeMeta, type IdempotencyMeta, type MetaRecord, type OffsetEntry, type SealEntry } from './meta-records.js';

export interface JournalContents {
  offsets: OffsetEntry[];
  keys: IdempotencyMeta[];
  seal: SealEntry | undefined;
  /** Bytes of whole, valid entries from the start. */
  validBytes: number;
  /** True when every byte up to the limit is a valid entry and no entry follows a seal. */
  clean: boolean;
}

/** Reads the entries of `bytes` up to `limit`, stopping at the first invalid one. */
export function parseIndexJournal(bytes: Buffer, limit = bytes.length): JournalContents {
  const contents: JournalContents = { offsets: [], keys: [], seal: undefined, validBytes: 0, clean: false };
  const view = createFrameView();
  let position = 0;
  while (position < limit) {
    if (readFrame(bytes, position, limit, view) !== 'ok' || !view.meta || contents.seal) return contents;
    const entry = decodeMeta(view.body);
    if (entry?.kind === 'offset') {
      const previous = contents.offsets.at(-1);
      if (previous && (entry.relativeOffset <= previous.relativeOffset || entry.position <= previous.position)) return contents;
      contents.offsets.push(entry);
    } else if (entry?.kind === 'idempotency') contents.keys.push(entry);
    else if (entry?.kind === 'seal') contents.seal = entry;
    else return contents;
    position = view.end;
    contents.validBytes = position;
  }
  contents.clean = true;
  return contents;
}

/** The entries as index file bytes. */
export function encodeJournalEntries(entries: readonly MetaRecord[]): Buffer {
  return Buffer.concat(entries.map((entry) => encodeMetaFrame(encodeMeta(entry))));
}
