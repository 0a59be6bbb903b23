// The world through the management API (POST /v1/accounts, /v1/users, /v1/links, /v1/keys) with
// the operator token, and a write key per account for the ingest target, revoked after the run.
import type { Account, Link, Page, User } from '../../store/index.js';
import type { World, WorldProvisioner } from '../types.js';
import { forEachConcurrent } from './concurrency.js';
import type { ManagementClient } from './management-client.js';

const pageLimit = 1000;

async function listAll<T>(client: ManagementClient, path: string): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await client.call<Page<T>>('GET', `${path}${separator}limit=${pageLimit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return items;
}

export function createHttpProvisioner(client: ManagementClient): WorldProvisioner {
  const query = (accountId: string) => `accountId=${encodeURIComponent(accountId)}`;
  return {
    listAccounts: () => listAll<Account>(client, '/v1/accounts'),
    createAccount: (input) => client.call<Account>('POST', '/v1/accounts', { ...input }),
    listUsers: (accountId) => listAll<User>(client, `/v1/users?${query(accountId)}`),
    createUser: (input) => client.call<User>('POST', '/v1/users', { accountId: input.accountId, email: input.email, name: input.name ?? '', timeZone: input.timeZone }),
    listLinks: (accountId) => listAll<Link>(client, `/v1/links?${query(accountId)}`),
    createLink: (accountId, input) => client.call<Link>('POST', '/v1/links', { accountId, ...input }),
  };
}

export interface WriteKeys {
  /** The secret of each account's key, by account index. */
  secrets: string[];
  revoke(): Promise<void>;
}

/** A fresh write key per account, labelled so an operator can tell it from real keys. */
export async function createWriteKeys(client: ManagementClient, world: World, label: string): Promise<WriteKeys> {
  const keys: { id: string; secret: string; accountId: string }[] = new Array(world.accounts.length);
  await forEachConcurrent(world.accounts, 8, async (account, index) => {
    const created = await client.call<{ id: string; secret: string }>('POST', '/v1/keys', { accountId: account.id, scope: 'write', label });
    keys[index] = { id: created.id, secret: created.secret, accountId: account.id };
  });
  return {
    secrets: keys.map((key) => key.secret),
    revoke: () =>
      forEachConcurrent(keys, 8, async (key) => {
        await client.call('DELETE', `/v1/keys/${encodeURIComponent(key.id)}?accountId=${encodeURIComponent(key.accountId)}`);
      }),
  };
}
