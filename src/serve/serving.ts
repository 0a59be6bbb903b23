// The serving role's composition: link cache, authentication, redirect, ingest API and the API
// app on one HTTP server.
import type { Clock, Logger } from '../core/index.js';
import { limits } from '../core/index.js';
import { parseClickValidationPolicy } from '../events/index.js';
import type { Ingestor, UserAgentClass } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { createApp } from './app.js';
import { createAuthenticator } from './auth.js';
import { createClientAddressResolver } from './client-address.js';
import { createCountryResolver } from './country.js';
import { createIngestRoute } from './ingest-route.js';
import { createLinkCache } from './link-cache.js';
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
}

export interface Serving {
  url: string;
  port: number;
  redirectStats(): RedirectStats;
  close(): Promise<void>;
}

export async function createServing(deps: ServingDeps, config: ServingConfig, operatorToken: string): Promise<Serving> {
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
  const ingest = createIngestRoute({
    store,
    ingestor: deps.ingestor,
    linkCache,
    authenticator,
    classifyUserAgent: deps.classifyUserAgent,
    nextEventId: deps.nextEventId,
    policy: parseClickValidationPolicy(),
    clock,
    logger,
  });
  let ready = false;
  const app = createApp({ store, authenticator, logger, isReady: () => ready }, { managementBodyBytesMax: limits.managementBodyBytesMax });
  const server = await startServer({ app, redirect, ingest, logger }, { port: config.port, host: config.host });
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
    },
  };
}
