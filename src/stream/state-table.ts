// The store behind every named state (keyed state, window state, timers): entries by
// (partition, namespace, key), one doubly linked list in update order for the key bound and the
// time-to-live, and a list of entries changed since the last checkpoint so that a checkpoint
// writes only those (plus deletions). Entries are objects made once per key; updating one
// allocates nothing.
//
// A table whose codec says `changelog: true` (`ChangelogCodec`) writes no row per key: each
// checkpoint writes, per partition, one delta (the changed entries and removed keys, in rows of up
// to `limits.streamValueBytesMax`) and rewrites a few key-hash ranges whole (a rolling base), and
// deletes the deltas every range has overtaken. A database row costs far more than its bytes, so
// tens of thousands of small rows per checkpoint become a handful of large ones. Restore reads the
// bases, then the deltas in order. Plain keyed state (namespace 0) only.
import { assert, limits } from '../core/index.js';
import type { StreamStateDeletion, StreamStateRow } from '../store/index.js';
import { StreamError } from './errors.js';
import { noWatermarkMs, type StateCodec, type WhenFull } from './types.js';

export interface StateEntry<V> {
  readonly partition: number;
  readonly namespace: number;
  readonly key: string;
  value: V;
  /** The job watermark at the last update. */
  touchedMs: number;
  /** Changed since the last checkpoint (and listed in `changed`). */
  dirty: boolean;
  /** False once removed; a removed entry is never reused. */
  live: boolean;
  older: StateEntry<V> | null;
  newer: StateEntry<V> | null;
  /** Changelog tables: the key's hash range (`changelogRangeOf`). */
  range: number;
}

/** A codec whose table is stored as a changelog (see above) instead of a row per key. */
export interface ChangelogCodec<V> extends StateCodec<V> {
  readonly changelog: true;
}

function isChangelogCodec<V>(codec: StateCodec<V>): codec is ChangelogCodec<V> {
  return (codec as Partial<ChangelogCodec<V>>).changelog === true;
}

/**
 * A codec whose table is stored as its operator's view `storedInView` and nowhere else: the
 * operator puts every key it changes into that view at each checkpoint, with these same bytes,
 * and deletes the view row when it removes the key. The table then writes nothing of its own
 * (its checkpoint would repeat the view's rows byte for byte), and a restore reads the view's rows
 * back as its entries. A key the table drops without the operator deleting its row (time-to-live,
 * eviction) comes back at the next restore, touched at the restored watermark.
 */
export interface ViewStoredCodec<V> extends StateCodec<V> {
  readonly storedInView: string;
}

export function storedInViewOf<V>(codec: StateCodec<V>): string | undefined {
  const view = (codec as Partial<ViewStoredCodec<V>>).storedInView;
  return typeof view === 'string' ? view : undefined;
}

export interface StateTableOptions<V> {
  job: string;
  operator: string;
  /** `<operator>.<state>`: the name rows are stored under. */
  qualifiedName: string;
  codec: StateCodec<V>;
  keysMax: number;
  whenFull: WhenFull;
  /** 0: no time-to-live. */
  ttlMs: number;
  /** The job's watermark cell, shared by every table of the job. */
  time: { watermarkMs: number };
  onNamespaceAdded?(partition: number, namespace: number): void;
  onNamespaceRemoved?(partition: number, namespace: number): void;
}

