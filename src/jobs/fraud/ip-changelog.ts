// How a rule's address records reach a checkpoint when many changed: as a changelog of large rows
// instead of one row per address. A row per address costs an engine entry, a key string and a
// database upsert each (about 150,000 rows per 200,000 load-generated clicks), which dwarfed the
// rule itself; a megabyte row holds 16,000 records for the price of one.
//
// Rows of the `ipChunks` state, one partition each (the header says which):
//   delta `d<seq>.<part>`  the records changed in checkpoint `seq` and the keys removed in it;
//   base  `b<range>.<part>` every live record of one of `rangeCount` key-hash ranges as of `seq`.
// Each checkpoint that writes a delta also rewrites a few ranges (half as many records as the delta,
// at least one range), so every range is rewritten once per `rangeCount` deltas at most; a delta
// older than the oldest range's base is deleted in the same commit. Stored bytes stay below about
// three times the live records, and no checkpoint writes a burst of the whole state.
//
// Restore: base records, then deltas in sequence order, skipping what a newer base of the key's
// range already holds; then the per-address rows (`ips`), which are always the newest of their
// address (an address written into a chunk has its own row deleted in the same commit).
import { InternalError } from '../../core/index.js';
import { f64Key, f64PerRecord, flagDirty, flagLive, flagOwnRow, flagPersisted, recordBytes, u32PerRecord, u8Flags } from './record-layout.js';
import type { RuleState } from './rule-state.js';

/** Key-hash ranges of the rolling base. */
export const rangeCount = 64;
const chunkVersion = 1;
const chunkHeaderBytes = 24;
/** Records per chunk row, and removed keys beside them or alone: rows stay under the store's 1 MiB value bound. */
export const recordsPerChunk = 16_000;
const removalsBesideRecordsMax = 3_000;
const removalsPerChunk = 120_000;
const kindDelta = 1;
const kindBase = 2;

export interface ChangelogState {
  /** Sequence of the next checkpoint that writes chunks (1 first). */
  nextSeq: number;
  /** The sequence each range's base was written at (0: never). */
  readonly baseSeq: Float64Array;
  /** Parts each range's base was written in (their keys must be deleted when fewer are written). */
  readonly baseParts: Uint16Array;
  /** Deltas in the store, oldest first. */
  readonly deltas: { seq: number; parts: number }[];
  /** The next range to rewrite. */
  cursor: number;
  /** Chunk rows read back at a restore, applied at the rule's first use. */
  readonly pending: Uint8Array[];
  /** Per-address rows read back at a restore, applied after the chunks. */
  readonly pendingOwn: Uint8Array[];
}

export function createChangelogState(): ChangelogState {
  return { nextSeq: 1, baseSeq: new Float64Array(rangeCount), baseParts: new Uint16Array(rangeCount), deltas: [], cursor: 0, pending: [], pendingOwn: [] };
}

/** The range of an address key (its hash's top bits). */
export function rangeOf(ipKey: number): number {
  const hash = Math.imul((ipKey >>> 0) ^ Math.imul((ipKey / 4_294_967_296) >>> 0, 0x27d4eb2d), 0x9e3779b1);
  return hash >>> 26;
}

function corrupt(what: string): InternalError {
  return new InternalError(`fraud state: ${what}`, { code: 'fraud_state_corrupt' });
}

export const deltaKey = (seq: number, part: number): string => `d${seq}.${part}`;
export const baseKey = (range: number, part: number): string => `b${range}.${part}`;

/** What a checkpoint does with the `ipChunks` and `ips` states of one partition. */
export interface ChunkSink {
  putChunk(key: string, bytes: Uint8Array): void;
  deleteChunk(key: string): void;
  /** Deletes an address's own row (it is now in a chunk, or gone). */
  deleteOwn(ipKey: number): void;
}

/**
 * Builds the rows of one delta or one range's base: header, removed keys, records. A few removed
 * keys ride in the first part; many get parts of their own first.
 */
class ChunkWriter {
  private bytes = new Uint8Array(0);
  /**
   * The same buffer as 32-bit words: records are copied word by word, with no view made per record
   * (integer words: a copy through f64 could rewrite a NaN's bits).
   */
  private words = new Int32Array(0);
  private records = 0;
  private recordsRoom = 0;
  private recordsAt = chunkHeaderBytes;
  private removalsDone = 0;
  private part = 0;
  private started = false;

