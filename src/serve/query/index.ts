// The query API over stream and batch (docs/query-api.md): link stats with finality on every
// bucket, breakdowns, account summaries, reconciliation, pipeline health, batch runs and alerts,
// the OpenAPI description and the Prometheus metrics. Registered on the API app by the composition,
// after `createApp`, so the app's /v1 authentication runs first.
import type { Hono } from 'hono';
import type { ServeEnv } from '../app-env.js';
import { requireOperator } from '../auth.js';
import { createServingMetrics } from '../metrics.js';
import type { ServingServices } from '../services.js';
import { registerAccountRoutes } from './account-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { principalOf } from './link-access.js';
import { openApiDocument } from './openapi.js';
import { createPipelineMonitor } from './pipeline-monitor.js';
import { registerReconciliationRoutes } from './reconciliation.js';
import { registerStatsRoutes } from './stats-routes.js';

export interface QueryRoutesOptions {
  /**
   * Who may read `/metrics`: `operator` (default: the operator token, as `Authorization: Bearer`)
   * or `open` (anyone who can reach the port: for a scraper on a trusted network only).
   * `/v1/metrics` always needs the operator token.
   */
  metricsAccess?: 'operator' | 'open';
}

export function registerQueryRoutes(app: Hono<ServeEnv>, services: ServingServices, options: QueryRoutesOptions = {}): void {
  const monitor = createPipelineMonitor(services);
  const metrics = createServingMetrics(services, monitor);
  const document = JSON.stringify(openApiDocument());

  registerStatsRoutes(app, services);
  registerAccountRoutes(app, services);
  registerReconciliationRoutes(app, services);
  registerHealthRoutes(app, services, monitor);

  const metricsResponse = async (): Promise<Response> => new Response(await metrics.render(), { headers: { 'content-type': metrics.contentType } });
  app.get('/v1/metrics', async (c) => {
    requireOperator(principalOf(c.get('principal')));
    return metricsResponse();
  });
  app.get('/metrics', async (c) => {
    if (options.metricsAccess === 'open') return metricsResponse();
    // Authenticated exactly as /v1 is: the request goes through the app's /v1 middleware.
    return app.fetch(new Request(new URL('/v1/metrics', c.req.url), { headers: c.req.raw.headers }));
  });
  app.get('/openapi.json', (c) => c.body(document, 200, { 'content-type': 'application/json; charset=utf-8' }));
}
