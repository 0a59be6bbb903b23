// One request with retries: a refused connection, a timeout, 429 or a 5xx is tried again with
// backoff (safe, since events carry ids and the server drops repeats); anything else is final.
import { isRetryable, retry, type Clock } from '../../core/index.js';
import { LoadgenRequestError } from '../errors.js';
import type { HttpAnswer, HttpClient, HttpRequest } from './http-client.js';

export interface RetriedAnswer {
  answer: HttpAnswer;
  retries: number;
}

export async function sendWithRetries(client: HttpClient, request: HttpRequest, deps: { clock: Clock }, retries: number): Promise<RetriedAnswer> {
  let attempts = 0;
  const answer = await retry(
    async () => {
      attempts++;
      const answer = await client.send(request);
      if (answer.status === 429 || answer.status >= 500) {
        throw new LoadgenRequestError(`${request.method} ${request.path}: ${answer.status} ${answer.body.toString('utf8', 0, 300)}`, answer.status);
      }
      return answer;
    },
    deps.clock,
    { retries, initialDelayMs: 100, maxDelayMs: 5_000 },
    isRetryable,
  );
  return { answer, retries: attempts - 1 };
}