export interface StateTable<V> {
  readonly name: string;
  readonly keysMax: number;
  readonly counters: { evictions: number; expirations: number };
  size(): number;
  lookup(partition: number, namespace: number, key: string): StateEntry<V> | undefined;
  /** The key's entry, made with `create()` (not yet marked changed) when absent. */
  entryFor(partition: number, namespace: number, key: string, create: () => V): StateEntry<V>;
  /** Marks an entry changed: stamps it with the watermark and moves it to the newest end. */
  touch(entry: StateEntry<V>): void;
  put(partition: number, namespace: number, key: string, value: V): StateEntry<V>;
  remove(entry: StateEntry<V>): void;
  /** Removes a whole namespace (a closed window) as one deletion row. */
  removeNamespace(partition: number, namespace: number): void;
  namespace(partition: number, namespace: number): ReadonlyMap<string, StateEntry<V>> | undefined;
  /** Removes entries whose time-to-live has passed at `watermarkMs`. */
  expire(watermarkMs: number): void;
  forEachChanged(callback: (entry: StateEntry<V>) => void): void;
  /** Every entry, least recently updated first. */
  forEach(callback: (entry: StateEntry<V>) => void): void;
  /** The view this table is stored as (`ViewStoredCodec`), if it is. */
  readonly storedInView: string | undefined;
  /** Restores one entry of a view-stored table from its view row. */
  restoreFromView(partition: number, key: string, value: Uint8Array, touchedMs: number): void;
  /** Rows changed and deleted since the last checkpoint. */
  pendingRows(): number;
  /** Appends those rows (values encoded now) and starts afresh. */
  collect(upserts: StreamStateRow[], deletions: StreamStateDeletion[]): void;
  restore(row: StreamStateRow): void;
  /** Orders restored entries by their update time, then applies the key bound. */
  finishRestore(): void;
}

type Entries<V> = Map<string, StateEntry<V>>;

class StateTableImpl<V> implements StateTable<V> {
  readonly name: string;
  readonly keysMax: number;
  readonly storedInView: string | undefined;
  readonly counters = { evictions: 0, expirations: 0 };
  private readonly partitions = new Map<number, Map<number, Entries<V>>>();
  private oldest: StateEntry<V> | null = null;
  private newest: StateEntry<V> | null = null;
  private count = 0;
  private changed: StateEntry<V>[] = [];
  private deletions: StreamStateDeletion[] = [];
  // A batch comes from one partition and mostly one window: remember the last map looked up.
  private cachedPartition = Number.NaN;
  private cachedNamespace = Number.NaN;
  private cachedMap: Entries<V> | undefined;
  /** Changelog tables: each partition's changelog bookkeeping. */
  private readonly changelog: Map<number, ChangelogBook> | undefined;
  private readonly restoredChunks: StreamStateRow[] = [];

  constructor(private readonly options: StateTableOptions<V>) {
    this.name = options.qualifiedName;
    this.keysMax = options.keysMax;
    assert(Number.isInteger(this.keysMax) && this.keysMax >= 1, () => `${this.name}: keysMax must be a positive integer, got ${this.keysMax}`);
    if (isChangelogCodec(options.codec)) this.changelog = new Map();
    this.storedInView = storedInViewOf(options.codec);
    assert(this.changelog === undefined || this.storedInView === undefined, () => `${this.name}: a state is stored as a changelog or as a view, not both`);
  }

  size(): number {
    return this.count;
  }

  lookup(partition: number, namespace: number, key: string): StateEntry<V> | undefined {
    return this.mapFor(partition, namespace, false)?.get(key);
  }

  namespace(partition: number, namespace: number): ReadonlyMap<string, StateEntry<V>> | undefined {
    return this.partitions.get(partition)?.get(namespace);
  }

  entryFor(partition: number, namespace: number, key: string, create: () => V): StateEntry<V> {
    const existing = this.mapFor(partition, namespace, false)?.get(key);
    if (existing !== undefined) return existing;
    return this.create(partition, namespace, key, create());
  }

  put(partition: number, namespace: number, key: string, value: V): StateEntry<V> {
    let entry = this.mapFor(partition, namespace, false)?.get(key);
    if (entry === undefined) entry = this.create(partition, namespace, key, value);
    else entry.value = value;
    this.touch(entry);
    return entry;
  }

  touch(entry: StateEntry<V>): void {
    if (!entry.live) assert(false, () => `${this.name}: updating the removed key ${JSON.stringify(entry.key)}`);
    entry.touchedMs = this.options.time.watermarkMs;
    if (this.newest !== entry) {
      this.unlink(entry);
      this.append(entry);
    }
    if (!entry.dirty) {
      entry.dirty = true;
      this.changed.push(entry);
    }
  }

