// The serving side's copy of the counters views: every partition's latest `link_counters` and
// `link_visitors` rows of the links asked about lately, kept whole and fresh by the commits the
// stream workers push (`applyCommitted`, one call per CommittedUpdate), and loaded from the store's
// views when a link is not in memory. Bounded: the least recently used link goes first. A commit
// that changes a link wakes its subscribers (the live streams).
import { LruCache, limits, type Clock, type Logger } from '../core/index.js';
import {
  counterViewNames,
  decodeCounterRow,
  decodeVisitorSlice,
  parseVisitorSliceKey,
  speedJobName,
  type CounterRow,
  type VisitorSlice,
} from '../jobs/counters/index.js';
import type { Store, StreamViewChange, ViewRow } from '../store/index.js';
import type { CommittedUpdate } from '../stream/index.js';

/**
 * A link's rows over every partition. One object per version of the rows: `rows()` answers the
 * same object until a commit changes the link, so readers may keep what they derive from it
 * (keyed by the object) and must not change it.
 */
export interface LinkCounterRows {
  /** One per partition that counted the link. */
  readonly counters: readonly CounterRow[];
  /** Every partition's hourly visitor slices of the link. */
  readonly visitors: readonly VisitorSlice[];
}

/** How complete the counters are: the job's committed watermarks. */
export interface CounterFreshness {
  /** The lowest partition watermark: clicks before it are all counted (null before any commit). */
  watermarkMs: number | null;
  /** The latest commit seen. */
  committedAtMs: number | null;
  partitions: number;
}

export interface CounterViewsOptions {
  /** The job whose commits carry the views (default `speed`). */
  job?: string;
  /** Links kept in memory (default `limits.countersServingLinksMax`). */
  linksMax?: number;
}

export interface CounterViews {
  /** Takes a worker's commit: updates the links in memory and wakes their subscribers. Other jobs' commits are ignored. */
  applyCommitted(update: CommittedUpdate): void;
  /** The link's rows, from memory or (then kept) from the store. */
  rows(linkId: string): Promise<LinkCounterRows>;
  freshness(): Promise<CounterFreshness>;
  /** Calls `listener` after each commit that changed the link; returns the unsubscribe function. */
  subscribe(linkId: string, listener: () => void): () => void;
  stats(): { links: number; loads: number; updates: number; subscribers: number };
}

interface LinkEntry {
  counters: Map<number, CounterRow>;
  /** By `<partition>/<hour>`. */
  visitors: Map<string, VisitorSlice>;
  /** Set while the store read is in flight; changes meanwhile wait in `pending`. */
  loading: Promise<void> | null;
  pending: StreamViewChange[];
  /** The rows as last handed out; dropped by every change. */
  snapshot: LinkCounterRows | null;
}

interface Position {
  watermarkMs: number;
  committedAtMs: number;
}

/** The link a change of either view belongs to. */
function linkOf(change: { view: string; key: string }): string | undefined {
  if (change.view === counterViewNames.links) return change.key;
  if (change.view === counterViewNames.visitors) return parseVisitorSliceKey(change.key)?.linkId;
  return undefined;
}

