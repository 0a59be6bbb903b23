// Proves secrets carry their scope and key id, parse back, never throw on junk, and match only
// their own hash.
import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret, parseSecret, secretMatchesHash } from './api-key-secret.js';
import { isIdOf, newId } from './ids.js';

describe('api key secrets', () => {
  it('round-trips scope and key id and matches only its own hash', () => {
    const keyId = newId('apiKey');
    expect(isIdOf('apiKey', keyId)).toBe(true);
    const secret = newSecret('manage', keyId);
    expect(parseSecret(secret)).toEqual({ scope: 'manage', keyId });
    const hash = hashSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatchesHash(secret, hash)).toBe(true);
    expect(secretMatchesHash(newSecret('manage', keyId), hash)).toBe(false);
    expect(secretMatchesHash(secret, 'not hex')).toBe(false);
  });

  it('returns undefined for anything malformed', () => {
    for (const junk of [undefined, null, 42, {}, '', 'cf_', 'cf_admin_0000000000000000_' + '0'.repeat(32), 'cf_read_000000000000000I_' + '0'.repeat(32)]) {
      expect(parseSecret(junk)).toBeUndefined();
    }
  });

  it('makes distinct ids with the right prefix', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => newId('link')));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(isIdOf('link', id) && !isIdOf('user', id)).toBe(true);
  });
});