  constructor(
    private readonly sink: ChunkSink,
    private readonly kind: number,
    private readonly partition: number,
    private readonly seq: number,
    private readonly range: number,
    private readonly removedKeys: ArrayLike<number>,
    private readonly removedCount: number,
    /** Records expected: the first buffer's size (it grows up to a chunk's worth). */
    private readonly expected: number,
  ) {}

  private start(): void {
    const left = this.removedCount - this.removalsDone;
    const beside = left <= removalsBesideRecordsMax;
    const removals = beside ? left : Math.min(left, removalsPerChunk);
    this.recordsRoom = beside ? recordsPerChunk : 0;
    this.recordsAt = chunkHeaderBytes + removals * 8;
    this.bytes = new Uint8Array(this.recordsAt + Math.min(this.recordsRoom, Math.max(16, this.expected)) * recordBytes);
    this.words = new Int32Array(this.bytes.buffer);
    const view = new DataView(this.bytes.buffer);
    for (let index = 0; index < removals; index++) view.setFloat64(chunkHeaderBytes + index * 8, this.removedKeys[this.removalsDone + index]!, true);
    this.removalsDone += removals;
    this.records = 0;
    this.started = true;
  }

  record(table: { i32: Int32Array }, slot: number): void {
    if (this.started && this.records === this.recordsRoom) this.flush();
    while (!this.started) {
      this.start();
      if (this.recordsRoom === 0) this.flush();
    }
    let at = this.recordsAt + this.records * recordBytes;
    if (at + recordBytes > this.bytes.byteLength) {
      const grown = new Uint8Array(this.recordsAt + Math.min(this.recordsRoom, this.records * 2) * recordBytes);
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.words = new Int32Array(grown.buffer);
    }
    // The records area is 4-byte aligned (the header and each removed key are 8 bytes).
    const { words } = this;
    const from = slot * u32PerRecord;
    const to = at / 4;
    for (let word = 0; word < u32PerRecord; word++) words[to + word] = table.i32[from + word]!;
    at += u8Flags;
    this.bytes[at] = this.partition & 0xff;
    this.bytes[at + 1] = this.partition >>> 8;
    this.records++;
  }

  /** Ends the last part (an empty delta or base still writes one), and writes removed keys not yet written. */
  finish(): void {
    do this.flush();
    while (this.removalsDone < this.removedCount);
  }

  private flush(): void {
    if (!this.started) this.start();
    const view = new DataView(this.bytes.buffer);
    view.setUint8(0, chunkVersion);
    view.setUint8(1, this.kind);
    view.setUint16(2, this.partition, true);
    view.setUint16(4, this.range, true);
    view.setUint16(6, this.part, true);
    view.setFloat64(8, this.seq, true);
    view.setUint32(16, this.records, true);
    view.setUint32(20, (this.recordsAt - chunkHeaderBytes) / 8, true);
    const key = this.kind === kindDelta ? deltaKey(this.seq, this.part) : baseKey(this.range, this.part);
    this.sink.putChunk(key, this.bytes.subarray(0, this.recordsAt + this.records * recordBytes));
    this.part++;
    this.started = false;
  }

  /** Parts written so far. */
  get parts(): number {
    return this.part;
  }
}

export interface AddressSink extends ChunkSink {
  /** Writes an address's own row in the `ips` state (its record is encoded at collect). */
  putOwn(ipKey: number, slot: number): void;
}

/**
 * Changed addresses of one partition written as their own rows at a checkpoint, at most; more go
 * as a changelog delta. Own rows keep a quiet stream's checkpoints readable row by row; past a
 * thousand, rows per address cost more than the chunk.
 */
export const ownRowsMax = 1_024;

/** Scratch for the dirty slots of one checkpoint: grown, never shrunk. */
let dirtyScratch = new Int32Array(1_024);

