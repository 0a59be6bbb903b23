// The query API over stream and batch (docs/query-api.md): link stats with finality on every
// bucket, breakdowns, account summaries, reconciliation, pipeline health, batch runs and alerts,
// the OpenAPI description and the Prometheus metrics. Registered on the API app by the composition,
// after `createApp`, so the app's /v1 authentication runs first.
import type { Hono } from 'hono';
import type { ServeEnv } from '../app-env.js';
import type { ServingServices } from '../services.js';
import { registerStatsRoutes } from './stats-routes.js';

export function registerQueryRoutes(app: Hono<ServeEnv>, services: ServingServices): void {
  registerStatsRoutes(app, services);
}
