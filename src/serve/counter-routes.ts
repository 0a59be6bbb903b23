// The counters API: `GET /v1/links/:id/counters` (a link's provisional counters) and
// `GET /v1/links/:id/counters/stream` (the same, live, as server-sent events). A read key of the
// link's account may ask; any other account's key gets 404, as for a link that does not exist.
// "Today" is in the link owner's time zone unless `?tz=` names another IANA zone.
import type { Hono } from 'hono';
import { limits, type Clock, type Logger } from '../core/index.js';
import { zoneCalendar, type ZoneCalendar } from '../jobs/counters/index.js';
import type { Link, Store } from '../store/index.js';
import type { ServeEnv } from './app-env.js';
import { accountFor } from './auth.js';
import { buildCounterReport, type CounterReport } from './counter-report.js';
import { createCounterStreams, type CounterStreamOptions } from './counter-stream.js';
import type { CounterViews } from './counter-views.js';
import { badRequest, notFound } from './http-error.js';

export interface CounterRoutesDeps {
  store: Store;
  /** Fed with every worker commit by the composition (`counterViews.applyCommitted(update)`). */
  counterViews: CounterViews;
  clock: Clock;
  logger: Logger;
}

const defaultStreamOptions: CounterStreamOptions = {
  clientsMax: limits.countersStreamClientsMax,
  coalesceMs: limits.countersStreamCoalesceMs,
  heartbeatMs: limits.countersStreamHeartbeatMs,
};

export function registerCounterRoutes(app: Hono<ServeEnv>, deps: CounterRoutesDeps, streamOptions: Partial<CounterStreamOptions> = {}): void {
  const streams = createCounterStreams(deps, { ...defaultStreamOptions, ...streamOptions });

  const calendarFor = async (accountId: string, link: Link, tz: string | undefined): Promise<ZoneCalendar> => {
    if (tz !== undefined) {
      const calendar = zoneCalendar(tz);
      if (calendar === undefined) throw badRequest(`tz ${JSON.stringify(tz.slice(0, 80))} is not an IANA time zone such as Europe/Berlin or Asia/Kathmandu`, { field: 'tz' });
      return calendar;
    }
    const owner = await deps.store.users.get(accountId, link.userId);
    return zoneCalendar(owner?.timeZone ?? 'UTC') ?? zoneCalendar('UTC')!;
  };

  /** The link (404 for another account's) and a function building its report now. */
  const resolve = async (principal: ServeEnv['Variables']['principal'], linkId: string, query: (name: string) => string | undefined): Promise<() => Promise<CounterReport>> => {
    const accountId = accountFor(principal, 'read', query('accountId'));
    const link = await deps.store.links.get(accountId, linkId);
    if (!link) throw notFound('link');
    const calendar = await calendarFor(accountId, link, query('tz'));
    return async () => {
      const [rows, freshness] = await Promise.all([deps.counterViews.rows(link.id), deps.counterViews.freshness()]);
      return buildCounterReport(link.id, rows, calendar, freshness, deps.clock.nowMs());
    };
  };

  app.get('/v1/links/:id/counters', async (c) => {
    const report = await resolve(c.get('principal'), c.req.param('id'), (name) => c.req.query(name));
    return c.json(await report());
  });
  app.get('/v1/links/:id/counters/stream', async (c) => {
    const report = await resolve(c.get('principal'), c.req.param('id'), (name) => c.req.query(name));
    return streams.open(c, c.req.param('id'), report);
  });
}