  remove(entry: StateEntry<V>): void {
    assert(entry.live, () => `${this.name}: removing an entry twice`);
    const map = this.mapFor(entry.partition, entry.namespace, false);
    assert(map?.get(entry.key) === entry, () => `${this.name}: a live entry is missing from its map`);
    map.delete(entry.key);
    // Timers and windows make a namespace per time: an emptied one goes, or they would pile up.
    if (map.size === 0) this.dropNamespace(entry.partition, entry.namespace, map);
    this.detach(entry);
    this.deletions.push({ state: this.name, partition: entry.partition, namespace: entry.namespace, key: entry.key });
  }

  removeNamespace(partition: number, namespace: number): void {
    assert(this.changelog === undefined, () => `${this.name}: a changelog table has no namespaces to remove`);
    const map = this.mapFor(partition, namespace, false);
    if (map === undefined) return;
    for (const entry of map.values()) this.detach(entry);
    this.deletions.push({ state: this.name, partition, namespace, key: null });
    this.dropNamespace(partition, namespace, map);
  }

  expire(watermarkMs: number): void {
    assert(watermarkMs !== noWatermarkMs, () => `${this.name}: expiring before any watermark`);
    const { ttlMs } = this.options;
    if (ttlMs <= 0) return;
    // Entries made before the first watermark count from the first one, not from the beginning
    // of time. They are the oldest, so they lead the list.
    for (let entry = this.oldest; entry !== null && entry.touchedMs === noWatermarkMs; entry = entry.newer) entry.touchedMs = watermarkMs;
    // The list is in update order and watermarks only grow, so it is also in `touchedMs` order.
    while (this.oldest !== null && this.oldest.touchedMs + ttlMs <= watermarkMs) {
      this.remove(this.oldest);
      this.counters.expirations++;
    }
  }

  forEachChanged(callback: (entry: StateEntry<V>) => void): void {
    for (const entry of this.changed) if (entry.live) callback(entry);
  }

  forEach(callback: (entry: StateEntry<V>) => void): void {
    for (let entry = this.oldest; entry !== null; ) {
      // The callback may remove the entry, which unlinks it: step on first.
      const next: StateEntry<V> | null = entry.newer;
      callback(entry);
      entry = next;
    }
  }

  pendingRows(): number {
    // For a view-stored table these are the view rows its operator will put at the barrier.
    return this.changed.length + this.deletions.length;
  }

  collect(upserts: StreamStateRow[], deletions: StreamStateDeletion[]): void {
    if (this.changelog !== undefined) return this.collectChangelog(upserts, deletions);
    if (this.storedInView !== undefined) {
      for (const entry of this.changed) entry.dirty = false;
      this.changed = [];
      this.deletions = [];
      return;
    }
    for (const deletion of this.deletions) deletions.push(deletion);
    for (const entry of this.changed) {
      entry.dirty = false;
      if (!entry.live) continue;
      const value = this.options.codec.encode(entry.value);
      if (value.byteLength > limits.streamValueBytesMax) {
        this.fail('too_large', `the value of key ${JSON.stringify(entry.key)} is ${value.byteLength} bytes, over ${limits.streamValueBytesMax}`, entry.partition);
      }
      upserts.push({ state: this.name, partition: entry.partition, namespace: entry.namespace, key: entry.key, value, touchedMs: entry.touchedMs });
    }
    this.changed = [];
    this.deletions = [];
  }

  restore(row: StreamStateRow): void {
    if (this.changelog !== undefined) {
      this.restoredChunks.push(row);
      return;
    }
    this.restoreEntry(row.partition, row.namespace, row.key, row.value, row.touchedMs);
  }

  restoreFromView(partition: number, key: string, value: Uint8Array, touchedMs: number): void {
    assert(this.storedInView !== undefined, () => `${this.name} is not stored as a view`);
    this.restoreEntry(partition, 0, key, value, touchedMs);
  }

  private restoreEntry(partition: number, namespace: number, key: string, bytes: Uint8Array, touchedMs: number): void {
    const row = { partition, namespace, key, touchedMs };
    const map = this.mapFor(row.partition, row.namespace, true)!;
    assert(!map.has(row.key), () => `${this.name}: key ${JSON.stringify(row.key)} restored twice`);
    const value = this.options.codec.decode(bytes);
    const entry: StateEntry<V> = { partition: row.partition, namespace: row.namespace, key: row.key, value, touchedMs: row.touchedMs, dirty: false, live: true, older: null, newer: null, range: this.rangeFor(row.key) };
    map.set(row.key, entry);
    this.append(entry);
    this.count++;
  }

