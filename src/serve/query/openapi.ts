// The OpenAPI 3.1 description of every endpoint the serving process answers: redirects and the
// ingest API (served straight from node:http), management, counters, fraud, the query API, health,
// metrics and the dashboard. Served at `GET /openapi.json`. Errors are one shape everywhere.
type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description: string;
  schema: Schema;
}

interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** `none`, `key` (any scope), `read`, `write`, `manage`, `operator`. */
  auth: 'none' | 'key' | 'read' | 'write' | 'manage' | 'operator';
  parameters?: Parameter[];
  body?: { contentType: string; schema: Schema; description?: string };
  ok?: { status: string; contentType: string; schema: Schema; description: string };
  errors?: string[];
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const string = (description?: string, extra: Schema = {}): Schema => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const integer = (description?: string): Schema => ({ type: 'integer', ...(description ? { description } : {}) });
const path = (name: string, description: string): Parameter => ({ name, in: 'path', required: true, description, schema: string() });
const query = (name: string, description: string, schema: Schema = string(), required = false): Parameter => ({ name, in: 'query', required, description, schema });
const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required });
const json = (schema: Schema, description = 'OK', status = '200') => ({ status, contentType: 'application/json', schema, description });

const instant = 'Epoch milliseconds, an ISO-8601 instant (2026-03-08T05:00:00Z, 2026-03-08T10:00+05:30), or a local date or date-time read in `tz` (2026-03-08).';
const accountIdParameter = query('accountId', 'The account, for the operator token (a key always acts on its own account).');
const tzParameter = query('tz', "An IANA time zone (default: the link owner's zone; UTC for accounts).");
const rangeParameters = [query('from', `Start, inclusive. ${instant}`, string(), true), query('to', `End, exclusive. ${instant}`, string(), true)];
const pageParameters = [query('limit', 'Items per page.', integer()), query('after', 'The `next` cursor of the previous page.')];

const counts = { total: integer(), human: integer(), bot: integer(), suspicious: integer() };

