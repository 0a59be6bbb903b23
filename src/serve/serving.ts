// The serving role's composition: link cache, authentication, redirect, ingest API and the API
// app on one HTTP server.
import type { Clock, Logger } from '../core/index.js';
import { limits } from '../core/index.js';
import type { LinkOwnership } from '../events/index.js';
import { parseClickValidationPolicy } from '../events/index.js';
import type { ImportPreparer, Ingestor, SlugResolver, UserAgentClass } from '../ingest/index.js';
import { createInProcessPreparer, createIngestPool } from '../ingest/index.js';
import type { Hono } from 'hono';
import type { Link, Store } from '../store/index.js';
import type { ServeEnv } from './app-env.js';
import { createApp } from './app.js';
import { createAuthenticator } from './auth.js';
import { createClientAddressResolver } from './client-address.js';
import { createCountryResolver } from './country.js';
import { createIngestRoute } from './ingest-route.js';
import { createLinkCache, type LinkCache } from './link-cache.js';
import { createRedirectHandler, type RedirectStats } from './redirect.js';
import { startServer } from './server.js';

export interface ServingDeps {
  store: Store;
  ingestor: Ingestor;
  clock: Clock;
  logger: Logger;
  nextEventId: () => string;
  classifyUserAgent: (userAgent: string) => UserAgentClass;
}

export interface ServingConfig {
  port: number;
  host: string;
  durableRedirects: boolean;
  /** Comma-separated CIDR ranges. */
  trustedProxies: string;
  countryHeader: string;
  geoipDatabase: string;
  /**
   * Where import requests are parsed, validated and encoded: `pool` (default), on worker threads,
   * or `in-process`, on the serving thread, for tests and tools that want no threads.
   */
  ingestPreparer?: 'pool' | 'in-process';
  /** Ingest worker threads (default: one per available core). */
  ingestWorkers?: number;
}

/** Adds routes to the API app before the server starts (query API, fraud, counters, dashboard). */
export type RouteRegistrar = (app: Hono<ServeEnv>) => void;

export interface Serving {
  url: string;
  port: number;
  redirectStats(): RedirectStats;
  close(): Promise<void>;
}

function ownership(link: Link | undefined): LinkOwnership | undefined {
  return link === undefined ? undefined : { linkId: link.id, userId: link.userId, accountId: link.accountId };
}

/** Resolves a request's distinct slugs from the link cache: at once for hits, from the store for the rest. */
function slugResolver(linkCache: LinkCache): SlugResolver {
  return async (slugs) => {
    const links = new Array<LinkOwnership | undefined>(slugs.length);
    const misses: Promise<void>[] = [];
    slugs.forEach((slug, index) => {
      const known = linkCache.cached(slug);
      if (known === undefined) misses.push(linkCache.lookup(slug).then((link) => void (links[index] = ownership(link))));
      else links[index] = ownership(known ?? undefined);
    });
    if (misses.length > 0) await Promise.all(misses);
    return links;
  };
}

async function createPreparer(deps: ServingDeps, config: ServingConfig, linkCache: LinkCache): Promise<ImportPreparer> {
  const policy = parseClickValidationPolicy();
  const resolveSlugs = slugResolver(linkCache);
  if (config.ingestPreparer === 'in-process') {
    return createInProcessPreparer(
      { resolveSlugs, classifyUserAgent: deps.classifyUserAgent, newEventId: deps.nextEventId },
      { partitions: deps.ingestor.partitions, policy },
    );
  }
  return createIngestPool(
    { resolveSlugs, logger: deps.logger, clock: deps.clock },
    { partitions: deps.ingestor.partitions, policy },
    { workers: config.ingestWorkers ?? 0, userAgentCacheEntries: limits.userAgentCacheEntries },
  );
}

export async function createServing(deps: ServingDeps, config: ServingConfig, operatorToken: string, routes: readonly RouteRegistrar[] = []): Promise<Serving> {
  const { store, clock, logger } = deps;
  const linkCache = createLinkCache(
    { store, clock, logger },
    { refreshIntervalMs: limits.linkCacheRefreshIntervalMs, entriesMax: limits.linkCacheEntriesMax, negativeTtlMs: limits.linkCacheNegativeTtlMs },
  );
  const authenticator = createAuthenticator(
    { store, clock },
    { operatorToken, cacheTtlMs: limits.apiKeyCacheTtlMs, cacheEntries: limits.apiKeyCacheEntries },
  );
  const proxies = config.trustedProxies.split(',').map((range) => range.trim()).filter((range) => range.length > 0);
  const redirect = createRedirectHandler(
    {
      linkCache,
      ingestor: deps.ingestor,
      classifyUserAgent: deps.classifyUserAgent,
      addresses: createClientAddressResolver(proxies),
      countries: await createCountryResolver({ geoipDatabasePath: config.geoipDatabase || undefined }),
      nextEventId: deps.nextEventId,
      clock,
      logger,
    },
    { durable: config.durableRedirects, countryHeader: config.countryHeader ? config.countryHeader.toLowerCase() : undefined },
  );
  const preparer = await createPreparer(deps, config, linkCache);
  const ingest = createIngestRoute({ store, ingestor: deps.ingestor, preparer, authenticator, clock, logger });
  let ready = false;
  const app = createApp({ store, authenticator, logger, isReady: () => ready }, { managementBodyBytesMax: limits.managementBodyBytesMax });
  for (const register of routes) register(app);
  const server = await startServer({ app, redirect, ingest, logger }, { port: config.port, host: config.host }).catch(async (error: unknown) => {
    linkCache.close();
    await preparer.close();
    throw error;
  });
  ready = true;
  logger.info({ url: server.url }, 'serving redirects, the ingest API and the query API');
  return {
    url: server.url,
    port: server.port,
    redirectStats: redirect.stats,
    async close() {
      ready = false;
      linkCache.close();
      await server.close();
      await preparer.close();
    },
  };
}