/** One partition's address records at a barrier: removed rows, then changed records as own rows or a delta. */
export function checkpointAddresses(state: RuleState, partition: number, sink: AddressSink): void {
  const { ips, dirty, removed, removedOwn } = state;
  const { u8, f64 } = ips;
  // Deletions first: a removed address that came back is deleted, then written afresh.
  for (let index = 0; index < removedOwn.length; index++) sink.deleteOwn(removedOwn.items[index]!);
  removedOwn.clear();
  if (dirtyScratch.length < dirty.length) dirtyScratch = new Int32Array(dirty.length * 2);
  const slots = dirtyScratch;
  let count = 0;
  for (let index = 0; index < dirty.length; index++) {
    const slot = dirty.items[index]!;
    const at = slot * recordBytes + u8Flags;
    const flags = u8[at]!;
    // A slot freed and taken again since it was listed is listed twice: the flag decides.
    if ((flags & (flagLive | flagDirty)) !== (flagLive | flagDirty)) continue;
    u8[at] = flags & ~flagDirty;
    slots[count++] = slot;
  }
  dirty.clear();
  if (count <= ownRowsMax && removed.length === 0) {
    for (let index = 0; index < count; index++) {
      const slot = slots[index]!;
      u8[slot * recordBytes + u8Flags] = u8[slot * recordBytes + u8Flags]! | flagOwnRow;
      sink.putOwn(f64[slot * f64PerRecord + f64Key]!, slot);
    }
    return;
  }
  if (count === 0 && removed.length === 0) return;
  writeChangelog(state, partition, slots, count, removed.items, removed.length, sink);
  removed.clear();
}

/**
 * Writes the dirty addresses of `dirtySlots` (already cleared of their dirty marks by the caller)
 * and the removed keys as a delta, then rewrites ranges as a rolling base; deletes what they
 * supersede. Marks every record written as persisted in chunks, and deletes its own row.
 */
export function writeChangelog(state: RuleState, partition: number, dirtySlots: ArrayLike<number>, dirtyCount: number, removedKeys: ArrayLike<number>, removedCount: number, sink: ChunkSink): void {
  const { changelog, ips } = state;
  const { u8 } = ips;
  const seq = changelog.nextSeq++;
  const delta = new ChunkWriter(sink, kindDelta, partition, seq, 0, removedKeys, removedCount, dirtyCount);
  const written = (slot: number): void => {
    const at = slot * recordBytes + u8Flags;
    const flags = u8[at]!;
    if ((flags & flagOwnRow) !== 0) sink.deleteOwn(ips.f64[slot * f64PerRecord + f64Key]!);
    u8[at] = (flags & ~flagOwnRow) | flagPersisted;
  };
  for (let index = 0; index < dirtyCount; index++) {
    const slot = dirtySlots[index]!;
    delta.record(ips, slot);
    written(slot);
  }
  delta.finish();
  changelog.deltas.push({ seq, parts: delta.parts });
  rewriteRanges(state, partition, seq, dirtyCount + removedCount, sink, written);
  // Deltas every range's base has overtaken are no longer read by a restore.
  let oldestBase = Number.POSITIVE_INFINITY;
  for (let range = 0; range < rangeCount; range++) oldestBase = Math.min(oldestBase, changelog.baseSeq[range]!);
  while (changelog.deltas.length > 0 && changelog.deltas[0]!.seq <= oldestBase) {
    const old = changelog.deltas.shift()!;
    for (let part = 0; part < old.parts; part++) sink.deleteChunk(deltaKey(old.seq, part));
  }
}

/**
 * Rewrites ranges holding half as many records as the delta (at least one range): the base rolls at
 * half the delta's pace, so the store holds the live records about three times over at most.
 */
function rewriteRanges(state: RuleState, partition: number, seq: number, deltaRecords: number, sink: ChunkSink, written: (slot: number) => void): void {
  const { changelog, ips } = state;
  const live = Math.max(1, ips.size());
  const ranges = Math.min(rangeCount, Math.max(1, Math.ceil((rangeCount * deltaRecords) / (2 * live))));
  const chosen = new Uint8Array(rangeCount);
  const writers: (ChunkWriter | undefined)[] = new Array<ChunkWriter | undefined>(rangeCount);
  for (let index = 0; index < ranges; index++) {
    const range = (changelog.cursor + index) % rangeCount;
    chosen[range] = 1;
    writers[range] = new ChunkWriter(sink, kindBase, partition, seq, range, [], 0, Math.ceil((1.25 * live) / rangeCount));
  }
  changelog.cursor = (changelog.cursor + ranges) % rangeCount;
  const { f64 } = ips;
  ips.forEachLive((slot) => {
    const range = rangeOf(f64[slot * f64PerRecord + f64Key]!);
    if (chosen[range] === 0) return;
    writers[range]!.record(ips, slot);
    written(slot);
  });
  for (let range = 0; range < rangeCount; range++) {
    const writer = writers[range];
    if (writer === undefined) continue;
    writer.finish();
    for (let part = writer.parts; part < changelog.baseParts[range]!; part++) sink.deleteChunk(baseKey(range, part));
    changelog.baseParts[range] = writer.parts;
    changelog.baseSeq[range] = seq;
  }
}