  finishRestore(): void {
    if (this.changelog !== undefined) this.replayChangelog();
    const entries: StateEntry<V>[] = [];
    for (let entry = this.oldest; entry !== null; entry = entry.newer) entries.push(entry);
    entries.sort((a, b) => a.touchedMs - b.touchedMs);
    this.oldest = null;
    this.newest = null;
    for (const entry of entries) this.append(entry);
    // A bound lowered since the checkpoint: keep the newest keys (or refuse to start, under `fail`).
    while (this.count > this.keysMax) this.makeRoom(this.oldest!.partition);
  }

  private rangeFor(key: string): number {
    return this.changelog === undefined ? 0 : changelogRangeOf(key);
  }

  private book(partition: number): ChangelogBook {
    let book = this.changelog!.get(partition);
    if (book === undefined) {
      book = { nextSeq: 1, baseSeq: new Float64Array(changelogRanges), baseParts: new Uint16Array(changelogRanges), deltas: [], cursor: 0 };
      this.changelog!.set(partition, book);
    }
    return book;
  }

  /** The changelog rows of this checkpoint: per partition a delta, a few ranges rewritten, superseded rows deleted. */
  private collectChangelog(upserts: StreamStateRow[], deletions: StreamStateDeletion[]): void {
    const removed = new Map<number, string[]>();
    for (const deletion of this.deletions) {
      assert(deletion.key !== null && deletion.namespace === 0, () => `${this.name}: a changelog table deletes keys of namespace 0 only`);
      let keys = removed.get(deletion.partition);
      if (keys === undefined) removed.set(deletion.partition, (keys = []));
      keys.push(deletion.key);
    }
    const changed = new Map<number, StateEntry<V>[]>();
    for (const entry of this.changed) {
      entry.dirty = false;
      if (!entry.live) continue;
      let entries = changed.get(entry.partition);
      if (entries === undefined) changed.set(entry.partition, (entries = []));
      entries.push(entry);
    }
    this.changed = [];
    this.deletions = [];
    const partitions = new Set([...removed.keys(), ...changed.keys()]);
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      this.writeChangelog(partition, changed.get(partition) ?? [], removed.get(partition) ?? [], upserts, deletions);
    }
  }

  private writeChangelog(partition: number, changed: readonly StateEntry<V>[], removed: readonly string[], upserts: StreamStateRow[], deletions: StreamStateDeletion[]): void {
    const book = this.book(partition);
    const seq = book.nextSeq++;
    const touchedMs = this.options.time.watermarkMs;
    const put = (key: string, value: Uint8Array): void => void upserts.push({ state: this.name, partition, namespace: 0, key, value, touchedMs });
    const drop = (key: string): void => void deletions.push({ state: this.name, partition, namespace: 0, key });
    const encode = (entry: StateEntry<V>): Uint8Array => {
      const value = this.options.codec.encode(entry.value);
      if (value.byteLength > limits.streamValueBytesMax - changelogEntryOverheadBytesMax) {
        this.fail('too_large', `the value of key ${JSON.stringify(entry.key)} is ${value.byteLength} bytes, over ${limits.streamValueBytesMax - changelogEntryOverheadBytesMax}`, partition);
      }
      return value;
    };
    const delta = new ChangelogChunks(changelogKindDelta, seq, 0, (part, bytes) => put(changelogDeltaKey(seq, part), bytes));
    for (const key of removed) delta.removal(key);
    // A changed entry in a rewritten range goes into both with the same bytes, encoded once.
    const encoded = new Map<StateEntry<V>, Uint8Array>();
    for (const entry of changed) {
      const value = encode(entry);
      encoded.set(entry, value);
      delta.entry(entry.key, entry.touchedMs, value);
    }
    book.deltas.push({ seq, parts: delta.finish() });
    // Rewrite ranges holding half as many keys as the delta (at least one range): a base costs an
    // encoding of values that did not change, so it rolls at half the delta's pace, and the
    // store holds the live keys about three times over at most.
    const map = this.partitions.get(partition)?.get(0);
    const live = map?.size ?? 0;
    const ranges = Math.min(changelogRanges, Math.max(1, Math.ceil((changelogRanges * (changed.length + removed.length)) / (changelogBaseRate * Math.max(1, live)))));
    const writers = new Map<number, ChangelogChunks>();
    const byRange: (ChangelogChunks | undefined)[] = new Array<ChangelogChunks | undefined>(changelogRanges).fill(undefined);
    for (let index = 0; index < ranges; index++) {
      const range = (book.cursor + index) % changelogRanges;
      const writer = new ChangelogChunks(changelogKindBase, seq, range, (part, bytes) => put(changelogBaseKey(range, part), bytes));
      writers.set(range, writer);
      byRange[range] = writer;
    }
    book.cursor = (book.cursor + ranges) % changelogRanges;
    if (map !== undefined) {
      for (const entry of map.values()) {
        const writer = byRange[entry.range];
        if (writer !== undefined) writer.entry(entry.key, entry.touchedMs, encoded.get(entry) ?? encode(entry));
      }
    }
    for (const [range, writer] of writers) {
      const parts = writer.finish();
      for (let part = parts; part < book.baseParts[range]!; part++) drop(changelogBaseKey(range, part));
      book.baseParts[range] = parts;
      book.baseSeq[range] = seq;
    }
    let oldestBase = Number.POSITIVE_INFINITY;
    for (let range = 0; range < changelogRanges; range++) oldestBase = Math.min(oldestBase, book.baseSeq[range]!);
    while (book.deltas.length > 0 && book.deltas[0]!.seq <= oldestBase) {
      const old = book.deltas.shift()!;
      for (let part = 0; part < old.parts; part++) drop(changelogDeltaKey(old.seq, part));
    }
  }

  /** Restored changelog rows into entries: bases, then deltas oldest first, skipping what a newer base holds. */
  private replayChangelog(): void {
    const byPartition = new Map<number, { row: StreamStateRow; chunk: ChangelogChunk }[]>();
    for (const row of this.restoredChunks) {
      let rows = byPartition.get(row.partition);
      if (rows === undefined) byPartition.set(row.partition, (rows = []));
      rows.push({ row, chunk: readChangelogChunk(row.value, this.name) });
    }
    this.restoredChunks.length = 0;
    for (const [partition, rows] of byPartition) {
      const book = this.book(partition);
      const deltaParts = new Map<number, number>();
      for (const { chunk } of rows) {
        book.nextSeq = Math.max(book.nextSeq, chunk.seq + 1);
        if (chunk.kind === changelogKindBase) {
          book.baseSeq[chunk.range] = Math.max(book.baseSeq[chunk.range]!, chunk.seq);
          book.baseParts[chunk.range] = Math.max(book.baseParts[chunk.range]!, chunk.part + 1);
        } else deltaParts.set(chunk.seq, Math.max(deltaParts.get(chunk.seq) ?? 0, chunk.part + 1));
      }
      book.deltas.length = 0;
      for (const [seq, parts] of [...deltaParts].sort((a, b) => a[0] - b[0])) book.deltas.push({ seq, parts });
      const latest = new Map<string, { touchedMs: number; value: Uint8Array }>();
      rows.sort((a, b) => (a.chunk.kind === b.chunk.kind ? a.chunk.seq - b.chunk.seq || a.chunk.part - b.chunk.part : b.chunk.kind - a.chunk.kind));
      for (const { chunk } of rows) {
        const isDelta = chunk.kind === changelogKindDelta;
        for (const key of chunk.removals) if (chunk.seq > book.baseSeq[changelogRangeOf(key)]!) latest.delete(key);
        for (const item of chunk.entries) {
          if (isDelta && chunk.seq <= book.baseSeq[changelogRangeOf(item.key)]!) continue;
          latest.set(item.key, item);
        }
      }
      for (const [key, { touchedMs, value }] of latest) this.restoreEntry(partition, 0, key, value, touchedMs);
    }
  }

  private create(partition: number, namespace: number, key: string, value: V): StateEntry<V> {
    if (key.length * 3 > limits.streamKeyBytesMax && Buffer.byteLength(key) > limits.streamKeyBytesMax) {
      this.fail('too_large', `a key of ${Buffer.byteLength(key)} bytes is over ${limits.streamKeyBytesMax}`, partition);
    }
    // Room first: an eviction can empty and drop a namespace map, even the one this key goes in.
    this.makeRoom(partition);
    const entry: StateEntry<V> = { partition, namespace, key, value, touchedMs: this.options.time.watermarkMs, dirty: false, live: true, older: null, newer: null, range: this.rangeFor(key) };
    this.mapFor(partition, namespace, true)!.set(key, entry);
    this.append(entry);
    this.count++;
    return entry;
  }

  private makeRoom(partition: number): void {
    if (this.count < this.keysMax) return;
    if (this.options.whenFull === 'fail') this.fail('state_full', `holds ${this.keysMax} keys, its bound, and was declared whenFull: fail`, partition);
    this.remove(this.oldest!);
    this.counters.evictions++;
  }

  private mapFor(partition: number, namespace: number, create: boolean): Entries<V> | undefined {
    if (partition === this.cachedPartition && namespace === this.cachedNamespace && this.cachedMap !== undefined) return this.cachedMap;
    let namespaces = this.partitions.get(partition);
    if (namespaces === undefined) {
      if (!create) return undefined;
      namespaces = new Map();
      this.partitions.set(partition, namespaces);
    }
    let map = namespaces.get(namespace);
    if (map === undefined) {
      if (!create) return undefined;
      map = new Map();
      namespaces.set(namespace, map);
      this.options.onNamespaceAdded?.(partition, namespace);
    }
    this.cachedPartition = partition;
    this.cachedNamespace = namespace;
    this.cachedMap = map;
    return map;
  }

  private dropNamespace(partition: number, namespace: number, map: Entries<V>): void {
    this.partitions.get(partition)?.delete(namespace);
    if (this.cachedMap === map) this.cachedMap = undefined;
    this.options.onNamespaceRemoved?.(partition, namespace);
  }

  private detach(entry: StateEntry<V>): void {
    entry.live = false;
    this.unlink(entry);
    this.count--;
  }

  private unlink(entry: StateEntry<V>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else if (this.oldest === entry) this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else if (this.newest === entry) this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  private append(entry: StateEntry<V>): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private fail(code: 'state_full' | 'too_large', message: string, partition: number): never {
    throw new StreamError(code, `state ${this.name}: ${message}`, { job: this.options.job, operator: this.options.operator, partition });
  }
}

