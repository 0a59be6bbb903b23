// GET /:slug and HEAD /:slug: answer 302 to the link's target and record one click.
//
// By default the answer waits until the click is durable in the log (group commit: a few ms).
// With `durable: false` it answers at once; a crash then loses the clicks of at most one group
// commit interval (see docs/ingest.md). A click that cannot be stored does not fail the visitor:
// the redirect is still served, the loss is logged and counted in `clicksLost`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../core/index.js';
import { errorMessage, limits } from '../core/index.js';
import type { ClickEvent } from '../events/index.js';
import type { Ingestor, UserAgentClass } from '../ingest/index.js';
import type { ClientAddressResolver } from './client-address.js';
import type { CountryResolver } from './country.js';
import type { Link } from '../store/index.js';
import type { LinkCache } from './link-cache.js';

export interface RedirectDeps {
  linkCache: LinkCache;
  ingestor: Ingestor;
  classifyUserAgent: (userAgent: string) => UserAgentClass;
  addresses: ClientAddressResolver;
  countries: CountryResolver;
  nextEventId: () => string;
  clock: Clock;
  logger: Logger;
}

export interface RedirectOptions {
  /** Answer only once the click is durable (default true). */
  durable: boolean;
  /** Lower-case name of a header set by a trusted edge that carries the country, e.g. `cf-ipcountry`. */
  countryHeader: string | undefined;
}

export interface RedirectStats {
  redirects: number;
  notFound: number;
  clicksLost: number;
}

const notFoundPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Link not found</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#1f2933}main{text-align:center;padding:1rem}h1{font-size:1.6rem}</style></head>
<body><main><h1>This short link does not exist</h1><p>It may have been mistyped, or its owner has disabled it.</p></main></body></html>`;

/** Cuts a header value to a byte bound on a character boundary: a redirect never fails on it. */
function bounded(value: string | string[] | undefined, bytesMax: number): string {
  const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  if (text.length <= bytesMax / 4 || Buffer.byteLength(text) <= bytesMax) return text;
  let cut = Buffer.from(text).subarray(0, bytesMax).toString();
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut;
}

export function createRedirectHandler(deps: RedirectDeps, options: RedirectOptions) {
  const stats: RedirectStats = { redirects: 0, notFound: 0, clicksLost: 0 };

  const clickFor = (request: IncomingMessage, link: { id: string; slug: string; userId: string; accountId: string }): ClickEvent => {
    const headers = request.headers;
    const forwarded = headers['x-forwarded-for'];
    const ip = deps.addresses.resolve(request.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(',') : forwarded) ?? '::';
    const userAgent = bounded(headers['user-agent'], limits.userAgentBytesMax);
    const agent = deps.classifyUserAgent(userAgent);
    const countryValue = options.countryHeader ? headers[options.countryHeader] : undefined;
    const nowMs = deps.clock.nowMs();
    return {
      id: deps.nextEventId(),
      eventTimeMs: nowMs,
      ingestTimeMs: nowMs,
      linkId: link.id,
      slug: link.slug,
      userId: link.userId,
      accountId: link.accountId,
      ip,
      userAgent,
      referrer: bounded(headers.referer, limits.referrerBytesMax),
      country: deps.countries.resolve(ip, Array.isArray(countryValue) ? countryValue[0] : countryValue),
      device: agent.device,
      browser: agent.browser,
      os: agent.os,
      bot: agent.bot,
      head: request.method === 'HEAD',
      source: 'redirect',
    };
  };

  /** 302 headers per link, made once: a link object is replaced, not changed, when its row changes. */
  const redirectHeaders = new WeakMap<Link, readonly string[]>();
  const redirectTo = (response: ServerResponse, link: Link): void => {
    let headers = redirectHeaders.get(link);
    if (headers === undefined) {
      // no-store: every follow of the link must reach us to be counted.
      headers = ['location', link.targetUrl, 'cache-control', 'private, no-store', 'content-length', '0'];
      redirectHeaders.set(link, headers);
    }
    stats.redirects++;
    response.writeHead(302, headers as string[]);
    response.end();
  };

  const clickLost = (error: unknown, slug: string): void => {
    stats.clicksLost++;
    deps.logger.error({ err: errorMessage(error), slug }, 'click could not be stored; redirect served anyway');
  };

  const serve = (request: IncomingMessage, response: ServerResponse, slug: string, link: Link | null | undefined): void => {
    if (!link || link.disabled) {
      stats.notFound++;
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : notFoundPage);
      return;
    }
    let stored: Promise<unknown>;
    try {
      stored = deps.ingestor.submit([clickFor(request, link)], { durable: options.durable });
    } catch (error) {
      stored = Promise.reject(error);
    }
    if (!options.durable) {
      stored.catch((error: unknown) => clickLost(error, slug));
      redirectTo(response, link);
      return;
    }
    stored.then(
      () => redirectTo(response, link),
      (error: unknown) => {
        clickLost(error, slug);
        redirectTo(response, link);
      },
    );
  };

  /**
   * Answers a redirect request. A link the cache holds is served without a promise of its own;
   * only a cache miss asks the store, and only then is there a promise (rejecting when the store
   * fails) for the caller to handle.
   */
  const handle = (request: IncomingMessage, response: ServerResponse, slug: string): Promise<void> | undefined => {
    const cached = deps.linkCache.cached(slug);
    if (cached !== undefined) {
      serve(request, response, slug, cached);
      return undefined;
    }
    return deps.linkCache.lookup(slug).then((link) => serve(request, response, slug, link));
  };

  return { handle, stats: (): RedirectStats => ({ ...stats }) };
}

export type RedirectHandler = ReturnType<typeof createRedirectHandler>;
