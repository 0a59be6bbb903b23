// The dashboard's side of the JSON API: the signed-in key (session storage, so it leaves with the
// tab), requests with `Authorization: Bearer`, and server-sent events read with fetch(): the
// browser's EventSource cannot send that header, and the counter and alert streams need it.
/* global fetch, sessionStorage, TextDecoder, AbortController, setTimeout, clearTimeout, window */

const keyName = 'clickflow.key';
const sessionName = 'clickflow.session';

/** An error answer of the API, with its status, code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** `{ kind: 'key' | 'operator', accountId, accountName }`, or null when signed out. */
export function currentSession() {
  const key = sessionStorage.getItem(keyName);
  const text = sessionStorage.getItem(sessionName);
  if (!key || !text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function saveSession(key, session) {
  sessionStorage.setItem(keyName, key);
  sessionStorage.setItem(sessionName, JSON.stringify(session));
}

export function updateSession(patch) {
  const session = currentSession();
  if (session) sessionStorage.setItem(sessionName, JSON.stringify({ ...session, ...patch }));
}

export function signOut() {
  sessionStorage.removeItem(keyName);
  sessionStorage.removeItem(sessionName);
}

/** Adds `accountId` for the operator token, which must name the account it looks at. */
export function scoped(path, extra = {}) {
  const session = currentSession();
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(extra)) if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  if (session?.kind === 'operator' && session.accountId) url.searchParams.set('accountId', session.accountId);
  return url.pathname + url.search;
}

async function errorOf(response) {
  let code = 'http_' + response.status;
  let message = `the server answered ${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body?.error?.message) message = body.error.message;
    if (body?.error?.code) code = body.error.code;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}

/** GET a JSON document with the given key (default: the signed-in one). Throws ApiError. */
export async function getJson(path, { key, signal } = {}) {
  const secret = key ?? sessionStorage.getItem(keyName);
  const response = await fetch(path, { headers: { authorization: `Bearer ${secret}`, accept: 'application/json' }, signal, cache: 'no-store' });
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

/** Like getJson, but null when the server has no such endpoint or resource (404). */
export async function getOptional(path, options) {
  try {
    return await getJson(path, options);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Splits SSE text into events; returns the text after the last complete event. */
function parseEvents(buffer, onEvent, state) {
  const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data = [];
    let id;
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) state.retryMs = Number(value);
    }
    if (data.length > 0) onEvent({ event, data: data.join('\n'), id });
  }
  return rest;
}

/**
 * Reads a server-sent event stream with the signed-in key, reconnecting after a dropped
 * connection (the server's `retry`, doubling up to 30 s). `onStatus('live' | 'reconnecting' |
 * 'error', detail)`. An answer of 401, 403 or 404 stops it: retrying would not help. Returns a
 * function that closes it.
 */
export function openEventStream(path, { onEvent, onStatus = () => undefined }) {
  const controller = new AbortController();
  const state = { retryMs: 2_000, failures: 0 };
  let timer;
  const connect = async () => {
    try {
      const response = await fetch(path, {
        headers: { authorization: `Bearer ${sessionStorage.getItem(keyName)}`, accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!response.ok) {
        const error = await errorOf(response);
        if ([401, 403, 404].includes(response.status)) {
          onStatus('error', error);
          return;
        }
        throw error;
      }
      onStatus('live');
      state.failures = 0;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), onEvent, state);
      }
      throw new Error('the stream ended');
    } catch (error) {
      if (controller.signal.aborted) return;
      state.failures++;
      onStatus('reconnecting', error);
      timer = setTimeout(connect, Math.min(30_000, state.retryMs * 2 ** Math.min(state.failures - 1, 4)));
    }
  };
  void connect();
  return () => {
    clearTimeout(timer);
    controller.abort();
  };
}