interface ChunkHeader {
  kind: number;
  partition: number;
  range: number;
  part: number;
  seq: number;
  records: number;
  removals: number;
}

export function readChunkHeader(bytes: Uint8Array): ChunkHeader {
  if (bytes.byteLength < chunkHeaderBytes || bytes[0] !== chunkVersion) throw corrupt(`a chunk of ${bytes.byteLength} bytes, version ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = {
    kind: view.getUint8(1),
    partition: view.getUint16(2, true),
    range: view.getUint16(4, true),
    part: view.getUint16(6, true),
    seq: view.getFloat64(8, true),
    records: view.getUint32(16, true),
    removals: view.getUint32(20, true),
  };
  if ((header.kind !== kindDelta && header.kind !== kindBase) || header.range >= rangeCount) throw corrupt(`a chunk of kind ${header.kind}, range ${header.range}`);
  if (bytes.byteLength !== chunkHeaderBytes + header.records * recordBytes + header.removals * 8) throw corrupt(`a chunk of ${bytes.byteLength} bytes for ${header.records} records`);
  return header;
}

/**
 * The newest record of every address in the restored rows (chunks, then own rows over them), and
 * the changelog's bookkeeping as it was committed. Records are views into the rows' bytes.
 */
export function replayChangelog(state: RuleState): Map<number, { record: Uint8Array; own: boolean; inChunks: boolean }> {
  const { changelog } = state;
  const headers = changelog.pending.map((bytes) => ({ bytes, header: readChunkHeader(bytes) }));
  const deltaParts = new Map<number, number>();
  let newest = 0;
  for (const { header } of headers) {
    newest = Math.max(newest, header.seq);
    if (header.kind === kindBase) {
      changelog.baseSeq[header.range] = Math.max(changelog.baseSeq[header.range]!, header.seq);
      changelog.baseParts[header.range] = Math.max(changelog.baseParts[header.range]!, header.part + 1);
    } else {
      deltaParts.set(header.seq, Math.max(deltaParts.get(header.seq) ?? 0, header.part + 1));
    }
  }
  const records = new Map<number, { record: Uint8Array; own: boolean; inChunks: boolean }>();
  const keyAt = (bytes: Uint8Array, at: number): number => new DataView(bytes.buffer, bytes.byteOffset + at, 8).getFloat64(0, true);
  // Bases first (ranges are disjoint), then deltas oldest first; a delta at or before its key's base is already in it.
  const ordered = headers.sort((a, b) => (a.header.kind === b.header.kind ? a.header.seq - b.header.seq : b.header.kind - a.header.kind));
  for (const { bytes, header } of ordered) {
    const isDelta = header.kind === kindDelta;
    const recordsAt = chunkHeaderBytes + header.removals * 8;
    for (let index = 0; index < header.removals; index++) {
      const ipKey = keyAt(bytes, chunkHeaderBytes + index * 8);
      if (header.seq > changelog.baseSeq[rangeOf(ipKey)]!) records.delete(ipKey);
    }
    for (let index = 0; index < header.records; index++) {
      const at = recordsAt + index * recordBytes;
      const ipKey = keyAt(bytes, at);
      if (isDelta && header.seq <= changelog.baseSeq[rangeOf(ipKey)]!) continue;
      records.set(ipKey, { record: bytes.subarray(at, at + recordBytes), own: false, inChunks: true });
    }
  }
  for (const record of changelog.pendingOwn) {
    const ipKey = keyAt(record, 0);
    records.set(ipKey, { record, own: true, inChunks: records.has(ipKey) });
  }
  changelog.nextSeq = newest + 1;
  changelog.deltas.length = 0;
  for (const [seq, parts] of [...deltaParts].sort((a, b) => a[0] - b[0])) changelog.deltas.push({ seq, parts });
  changelog.pending.length = 0;
  changelog.pendingOwn.length = 0;
  return records;
}

/** Flags of a restored record: live, and where its rows are. */
export function restoredFlags(own: boolean, inChunks: boolean): number {
  return flagLive | (own ? flagOwnRow : 0) | (inChunks ? flagPersisted : 0);
}
