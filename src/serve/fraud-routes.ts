// The fraud API: `GET /v1/fraud/ips/:ip` answers an address's verdict from the serving process's
// memory (one map lookup), and `GET /v1/fraud/alerts` streams verdict changes as server-sent
// events. Verdicts are about visitor addresses, not tenant data: any authenticated key may look one
// up (the redirect path and every tenant's tooling need them). The feed lists the addresses of
// every tenant's visitors as they turn suspicious, so it is for the operator token only.
import type { Hono } from 'hono';
import { ipKey, networkPrefix, normalizeIp } from '../events/index.js';
import { reasonNamesOf, verdictName, type FraudNumbers } from '../jobs/fraud/index.js';
import type { ServeEnv } from './app-env.js';
import { requireOperator, type Principal } from './auth.js';
import type { FraudAlertHub } from './fraud-alerts.js';
import { numbersOfEntry, type VerdictTable } from './fraud-verdict-table.js';
import { badRequest, notFound, unauthorized } from './http-error.js';

export interface FraudRoutesDeps {
  table: VerdictTable;
  /** Without it, `GET /v1/fraud/alerts` answers 404. */
  alerts?: FraudAlertHub;
}

const scope = 'Verdicts are about visitor addresses, not tenant data; they come from the stream (provisional).';

function principalOf(principal: Principal | undefined): Principal {
  // The app's /v1 middleware sets it; a mount without that middleware must not answer.
  if (principal === undefined) throw unauthorized();
  return principal;
}

function describeNumbers(ip: string, numbers: FraudNumbers) {
  return {
    clicks10s: numbers.clicks10s,
    clicks60s: numbers.clicks60s,
    bucketClicks: numbers.bucketClicks,
    zScore: Math.round(numbers.zScore * 100) / 100,
    baseline: { mean: Math.round(numbers.baselineMean * 1_000) / 1_000, deviation: Math.round(numbers.baselineDeviation * 1_000) / 1_000 },
    network: { prefix: networkPrefix(ip), clicks10s: numbers.network10s, clicks60s: numbers.network60s },
    heavyHitter:
      numbers.heavyEstimate > 0
        ? { estimate: numbers.heavyEstimate, error: numbers.heavyError, rank: numbers.heavyRank > 0 ? numbers.heavyRank : null, periodClicks: numbers.periodClicks, periodStart: new Date(numbers.periodStartMs).toISOString() }
        : null,
  };
}

export function registerFraudRoutes(app: Hono<ServeEnv>, deps: FraudRoutesDeps): void {
  app.get('/v1/fraud/ips/:ip', (c) => {
    principalOf(c.get('principal'));
    const text = c.req.param('ip');
    const key = ipKey(text);
    if (key === undefined) throw badRequest(`${JSON.stringify(text.slice(0, 64))} is not an IPv4 or IPv6 address`, { field: 'ip' });
    const ip = normalizeIp(text)!;
    const entry = deps.table.get(key);
    if (entry === undefined) {
      return c.json({ ip, verdict: 'ok', reasons: [], numbers: null, lastClick: null, source: 'stream', note: `No recent clicks from this address were seen. ${scope}` });
    }
    const numbers = numbersOfEntry(entry);
    return c.json({
      ip,
      verdict: verdictName(numbers.verdict),
      reasons: reasonNamesOf(numbers.reasons),
      numbers: describeNumbers(ip, numbers),
      lastClick: new Date(numbers.lastClickMs).toISOString(),
      updated: new Date(entry.updatedAtMs).toISOString(),
      source: 'stream',
      note: scope,
    });
  });

  app.get('/v1/fraud/alerts', (c) => {
    requireOperator(principalOf(c.get('principal')));
    if (deps.alerts === undefined) throw notFound('the fraud alert feed');
    const stream = deps.alerts.open();
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
    });
  });
}