const schemas: Record<string, Schema> = {
  Error: object({ error: object({ code: string('Machine-readable, e.g. bad_request, unauthorized, forbidden, not_found, conflict'), message: string('What is wrong, naming the parameter'), field: string('The parameter at fault, for 400s about one') }, ['code', 'message']) }, ['error']),
  Account: object({ id: string(), name: string(), planId: string(), createdAtMs: integer(), disabled: { type: 'boolean' } }),
  User: object({ id: string(), accountId: string(), email: string(), name: string(), timeZone: string(), createdAtMs: integer(), disabled: { type: 'boolean' } }),
  Link: object({ id: string(), slug: string(), targetUrl: string(), userId: string(), accountId: string(), createdAtMs: integer(), updatedAtMs: integer(), disabled: { type: 'boolean' } }),
  ApiKey: object({ id: string(), accountId: string(), scope: string(undefined, { enum: ['read', 'write', 'manage'] }), label: string(), createdAtMs: integer(), revokedAtMs: { type: ['integer', 'null'] } }),
  Page: object({ items: { type: 'array', items: {} }, next: string('Pass as `after` for the next page; absent on the last page') }),
  Visitors: {
    description: 'Unique visitors: exact for a published UTC hour, a HyperLogLog estimate for an open hour the stream holds, bounds for longer buckets, unknown for minutes.',
    oneOf: [
      object({ kind: { const: 'exact' }, value: integer() }),
      object({ kind: { const: 'estimate' }, value: integer(), relativeStandardError: { type: 'number' } }),
      object({ kind: { const: 'bounds' }, min: integer(), max: integer() }),
      object({ kind: { const: 'unknown' } }),
    ],
  },
  StatsBucket: object({
    start: string('Local start with its offset, e.g. 2026-03-08T00:00:00-05:00'),
    startMs: integer(),
    endMs: integer(),
    ...counts,
    source: string('Where the slices came from', { enum: ['batch', 'stream', 'mixed', 'none'] }),
    finality: string('final (batch), corrected (batch after late data), provisional (any stream slice), incomplete (a slice neither layer has)', { enum: ['final', 'corrected', 'provisional', 'incomplete'] }),
    runIds: { type: 'array', items: integer() },
    slices: object({ batch: integer(), stream: integer(), missing: integer() }),
    visitors: ref('Visitors'),
  }),
  Stats: object({
    linkId: string(),
    interval: string(undefined, { enum: ['minute', 'hour', 'day'] }),
    timeZone: string(),
    from: string(),
    to: string(),
    fromMs: integer(),
    toMs: integer(),
    requested: object({ fromMs: integer(), toMs: integer() }),
    totals: object(counts),
    buckets: { type: 'array', items: ref('StatsBucket') },
    completeness: object({
      batch: object({ watermarkMs: { type: ['integer', 'null'], description: 'End of the newest published batch hour' }, watermark: { type: ['string', 'null'] }, latestRunId: { type: ['integer', 'null'] } }),
      stream: object({ watermarkMs: { type: ['integer', 'null'], description: "The stream's committed watermark" }, lagMs: { type: ['integer', 'null'] }, committedAtMs: { type: ['integer', 'null'] }, partitions: integer() }),
    }),
    generatedAtMs: integer(),
  }),
  Breakdown: object({ linkId: string(), dimension: string(), from: string(), to: string(), source: { const: 'batch' }, finality: string(), coverage: object({ hoursInRange: integer(), publishedHours: integer(), runIds: { type: 'array', items: integer() } }), rows: { type: 'array', items: object({ value: string(), ...counts }) } }),
  AccountSummary: object({ accountId: string(), from: string(), to: string(), finality: string(), coverage: object({ hoursInRange: integer(), publishedHours: integer() }), totals: object({ ...counts, duplicates: integer() }), topLinks: { type: 'array', items: object({ linkId: string(), ...counts, duplicates: integer() }) }, usage: object({ month: string(), total: integer(), billable: integer(), estimatedChargeMinor: { type: ['integer', 'null'] }, plan: {} }) }),
  Reconciliation: object({ from: string(), to: string(), summary: object({ hours: integer(), links: integer(), compared: integer(), matches: integer(), explained: integer(), drift: integer(), streamGone: integer(), alertsRaised: integer() }), hours: { type: 'array', items: object({ hour: string(), runId: integer(), version: integer(), late: object({ sealVersion: { type: ['integer', 'null'] }, lateFiles: integer(), lateRows: integer(), pendingLateRows: integer(), ledgerEvents: integer() }), links: { type: 'array', items: object({ linkId: string(), batch: object(counts), stream: {}, difference: { type: ['integer', 'null'] }, explanation: string(undefined, { enum: ['match', 'duplicates', 'late_pending', 'stream_behind', 'stream_gone', 'drift'] }) }) } }) } }),
  PipelineHealth: object({ status: string(undefined, { enum: ['ok', 'degraded'] }), throughput: {}, log: {}, streams: { type: 'array', items: {} }, lateClicks: {}, freshness: { type: 'array', items: object({ computation: string(), targetMs: integer(), allowanceMs: integer(), ageMs: { type: ['integer', 'null'] }, status: string(undefined, { enum: ['ok', 'late', 'unknown'] }) }) }, batch: {} }),
  BatchRun: object({ id: integer(), job: string(), partition: string(), status: string(), trigger: string(), attempts: integer(), queuedAtMs: integer(), startedAtMs: { type: ['integer', 'null'] }, finishedAtMs: { type: ['integer', 'null'] }, message: { type: ['string', 'null'] } }),
  BatchAlert: object({ id: integer(), atMs: integer(), job: string(), partition: string(), runId: { type: ['integer', 'null'] }, kind: string(), message: string() }),
  CounterReport: object({ linkId: string(), source: { const: 'provisional' }, total: integer(), split: {}, today: {}, lastHour: {}, distinctVisitors24h: {}, freshness: {} }),
  ImportResult: object({ accepted: integer(), duplicates: integer(), rejected: integer(), rejections: { type: 'array', items: object({ line: integer(), reason: string() }) } }),
};

