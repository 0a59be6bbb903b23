// GET /:slug, one request per event, with the headers a browser or a bot would send. The server
// stamps the event time and makes the id itself, so duplicates, late and out-of-order events
// cannot be expressed here (the CLI refuses them); the truth books each click at the moment its
// request was sent. The visitor's address goes in X-Forwarded-For and the country in a header:
// the server believes them only when told to (CLICKFLOW_TRUSTED_PROXIES, CLICKFLOW_COUNTRY_HEADER).
import type { OutgoingHttpHeaders } from 'node:http';
import type { Clock } from '../../core/index.js';
import { errorMessage } from '../../core/index.js';
import { eventFlags, type GeneratedBatch, type LoadTarget, type RequestOutcome, type World } from '../types.js';
import { createHttpClient } from './http-client.js';

export interface RedirectTargetOptions {
  url: string;
  /** Sockets kept open: the most requests in flight. */
  connections: number;
  requestTimeoutMs: number;
  /** Header carrying the visitor's country, e.g. `cf-ipcountry`; '' sends none. */
  countryHeader: string;
}

/** Rough bytes of one queued request, so the runner's prebuild bound also bounds this queue. */
const requestBytesEstimate = 400;

const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

export function createRedirectTarget(deps: { clock: Clock; world: World }, options: RedirectTargetOptions): LoadTarget {
  const { clock, world } = deps;
  const client = createHttpClient(options.url, { sockets: options.connections, timeoutMs: options.requestTimeoutMs });
  const paths = world.links.map((link) => `/${link.slug}`);
  const batches: GeneratedBatch[] = [];
  let cursor = 0;
  let queued = 0;

  const headersOf = (batch: GeneratedBatch, index: number): OutgoingHttpHeaders => {
    const visitor = batch.visitor[index]!;
    const agent = world.agents[world.visitors.agent[visitor]!]!;
    const headers: OutgoingHttpHeaders = { 'user-agent': agent.userAgent, 'x-forwarded-for': world.visitors.ip[visitor]!, accept: agent.bot ? '*/*' : browserAccept };
    const referrer = world.referrers[batch.referrer[index]!]!;
    if (referrer !== '') headers.referer = referrer;
    const country = world.visitors.country[visitor]!;
    if (options.countryHeader !== '' && country !== '') headers[options.countryHeader] = country;
    return headers;
  };

  const send = async (batch: GeneratedBatch, index: number): Promise<RequestOutcome> => {
    const sentAtMs = clock.nowMs();
    const method = (batch.flags[index]! & eventFlags.head) !== 0 ? 'HEAD' : 'GET';
    const path = paths[batch.link[index]!]!;
    try {
      const answer = await client.send({ method, path, headers: headersOf(batch, index) });
      if (answer.status === 302) return { events: 1, acknowledged: [{ batch, indexes: [index], eventTimeMs: sentAtMs }], acknowledgedCount: 1, failed: 0, retries: 0 };
      // A 404 means the world is not on this server: every other request would fail the same way.
      return { events: 1, acknowledged: [], acknowledgedCount: 0, failed: 1, retries: 0, error: `${method} ${path} answered ${answer.status}`, fatal: answer.status === 404 };
    } catch (error) {
      return { events: 1, acknowledged: [], acknowledgedCount: 0, failed: 1, retries: 0, error: errorMessage(error) };
    }
  };

  return {
    name: 'redirect',
    accept(batch) {
      batches.push(batch);
      queued += batch.size;
    },
    flush: () => undefined,
    get queuedRequests() {
      return queued;
    },
    get queuedBytes() {
      return queued * requestBytesEstimate;
    },
    startNext() {
      const batch = batches[0]!;
      const index = cursor++;
      if (cursor === batch.size) {
        batches.shift();
        cursor = 0;
      }
      queued--;
      return { events: 1, outcome: send(batch, index) };
    },
    async close() {
      client.close();
    },
  };
}
