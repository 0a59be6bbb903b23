// A keep-alive HTTP client for the hot targets: node:http with a bounded socket pool, so each
// request reuses a connection and the client's cost per request stays small. Every failure is a
// LoadgenRequestError: status 0 when no answer came (refused, reset, timed out).
import http from 'node:http';
import https from 'node:https';
import { errorMessage } from '../../core/index.js';
import { LoadgenRequestError } from '../errors.js';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  path: string;
  headers: http.OutgoingHttpHeaders;
  body?: Buffer;
}

export interface HttpClient {
  readonly baseUrl: URL;
  /** Sends one request; resolves with any status, rejects only when no answer came. */
  send(request: HttpRequest): Promise<HttpAnswer>;
  close(): void;
}

export function createHttpClient(baseUrl: string, options: { sockets: number; timeoutMs: number }): HttpClient {
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  const agent = new (secure ? https : http).Agent({ keepAlive: true, maxSockets: options.sockets, maxFreeSockets: options.sockets });
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const send = (request: HttpRequest): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const outgoing = (secure ? https : http).request(
        { agent, hostname, port, method: request.method, path: request.path, headers: request.headers, timeout: options.timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', (error) => reject(new LoadgenRequestError(`${request.method} ${request.path}: the answer broke off (${errorMessage(error)})`, 0, { cause: error })));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
      outgoing.on('error', (error) => reject(new LoadgenRequestError(`${request.method} ${url.origin}${request.path}: ${errorMessage(error)}`, 0, { cause: error })));
      outgoing.end(request.body);
    });
  return { baseUrl: url, send, close: () => agent.destroy() };
}