// The changelog's rows (see the top of this file). A chunk: u8 version, u8 kind (1 delta, 2 base),
// u16 range, u16 part, u16 spare, f64 sequence, u32 entries, u32 removals; then each removed key
// (u16 length, UTF-8), then each entry (u16 key length, key, f64 touchedMs, u32 value length, value).
const changelogRanges = 64;
/** Delta keys per base key rewritten. */
const changelogBaseRate = 2;
const changelogVersion = 1;
const changelogKindDelta = 1;
const changelogKindBase = 2;
const changelogHeaderBytes = 24;
/** An entry's framing plus its longest key: a value may use the rest of a row. */
const changelogEntryOverheadBytesMax = changelogHeaderBytes + 14 + limits.streamKeyBytesMax;
const changelogDeltaKey = (seq: number, part: number): string => `~d${seq}.${part}`;
const changelogBaseKey = (range: number, part: number): string => `~b${range}.${part}`;
const keyEncoder = new TextEncoder();
const keyDecoder = new TextDecoder();

interface ChangelogBook {
  nextSeq: number;
  readonly baseSeq: Float64Array;
  readonly baseParts: Uint16Array;
  readonly deltas: { seq: number; parts: number }[];
  cursor: number;
}

/** The hash range of a state key (FNV-1a of its UTF-16 code units, top bits). */
export function changelogRangeOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return (Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0) % changelogRanges;
}

