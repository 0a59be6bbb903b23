// API key secrets: `cf_<scope>_<key id without prefix>_<32 random base32 characters>`. The key id
// inside lets verification find the row by primary key; only sha256(secret) is stored, and hashes
// are compared in constant time. 160 random bits make guessing hopeless, so a fast hash suffices
// (a slow password hash would only slow down every API request).
import { createHash, timingSafeEqual } from 'node:crypto';
import { crockfordAlphabet, idPrefixes, idRandomLength, randomBase32 } from './ids.js';
import { scopes, type Scope } from './types.js';

export const secretRandomLength = 32;

const secretPattern = new RegExp(
  `^cf_(${scopes.join('|')})_([${crockfordAlphabet}]{${idRandomLength}})_([${crockfordAlphabet}]{${secretRandomLength}})$`,
);

export function newSecret(scope: Scope, keyId: string): string {
  return `cf_${scope}_${keyId.slice(idPrefixes.apiKey.length)}_${randomBase32(secretRandomLength)}`;
}

/** The scope and key id a secret names, or undefined for anything malformed (never throws). */
export function parseSecret(secret: unknown): { scope: Scope; keyId: string } | undefined {
  if (typeof secret !== 'string' || secret.length > 128) return undefined;
  const match = secretPattern.exec(secret);
  if (!match) return undefined;
  return { scope: match[1] as Scope, keyId: idPrefixes.apiKey + match[2]! };
}

/** Lower-case hex of sha256(secret), the only form in which a secret is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares the hash of `secret` with a stored hash in constant time. */
export function secretMatchesHash(secret: string, storedHashHex: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHashHex, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
