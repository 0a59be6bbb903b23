// The store behind every named state (keyed state, window state, timers): entries by
// (partition, namespace, key), one doubly linked list in update order for the key bound and the
// time-to-live, and a list of entries changed since the last checkpoint so that a checkpoint
// writes only those (plus deletions). Entries are objects made once per key; updating one
// allocates nothing.
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

  constructor(private readonly options: StateTableOptions<V>) {
    this.name = options.qualifiedName;
    this.keysMax = options.keysMax;
    assert(Number.isInteger(this.keysMax) && this.keysMax >= 1, () => `${this.name}: keysMax must be a positive integer, got ${this.keysMax}`);
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
    return this.changed.length + this.deletions.length;
  }

  collect(upserts: StreamStateRow[], deletions: StreamStateDeletion[]): void {
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
    const map = this.mapFor(row.partition, row.namespace, true)!;
    assert(!map.has(row.key), () => `${this.name}: key ${JSON.stringify(row.key)} restored twice`);
    const value = this.options.codec.decode(row.value);
    const entry: StateEntry<V> = { partition: row.partition, namespace: row.namespace, key: row.key, value, touchedMs: row.touchedMs, dirty: false, live: true, older: null, newer: null };
    map.set(row.key, entry);
    this.append(entry);
    this.count++;
  }

  finishRestore(): void {
    const entries: StateEntry<V>[] = [];
    for (let entry = this.oldest; entry !== null; entry = entry.newer) entries.push(entry);
    entries.sort((a, b) => a.touchedMs - b.touchedMs);
    this.oldest = null;
    this.newest = null;
    for (const entry of entries) this.append(entry);
    // A bound lowered since the checkpoint: keep the newest keys (or refuse to start, under `fail`).
    while (this.count > this.keysMax) this.makeRoom(this.oldest!.partition);
  }

  private create(partition: number, namespace: number, key: string, value: V): StateEntry<V> {
    if (key.length * 3 > limits.streamKeyBytesMax && Buffer.byteLength(key) > limits.streamKeyBytesMax) {
      this.fail('too_large', `a key of ${Buffer.byteLength(key)} bytes is over ${limits.streamKeyBytesMax}`, partition);
    }
    // Room first: an eviction can empty and drop a namespace map, even the one this key goes in.
    this.makeRoom(partition);
    const entry: StateEntry<V> = { partition, namespace, key, value, touchedMs: this.options.time.watermarkMs, dirty: false, live: true, older: null, newer: null };
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

export function createStateTable<V>(options: StateTableOptions<V>): StateTable<V> {
  return new StateTableImpl(options);
}
