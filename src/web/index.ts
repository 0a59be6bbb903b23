// The dashboard, served by `clickflow start` under /dashboard: one HTML page, its CSS and browser
// modules, and uPlot. The page signs in with a key kept in the browser's session storage and reads
// the JSON API (`/v1/...`) with it; no page or asset holds tenant data. Registered on the API app
// by the composition.
import type { Context, Hono } from 'hono';
import type { ServeEnv } from '../serve/app-env.js';
import type { ServingServices } from '../serve/services.js';
import { loadAssets, type Asset } from './assets.js';
import { registerDashboardData } from './dashboard-data.js';

export { loadAssets, assetsFolder } from './assets.js';
export type { Asset } from './assets.js';

/**
 * Scripts and styles from this origin only; the API is on the same origin. Inline style
 * attributes are allowed because uPlot sizes its elements with them.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function send(c: Context<ServeEnv>, asset: Asset): Response {
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    etag: asset.etag,
    // Revalidated on every load: a new build is seen at once, an unchanged file costs a 304.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (asset.contentType.startsWith('text/html')) {
    headers['content-security-policy'] = contentSecurityPolicy;
    headers['x-frame-options'] = 'DENY';
  }
  if (c.req.header('if-none-match') === asset.etag) return new Response(null, { status: 304, headers });
  return new Response(c.req.method === 'HEAD' ? null : asset.body, { status: 200, headers });
}

export function registerDashboard(app: Hono<ServeEnv>, services: ServingServices): void {
  const assets = loadAssets();
  const page = assets.get('index.html');
  if (page === undefined) throw new Error("the dashboard's index.html is missing");

  app.get('/dashboard/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (asset === undefined || asset.name === 'index.html') return c.json({ error: { code: 'not_found', message: `${c.req.path} not found` } }, 404);
    return send(c, asset);
  });
  // The page routes in the URL's fragment (#/links/…), so every other path under /dashboard is the page.
  app.get('/dashboard', (c) => send(c, page));
  app.get('/dashboard/*', (c) => send(c, page));

  registerDashboardData(app, services);
}
