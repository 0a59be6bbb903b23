// Prefixed random ids (`acc_`, `usr_`, `lnk_`, `key_`): the prefix says what an id names, in logs
// and support tickets; 16 Crockford base32 characters are 80 random bits, so ids never collide in
// practice and reveal neither count nor creation order.
import { randomBytes } from 'node:crypto';

/** Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U. */
export const crockfordAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const idPrefixes = { account: 'acc_', user: 'usr_', link: 'lnk_', apiKey: 'key_' } as const;
export type IdKind = keyof typeof idPrefixes;

export const idRandomLength = 16;

/** `length` characters of Crockford base32 from the crypto random source. */
export function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let text = '';
  // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
  for (const byte of bytes) text += crockfordAlphabet[byte & 31];
  return text;
}

export function newId(kind: IdKind): string {
  return idPrefixes[kind] + randomBase32(idRandomLength);
}

const idPattern = new RegExp(`^(acc|usr|lnk|key)_[${crockfordAlphabet}]{${idRandomLength}}$`);

/** True when `id` has the shape of an id of `kind`. */
export function isIdOf(kind: IdKind, id: string): boolean {
  return idPattern.test(id) && id.startsWith(idPrefixes[kind]);
}