const operations: Operation[] = [
  { method: 'get', path: '/{slug}', summary: 'Redirect a short link (302), recording the click', tag: 'redirect', auth: 'none', parameters: [path('slug', 'The short link')], ok: { status: '302', contentType: 'text/plain', schema: string(), description: 'Location: the target' }, errors: ['404'] },
  { method: 'post', path: '/v1/events', summary: 'Import clicks (NDJSON or a JSON array); valid lines are kept when others fail', tag: 'ingest', auth: 'write', body: { contentType: 'application/x-ndjson', schema: string('One click per line') }, ok: json(ref('ImportResult'), 'Every line accepted (207: some rejected)'), errors: ['400', '401', '403', '413', '503'] },
  { method: 'get', path: '/healthz', summary: 'Liveness', tag: 'operations', auth: 'none', ok: json(object({ status: string() })) },
  { method: 'get', path: '/readyz', summary: 'Readiness: 503 until every role has started', tag: 'operations', auth: 'none', ok: json(object({ status: string() })), errors: ['503'] },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (operator token, or open when the server is configured so)', tag: 'operations', auth: 'operator', ok: { status: '200', contentType: 'text/plain; version=0.0.4', schema: string(), description: 'Text exposition format' }, errors: ['401', '403'] },
  { method: 'get', path: '/v1/metrics', summary: 'Prometheus metrics (operator token)', tag: 'operations', auth: 'operator', ok: { status: '200', contentType: 'text/plain; version=0.0.4', schema: string(), description: 'Text exposition format' }, errors: ['401', '403'] },
  { method: 'get', path: '/openapi.json', summary: 'This description', tag: 'operations', auth: 'none', ok: json({ type: 'object' }) },
  { method: 'post', path: '/v1/accounts', summary: 'Create an account', tag: 'management', auth: 'operator', body: { contentType: 'application/json', schema: object({ name: string(), planId: string() }, ['name']) }, ok: json(ref('Account'), 'Created', '201'), errors: ['400', '401', '403'] },
  { method: 'get', path: '/v1/accounts', summary: 'List accounts', tag: 'management', auth: 'operator', parameters: pageParameters, ok: json(ref('Page')), errors: ['401', '403'] },
  { method: 'get', path: '/v1/account', summary: "The key's account", tag: 'management', auth: 'read', parameters: [accountIdParameter], ok: json(ref('Account')), errors: ['401', '403', '404'] },
  { method: 'post', path: '/v1/users', summary: 'Create a user', tag: 'management', auth: 'manage', body: { contentType: 'application/json', schema: object({ accountId: string(), email: string(), name: string(), timeZone: string() }, ['email']) }, ok: json(ref('User'), 'Created', '201'), errors: ['400', '401', '403', '409'] },
  { method: 'get', path: '/v1/users', summary: "List the account's users", tag: 'management', auth: 'read', parameters: [accountIdParameter, ...pageParameters], ok: json(ref('Page')), errors: ['401', '403'] },
  { method: 'patch', path: '/v1/users/{id}', summary: 'Change a user', tag: 'management', auth: 'manage', parameters: [path('id', 'User id')], body: { contentType: 'application/json', schema: object({ email: string(), name: string(), timeZone: string(), disabled: { type: 'boolean' } }) }, ok: json(ref('User')), errors: ['400', '401', '403', '404'] },
  { method: 'post', path: '/v1/links', summary: 'Create a short link', tag: 'management', auth: 'manage', body: { contentType: 'application/json', schema: object({ slug: string(), targetUrl: string(), userId: string() }, ['slug', 'targetUrl', 'userId']) }, ok: json(ref('Link'), 'Created', '201'), errors: ['400', '401', '403', '409'] },
  { method: 'get', path: '/v1/links', summary: "List the account's links", tag: 'management', auth: 'read', parameters: [accountIdParameter, query('userId', 'Only this user’s links'), ...pageParameters], ok: json(ref('Page')), errors: ['401', '403'] },
  { method: 'get', path: '/v1/links/{id}', summary: 'One link', tag: 'management', auth: 'read', parameters: [path('id', 'Link id'), accountIdParameter], ok: json(ref('Link')), errors: ['401', '403', '404'] },
  { method: 'patch', path: '/v1/links/{id}', summary: 'Change a link', tag: 'management', auth: 'manage', parameters: [path('id', 'Link id')], body: { contentType: 'application/json', schema: object({ slug: string(), targetUrl: string(), disabled: { type: 'boolean' } }) }, ok: json(ref('Link')), errors: ['400', '401', '403', '404', '409'] },
  { method: 'post', path: '/v1/keys', summary: 'Create an API key (the secret is shown once)', tag: 'management', auth: 'manage', body: { contentType: 'application/json', schema: object({ scope: string(undefined, { enum: ['read', 'write', 'manage'] }), label: string(), accountId: string() }, ['scope']) }, ok: json(ref('ApiKey'), 'Created', '201'), errors: ['400', '401', '403'] },
  { method: 'get', path: '/v1/keys', summary: "List the account's keys", tag: 'management', auth: 'manage', parameters: [accountIdParameter], ok: json(object({ items: { type: 'array', items: ref('ApiKey') } })), errors: ['401', '403'] },
  { method: 'delete', path: '/v1/keys/{id}', summary: 'Revoke a key', tag: 'management', auth: 'manage', parameters: [path('id', 'Key id'), accountIdParameter], ok: json(ref('ApiKey')), errors: ['401', '403', '404'] },
  { method: 'get', path: '/v1/dead-letters', summary: 'Rejected import lines with their reason', tag: 'management', auth: 'read', parameters: [accountIdParameter, query('limit', 'At most', integer()), query('beforeId', 'Older than this id', integer())], ok: json(object({ items: { type: 'array', items: {} } })), errors: ['401', '403'] },
  { method: 'get', path: '/v1/links/{id}/counters', summary: "A link's live counters (provisional, from the stream)", tag: 'counters', auth: 'read', parameters: [path('id', 'Link id'), accountIdParameter, tzParameter], ok: json(ref('CounterReport')), errors: ['400', '401', '403', '404'] },
  { method: 'get', path: '/v1/links/{id}/counters/stream', summary: 'The same as server-sent events, pushed after every commit that changed the link', tag: 'counters', auth: 'read', parameters: [path('id', 'Link id'), accountIdParameter, tzParameter], ok: { status: '200', contentType: 'text/event-stream', schema: string(), description: '`event: counters` with the report' }, errors: ['400', '401', '403', '404', '503'] },
  { method: 'get', path: '/v1/fraud/ips/{ip}', summary: "An address's fraud verdict (stream, provisional)", tag: 'fraud', auth: 'key', parameters: [path('ip', 'IPv4 or IPv6 address')], ok: json(object({ ip: string(), verdict: string(undefined, { enum: ['ok', 'suspicious', 'blocked'] }), reasons: { type: 'array', items: string() }, numbers: {} })), errors: ['400', '401'] },
  { method: 'get', path: '/v1/fraud/alerts', summary: 'Verdict changes as server-sent events', tag: 'fraud', auth: 'operator', ok: { status: '200', contentType: 'text/event-stream', schema: string(), description: 'Verdict changes' }, errors: ['401', '403', '404', '503'] },
  { method: 'get', path: '/v1/links/{id}/stats', summary: 'A time series over batch and stream, each bucket with its source and finality (JSON, or CSV by ?format=csv or Accept: text/csv)', tag: 'query', auth: 'read', parameters: [path('id', 'Link id'), ...rangeParameters, query('interval', 'Bucket size (default hour); at most 1,440 minutes, 2,160 hours or 400 days', string(undefined, { enum: ['minute', 'hour', 'day'] })), tzParameter, query('format', 'json (default) or csv', string(undefined, { enum: ['json', 'csv'] })), accountIdParameter], ok: json(ref('Stats')), errors: ['400', '401', '403', '404'] },
  { method: 'get', path: '/v1/links/{id}/breakdown', summary: "A link's clicks by country, referrer host, device or class (batch)", tag: 'query', auth: 'read', parameters: [path('id', 'Link id'), query('dimension', 'What to break down by', string(undefined, { enum: ['country', 'referrer', 'device', 'class'] }), true), ...rangeParameters, tzParameter, query('limit', 'Rows, 1 to 200 (default 20)', integer()), accountIdParameter], ok: json(ref('Breakdown')), errors: ['400', '401', '403', '404'] },
  { method: 'get', path: '/v1/accounts/{id}/summary', summary: "An account's totals and top links (batch), and this month's usage against its plan", tag: 'query', auth: 'read', parameters: [path('id', 'Account id (a key may name only its own)'), ...rangeParameters, tzParameter, query('limit', 'Top links, 1 to 100 (default 10)', integer())], ok: json(ref('AccountSummary')), errors: ['400', '401', '403', '404'] },
  { method: 'get', path: '/v1/reconciliation', summary: 'Per published hour and link: batch against stream, the difference and what explains it; drift raises an alert', tag: 'query', auth: 'operator', parameters: [...rangeParameters, tzParameter, query('detail', 'differences (default) or all', string(undefined, { enum: ['differences', 'all'] }))], ok: json(ref('Reconciliation')), errors: ['400', '401', '403'] },
  { method: 'get', path: '/v1/pipeline/health', summary: 'Throughput, lag, watermarks, checkpoints, late clicks, freshness of the four computations, batch jobs, runs and alerts', tag: 'operations', auth: 'key', ok: json(ref('PipelineHealth')), errors: ['401'] },
  { method: 'get', path: '/v1/batch/runs', summary: 'Batch runs, newest first', tag: 'operations', auth: 'key', parameters: [query('job', 'Job name'), query('status', 'Run status', string(undefined, { enum: ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped'] })), query('partition', 'Partition id'), query('limit', '1 to 200 (default 50)', integer()), query('beforeId', 'Older than this run', integer())], ok: json(object({ items: { type: 'array', items: ref('BatchRun') }, next: { type: ['integer', 'null'] } })), errors: ['400', '401'] },
  { method: 'get', path: '/v1/batch/alerts', summary: 'Batch alerts, newest first (reconciliation details for the operator only)', tag: 'operations', auth: 'key', parameters: [query('job', 'Job name'), query('limit', '1 to 200 (default 50)', integer()), query('beforeId', 'Older than this alert', integer())], ok: json(object({ items: { type: 'array', items: ref('BatchAlert') }, next: { type: ['integer', 'null'] } })), errors: ['400', '401'] },
  { method: 'get', path: '/v1/dashboard/pipeline', summary: "The dashboard's pipeline page data", tag: 'dashboard', auth: 'key', ok: json({ type: 'object' }), errors: ['401'] },
  { method: 'get', path: '/v1/dashboard/account', summary: "The dashboard's account page data", tag: 'dashboard', auth: 'read', parameters: [accountIdParameter], ok: json({ type: 'object' }), errors: ['401', '403'] },
  { method: 'get', path: '/dashboard', summary: 'The dashboard (HTML)', tag: 'dashboard', auth: 'none', ok: { status: '200', contentType: 'text/html', schema: string(), description: 'The page' } },
  { method: 'get', path: '/dashboard/{path}', summary: "The dashboard's pages (HTML)", tag: 'dashboard', auth: 'none', parameters: [path('path', 'A page of the dashboard')], ok: { status: '200', contentType: 'text/html', schema: string(), description: 'The page' } },
  { method: 'get', path: '/dashboard/assets/{name}', summary: "The dashboard's scripts and styles", tag: 'dashboard', auth: 'none', parameters: [path('name', 'Asset file name')], ok: { status: '200', contentType: 'application/octet-stream', schema: string(), description: 'The asset' }, errors: ['404'] },
];

const errorText: Record<string, string> = {
  '400': 'Bad request: the message names the parameter',
  '401': 'No key, or an unknown or revoked one',
  '403': 'The key lacks the scope, or the operator token must name an account',
  '404': 'Not found (also for another account’s resources)',
  '409': 'Conflict',
  '413': 'Body too large',
  '503': 'Busy or a dependency is unavailable; retry',
};

const securityOf = (auth: Operation['auth']) => (auth === 'none' ? [] : [{ bearer: [] }]);

function operationObject(operation: Operation) {
  const responses: Record<string, unknown> = {};
  const ok = operation.ok ?? json({});
  responses[ok.status] = { description: ok.description, content: { [ok.contentType]: { schema: ok.schema } } };
  for (const status of operation.errors ?? []) responses[status] = { description: errorText[status] ?? 'Error', content: { 'application/json': { schema: ref('Error') } } };
  return {
    summary: operation.summary,
    tags: [operation.tag],
    description: `Authentication: ${operation.auth === 'none' ? 'none' : operation.auth === 'key' ? 'any valid key' : operation.auth === 'operator' ? 'the operator token' : `a ${operation.auth} key (or the operator token naming accountId)`}.`,
    operationId: `${operation.method}${operation.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`,
    security: securityOf(operation.auth),
    ...(operation.parameters ? { parameters: operation.parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { [operation.body.contentType]: { schema: operation.body.schema } } } } : {}),
    responses,
  };
}

/** The OpenAPI document, built once. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) (paths[operation.path] ??= {})[operation.method] = operationObject(operation);
  return {
    openapi: '3.1.0',
    info: { title: 'clickflow', version: '1', description: 'Click analytics for URL shorteners. Every number says whether it is provisional (stream), final (batch) or corrected (batch after late data). Errors: `{"error":{"code","message",...}}`.' },
    servers: [{ url: '/' }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (cf_read_…, cf_write_…, cf_manage_…) or the operator token' } } },
    paths,
  };
}

/** `/v1/links/:id` → `/v1/links/{id}`; a trailing `*` becomes `{path}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');
}
