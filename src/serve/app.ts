// The API application (Hono): authentication, the management routes, health, and the one error
// handler that turns every thrown error into a status and the JSON error shape.
import { Hono } from 'hono';
import type { Logger } from '../core/index.js';
import { errorMessage } from '../core/index.js';
import type { Store } from '../store/index.js';
import type { ServeEnv } from './app-env.js';
import type { Authenticator } from './auth.js';
import { errorResponse, notFound } from './http-error.js';
import { registerManagementRoutes } from './management-routes.js';

export interface AppDeps {
  store: Store;
  authenticator: Authenticator;
  logger: Logger;
  /** Readiness: true once every role has started. */
  isReady: () => boolean;
}

export interface AppOptions {
  /** Largest JSON body of a management request, in bytes. */
  managementBodyBytesMax: number;
}

const publicPaths = new Set(['/healthz', '/readyz']);

export function createApp(deps: AppDeps, options: AppOptions): Hono<ServeEnv> {
  const app = new Hono<ServeEnv>();

  app.onError((error, c) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) deps.logger.error({ err: errorMessage(error), path: c.req.path }, 'request failed');
    return c.json(body, status as 400);
  });
  app.notFound((c) => {
    const { status, body } = errorResponse(notFound(`${c.req.method} ${c.req.path}`));
    return c.json(body, status as 404);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (deps.isReady() ? c.json({ status: 'ready' }) : c.json({ status: 'starting' }, 503)));

  app.use('/v1/*', async (c, next) => {
    if (!publicPaths.has(c.req.path)) c.set('principal', await deps.authenticator.authenticate(c.req.header('authorization')));
    await next();
  });
  registerManagementRoutes(app, deps.store, options.managementBodyBytesMax);
  return app;
}