/** Builds the rows of one delta or one range's base, each at most `limits.streamValueBytesMax`. */
class ChangelogChunks {
  private bytes = new Uint8Array(64 * 1024);
  private view = new DataView(this.bytes.buffer);
  private at = changelogHeaderBytes;
  private entries = 0;
  private removals = 0;
  private part = 0;

  constructor(
    private readonly kind: number,
    private readonly seq: number,
    private readonly range: number,
    private readonly emit: (part: number, bytes: Uint8Array) => void,
  ) {}

  removal(key: string): void {
    // Removals come before entries in a chunk, so a key removed and added again is added last.
    if (this.entries > 0) this.flush();
    this.room(2 + key.length * 3);
    this.writeKey(key);
    this.removals++;
  }

  entry(key: string, touchedMs: number, value: Uint8Array): void {
    this.room(2 + key.length * 3 + 12 + value.byteLength);
    this.writeKey(key);
    this.view.setFloat64(this.at, touchedMs, true);
    this.view.setUint32(this.at + 8, value.byteLength, true);
    this.bytes.set(value, this.at + 12);
    this.at += 12 + value.byteLength;
    this.entries++;
  }

  /** Emits the last part (an empty one too: a base of no keys) and returns the parts written. */
  finish(): number {
    this.flush();
    return this.part;
  }

