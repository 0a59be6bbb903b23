// The HTTP server. Two hot paths are served straight from node:http: redirects (GET/HEAD of a
// one-segment path) and the ingest API (POST /v1/events), where a framework's per-request
// translation would cost a large share of the time budget. Everything else goes to the Hono app.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '../core/index.js';
import { errorMessage } from '../core/index.js';
import type { ServeEnv } from './app-env.js';
import { errorResponse } from './http-error.js';
import type { RedirectHandler } from './redirect.js';

export interface RawHandler {
  (request: http.IncomingMessage, response: http.ServerResponse): Promise<void>;
}

export interface ServerDeps {
  app: Hono<ServeEnv>;
  redirect: RedirectHandler;
  ingest: RawHandler;
  logger: Logger;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Paths of one segment that belong to the app, not to short links. */
const appPaths = new Set(['healthz', 'readyz', 'metrics', 'dashboard', 'openapi.json', 'favicon.ico', 'robots.txt']);

/** The slug of a redirect request, or undefined when the path is not a short link. */
export function slugOf(url: string | undefined): string | undefined {
  if (!url || url.charCodeAt(0) !== 47 /* / */) return undefined;
  const end = url.indexOf('?');
  const path = end === -1 ? url.slice(1) : url.slice(1, end);
  if (path.length === 0 || path.includes('/') || appPaths.has(path)) return undefined;
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(path) ? path : undefined;
}

export function sendError(response: http.ServerResponse, error: unknown, logger: Logger): void {
  const { status, body } = errorResponse(error);
  if (status >= 500) logger.error({ err: errorMessage(error) }, 'request failed');
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function createRequestListener(deps: ServerDeps): http.RequestListener {
  const appListener = getRequestListener(deps.app.fetch);
  return (request, response) => {
    const method = request.method;
    if (method === 'GET' || method === 'HEAD') {
      const slug = slugOf(request.url);
      if (slug !== undefined) {
        deps.redirect.handle(request, response, slug)?.catch((error: unknown) => sendError(response, error, deps.logger));
        return;
      }
    } else if (method === 'POST' && (request.url === '/v1/events' || request.url?.startsWith('/v1/events?'))) {
      deps.ingest(request, response).catch((error: unknown) => sendError(response, error, deps.logger));
      return;
    }
    void appListener(request, response);
  };
}

export async function startServer(deps: ServerDeps, options: { port: number; host: string }): Promise<RunningServer> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, createRequestListener(deps));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
