// The serve layer's public names: the HTTP serving role and its pieces that other roles reuse.
export { createServing } from './serving.js';
export type { Serving, ServingConfig, ServingDeps } from './serving.js';
export { createApp } from './app.js';
export type { AppDeps, AppOptions } from './app.js';
export { createAuthenticator } from './auth.js';
export type { Authenticator, Principal } from './auth.js';
export { HttpError, errorResponse } from './http-error.js';
export { createLinkCache } from './link-cache.js';
export type { LinkCache, LinkCacheOptions } from './link-cache.js';
export { createCounterViews } from './counter-views.js';
export type { CounterViews, CounterViewsOptions, CounterFreshness, LinkCounterRows } from './counter-views.js';
export { registerCounterRoutes } from './counter-routes.js';
export type { CounterRoutesDeps } from './counter-routes.js';
export type { CounterReport } from './counter-report.js';
export type { CounterStreamOptions } from './counter-stream.js';
