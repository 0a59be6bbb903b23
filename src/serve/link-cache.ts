// The redirect path's view of links: slug → link, held in memory. A changed or disabled link must
// take effect within a second, on this node and on every other, so the cache polls the store for
// rows updated since its last look (`links.changedSince`) every `refreshIntervalMs` rather than
// relying on in-process invalidation. Unknown slugs are remembered briefly (negative entries) so a
// scan of random slugs cannot turn every request into a store query.
import type { Clock, Logger, TimerHandle } from '../core/index.js';
import { GenerationalCache, errorMessage } from '../core/index.js';
import type { Link, Store } from '../store/index.js';

export interface LinkCacheOptions {
  /** How often to look for changed links, in ms; a change is visible within about this long. */
  refreshIntervalMs: number;
  /** Links held at most; the least recently used is dropped beyond it. */
  entriesMax: number;
  /** How long an unknown slug is remembered as unknown, in ms. */
  negativeTtlMs: number;
}

export interface LinkCache {
  /** The link for a slug, or undefined when there is none (disabled links are returned). */
  lookup(slug: string): Promise<Link | undefined>;
  /**
   * What the cache knows without asking the store, synchronously: the link, `null` for a slug
   * remembered as having none, or undefined when only `lookup` can tell. The hot paths try this
   * first, so a hit costs no promise.
   */
  cached(slug: string): Link | null | undefined;
  /** Applies changes made since the last refresh; called by the timer, and by tests. */
  refresh(): Promise<void>;
  close(): void;
}

/** A slug's entry: the id of its link, or a note that no link had it. */
type Entry = { linkId: string } | { missingUntilMs: number };

const refreshBatch = 1_000;

export function createLinkCache(deps: { store: Store; clock: Clock; logger: Logger }, options: LinkCacheOptions): LinkCache {
  const { store, clock, logger } = deps;
  // Slugs point at link ids and links are held by id, always in their newest known version: a link
  // whose slug changed no longer matches its old slug, so the old slug cannot keep redirecting.
  const entries = new GenerationalCache<string, Entry>(options.entriesMax);
  const linksById = new GenerationalCache<string, Link>(options.entriesMax);
  const remember = (link: Link): void => {
    linksById.set(link.id, link);
    entries.set(link.slug, { linkId: link.id });
  };
  // The cursor is (updatedAtMs, id) so that any number of links updated in one millisecond are
  // paged through. It starts a little before the newest row seen, because a row written in the
  // same millisecond as the last look may not have been visible then; re-applying a row is harmless.
  let sinceMs = clock.nowMs();
  let timer: TimerHandle | undefined;
  let closed = false;

  const refresh = async (): Promise<void> => {
    let cursorMs = sinceMs;
    let afterId: string | undefined;
    for (;;) {
      const changed = await store.links.changedSince(cursorMs, refreshBatch, afterId);
      for (const link of changed) remember(link);
      const last = changed.at(-1);
      if (!last) break;
      cursorMs = last.updatedAtMs;
      afterId = last.id;
      if (changed.length < refreshBatch) break;
    }
    sinceMs = Math.max(0, Math.max(sinceMs, cursorMs) - 1);
  };

  const schedule = (): void => {
    if (closed) return;
    timer = clock.setTimer(options.refreshIntervalMs, () => {
      refresh()
        .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'link cache refresh failed; will retry'))
        .finally(schedule);
    });
  };
  schedule();

  const cached = (slug: string): Link | null | undefined => {
    const entry = entries.get(slug);
    if (entry === undefined) return undefined;
    if ('linkId' in entry) {
      const link = linksById.get(entry.linkId);
      return link && link.slug === slug ? link : undefined;
    }
    return entry.missingUntilMs > clock.nowMs() ? null : undefined;
  };

  return {
    async lookup(slug) {
      const known = cached(slug);
      if (known !== undefined) return known ?? undefined;
      const link = await store.links.getBySlug(slug);
      if (link) remember(link);
      else entries.set(slug, { missingUntilMs: clock.nowMs() + options.negativeTtlMs });
      return link;
    },
    cached,
    refresh,
    close() {
      closed = true;
      timer?.cancel();
    },
  };
}
