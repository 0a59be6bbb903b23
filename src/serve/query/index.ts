// The query API over stream and batch (issue: serving layer): link stats with finality, account
// totals, reconciliation, OpenAPI, metrics. Registered on the API app by the composition.
import type { Hono } from 'hono';
import type { ServeEnv } from '../app-env.js';
import type { ServingServices } from '../services.js';

export function registerQueryRoutes(app: Hono<ServeEnv>, services: ServingServices): void {
  void app;
  void services;
}
