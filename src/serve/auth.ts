// Authentication: API keys of an account (scopes write, read, manage) and the operator token that
// creates accounts. Verified keys are cached for at most `cacheTtlMs`, so a revoked key stops
// working within that time without a store query on every request.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/index.js';
import { LruCache } from '../core/index.js';
import type { ApiKey, Scope, Store } from '../store/index.js';
import { forbidden, unauthorized } from './http-error.js';

/** Who is calling: an operator (all accounts) or one account's key. */
export type Principal = { kind: 'operator' } | { kind: 'key'; key: ApiKey };

export interface Authenticator {
  /** The principal for an `Authorization` header value; throws 401 when it is missing or wrong. */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export function createAuthenticator(
  deps: { store: Store; clock: Clock },
  options: { operatorToken: string; cacheTtlMs: number; cacheEntries: number },
): Authenticator {
  const operatorHash = sha256(options.operatorToken);
  const cache = new LruCache<string, { key: ApiKey | undefined; untilMs: number }>(options.cacheEntries);

  const verifyKey = async (secret: string): Promise<ApiKey | undefined> => {
    const cached = cache.get(secret);
    const nowMs = deps.clock.nowMs();
    if (cached && cached.untilMs > nowMs) return cached.key;
    const key = await deps.store.apiKeys.verify(secret);
    cache.set(secret, { key, untilMs: nowMs + options.cacheTtlMs });
    return key;
  };

  return {
    async authenticate(authorization) {
      const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
      if (!match) throw unauthorized();
      const secret = match[1]!;
      if (options.operatorToken.length > 0 && timingSafeEqual(sha256(secret), operatorHash)) return { kind: 'operator' };
      const key = await verifyKey(secret);
      if (!key) throw unauthorized('the API key is unknown or revoked');
      return { kind: 'key', key };
    },
  };
}

/** Which scopes satisfy a need: `manage` keys may also read; nothing but `write` may ingest. */
const satisfies: Record<Scope, readonly Scope[]> = {
  write: ['write'],
  read: ['read', 'manage'],
  manage: ['manage'],
};

/**
 * The account the principal may act on for `scope`. Operators may act on any account they name;
 * a key only on its own, and a key naming another account is refused exactly as a missing one
 * would be, so ids of other tenants cannot be probed.
 */
export function accountFor(principal: Principal, scope: Scope, requestedAccountId?: string): string {
  if (principal.kind === 'operator') {
    if (!requestedAccountId) throw forbidden('the operator token must name an account (accountId)');
    return requestedAccountId;
  }
  const { key } = principal;
  if (!satisfies[scope].includes(key.scope)) {
    throw forbidden(`this is a ${key.scope} key; this request needs a ${scope} key`);
  }
  return key.accountId;
}

export function requireOperator(principal: Principal): void {
  if (principal.kind !== 'operator') throw forbidden('only the operator token may do this');
}