  private writeKey(key: string): void {
    const written = keyEncoder.encodeInto(key, this.bytes.subarray(this.at + 2)).written;
    this.view.setUint16(this.at, written, true);
    this.at += 2 + written;
  }

  /** Makes room for `bytes` more: grows the buffer, or starts a new part at the row bound. */
  private room(bytes: number): void {
    if (this.at + bytes > limits.streamValueBytesMax && this.at > changelogHeaderBytes) this.flush();
    if (this.at + bytes <= this.bytes.byteLength) return;
    const grown = new Uint8Array(Math.max(this.bytes.byteLength * 2, this.at + bytes));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  private flush(): void {
    const { view } = this;
    view.setUint8(0, changelogVersion);
    view.setUint8(1, this.kind);
    view.setUint16(2, this.range, true);
    view.setUint16(4, this.part, true);
    view.setFloat64(8, this.seq, true);
    view.setUint32(16, this.entries, true);
    view.setUint32(20, this.removals, true);
    this.emit(this.part, this.bytes.slice(0, this.at));
    this.part++;
    this.at = changelogHeaderBytes;
    this.entries = 0;
    this.removals = 0;
  }
}

interface ChangelogChunk {
  kind: number;
  range: number;
  part: number;
  seq: number;
  removals: string[];
  entries: { key: string; touchedMs: number; value: Uint8Array }[];
}

function readChangelogChunk(bytes: Uint8Array, state: string): ChangelogChunk {
  const corrupt = (what: string): never => assert(false, () => `state ${state}: a changelog row ${what}`) as never;
  if (bytes.byteLength < changelogHeaderBytes || bytes[0] !== changelogVersion) corrupt(`of ${bytes.byteLength} bytes, version ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunk: ChangelogChunk = { kind: view.getUint8(1), range: view.getUint16(2, true), part: view.getUint16(4, true), seq: view.getFloat64(8, true), removals: [], entries: [] };
  if ((chunk.kind !== changelogKindDelta && chunk.kind !== changelogKindBase) || chunk.range >= changelogRanges) corrupt(`of kind ${chunk.kind}, range ${chunk.range}`);
  let at = changelogHeaderBytes;
  const readKey = (): string => {
    const length = view.getUint16(at, true);
    const key = keyDecoder.decode(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
    return key;
  };
  const removals = view.getUint32(20, true);
  const entries = view.getUint32(16, true);
  for (let index = 0; index < removals; index++) chunk.removals.push(readKey());
  for (let index = 0; index < entries; index++) {
    const key = readKey();
    const touchedMs = view.getFloat64(at, true);
    const length = view.getUint32(at + 8, true);
    chunk.entries.push({ key, touchedMs, value: bytes.subarray(at + 12, at + 12 + length) });
    at += 12 + length;
  }
  if (at !== bytes.byteLength) corrupt(`of ${bytes.byteLength} bytes holds ${at}`);
  return chunk;
}

export function createStateTable<V>(options: StateTableOptions<V>): StateTable<V> {
  return new StateTableImpl(options);
}
