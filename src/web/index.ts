// The dashboard, served by `clickflow start` under /dashboard. Registered on the API app by the
// composition.
import type { Hono } from 'hono';
import type { ServeEnv } from '../serve/app-env.js';
import type { ServingServices } from '../serve/services.js';

export function registerDashboard(app: Hono<ServeEnv>, services: ServingServices): void {
  void app;
  void services;
}
