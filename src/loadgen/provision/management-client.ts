// JSON calls to the management API with the operator token. An error answer becomes a
// LoadgenRequestError carrying the server's own message, which names the field at fault.
import { LoadgenRequestError } from '../errors.js';
import { createHttpClient, type HttpClient } from '../targets/http-client.js';

export interface ManagementClient {
  call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Record<string, unknown>): Promise<T>;
  close(): void;
}

export function createManagementClient(options: { url: string; operatorToken: string; timeoutMs: number }): ManagementClient {
  const client: HttpClient = createHttpClient(options.url, { sockets: 16, timeoutMs: options.timeoutMs });
  return {
    async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Record<string, unknown>): Promise<T> {
      const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = { authorization: `Bearer ${options.operatorToken}`, ...(bytes ? { 'content-type': 'application/json', 'content-length': bytes.length } : {}) };
      const answer = await client.send({ method, path, headers, body: bytes });
      const text = answer.body.toString('utf8');
      if (answer.status >= 300) {
        let message = text.slice(0, 500);
        try {
          message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
        } catch {
          // Not JSON: keep the text.
        }
        throw new LoadgenRequestError(`${method} ${path} answered ${answer.status}: ${message}`, answer.status);
      }
      return JSON.parse(text) as T;
    },
    close: () => client.close(),
  };
}