export function createCounterViews(deps: { store: Store; clock: Clock; logger: Logger }, options: CounterViewsOptions = {}): CounterViews {
  const job = options.job ?? speedJobName;
  const links = new LruCache<string, LinkEntry>(options.linksMax ?? limits.countersServingLinksMax);
  const positions = new Map<number, Position>();
  const listeners = new Map<string, Set<() => void>>();
  const counts = { loads: 0, updates: 0 };
  let storedPositions: { atMs: number; positions: Map<number, Position> } | undefined;

  const apply = (entry: LinkEntry, change: { view: string; key: string; partition: number; value: Uint8Array | null }): void => {
    entry.snapshot = null;
    try {
      if (change.view === counterViewNames.links) {
        if (change.value === null) entry.counters.delete(change.partition);
        else entry.counters.set(change.partition, decodeCounterRow(change.value));
        return;
      }
      const hour = parseVisitorSliceKey(change.key)!.hour;
      const at = `${change.partition}/${hour}`;
      if (change.value === null) entry.visitors.delete(at);
      else entry.visitors.set(at, decodeVisitorSlice(change.value));
    } catch (error) {
      // A row this reader cannot read is a bug or a newer writer: shown as missing, loudly logged.
      deps.logger.error({ err: error, view: change.view, key: change.key, partition: change.partition }, 'a counters row could not be decoded');
    }
  };

  const listAll = async (view: string, prefix: string): Promise<ViewRow[]> => {
    const rows: ViewRow[] = [];
    let after: string | undefined;
    do {
      const page = await deps.store.views.list(view, { prefix, limit: limits.storeListMax, after });
      rows.push(...page.items);
      after = page.next;
    } while (after !== undefined);
    return rows;
  };

  const load = async (linkId: string, entry: LinkEntry): Promise<void> => {
    counts.loads++;
    try {
      const [counterRows, visitorRows] = await Promise.all([deps.store.views.get(counterViewNames.links, linkId), listAll(counterViewNames.visitors, `${linkId}@`)]);
      for (const row of counterRows) apply(entry, row);
      for (const row of visitorRows) if (parseVisitorSliceKey(row.key)?.linkId === linkId) apply(entry, row);
      // Changes pushed while the store was read are newer than or equal to what it returned.
      for (const change of entry.pending) apply(entry, change);
    } catch (error) {
      // Not kept half loaded: the next request reads again.
      if (links.get(linkId) === entry) links.delete(linkId);
      throw error;
    } finally {
      entry.pending = [];
      entry.loading = null;
    }
  };

  const snapshot = (entry: LinkEntry): LinkCounterRows =>
    (entry.snapshot ??= Object.freeze({ counters: Object.freeze([...entry.counters.values()]), visitors: Object.freeze([...entry.visitors.values()]) }));

  return {
    applyCommitted(update) {
      if (update.job !== job) return;
      for (const { partition, watermarkMs } of update.positions) positions.set(partition, { watermarkMs, committedAtMs: update.committedAtMs });
      const changed = new Set<string>();
      for (const change of update.views) {
        const linkId = linkOf(change);
        if (linkId === undefined) continue;
        changed.add(linkId);
        counts.updates++;
        const entry = links.get(linkId);
        if (entry === undefined) continue; // the store has it: read when asked for
        if (entry.loading !== null) entry.pending.push(change);
        else apply(entry, change);
      }
      for (const linkId of changed) {
        for (const listener of listeners.get(linkId) ?? []) {
          try {
            listener();
          } catch (error) {
            deps.logger.error({ err: error, linkId }, 'a counters listener failed');
          }
        }
      }
    },
    async rows(linkId) {
      let entry = links.get(linkId);
      if (entry === undefined) {
        entry = { counters: new Map(), visitors: new Map(), loading: null, pending: [], snapshot: null };
        links.set(linkId, entry);
        entry.loading = load(linkId, entry);
      }
      if (entry.loading !== null) await entry.loading;
      return snapshot(entry);
    },
    async freshness() {
      let known = positions;
      if (known.size === 0) {
        // No commit pushed yet (the serving process just started): the store knows the last ones, read at most once a second.
        const nowMs = deps.clock.nowMs();
        if (storedPositions === undefined || nowMs - storedPositions.atMs >= 1_000) {
          const stored = await deps.store.streamCheckpoints.positions(job);
          storedPositions = { atMs: nowMs, positions: new Map(stored.map((position) => [position.partition, { watermarkMs: position.watermarkMs, committedAtMs: position.committedAtMs }])) };
        }
        known = storedPositions.positions;
      }
      if (known.size === 0) return { watermarkMs: null, committedAtMs: null, partitions: 0 };
      const values = [...known.values()];
      const lowest = Math.min(...values.map((position) => position.watermarkMs));
      // A partition that has seen nothing yet (and is not idle long enough to move on the clock)
      // has no watermark (the engine reports noWatermarkMs, far before 1970): then nothing is known
      // complete.
      return { watermarkMs: lowest < 0 ? null : lowest, committedAtMs: Math.max(...values.map((position) => position.committedAtMs)), partitions: known.size };
    },
    subscribe(linkId, listener) {
      let set = listeners.get(linkId);
      if (set === undefined) listeners.set(linkId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(linkId);
      };
    },
    stats() {
      let subscribers = 0;
      for (const set of listeners.values()) subscribers += set.size;
      return { links: links.size, loads: counts.loads, updates: counts.updates, subscribers };
    },
  };
}
