// The world written straight into a store (the log target, which has no HTTP server to ask).
import type { Page, Store } from '../../store/index.js';
import { limits } from '../../core/index.js';
import type { WorldProvisioner } from '../types.js';

async function listAll<T>(list: (options: { limit: number; after?: string }) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const page = await list(after === undefined ? { limit: limits.storeListMax } : { limit: limits.storeListMax, after });
    items.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return items;
}

export function createStoreProvisioner(store: Store): WorldProvisioner {
  return {
    listAccounts: () => listAll((options) => store.accounts.list(options)),
    createAccount: (input) => store.accounts.create(input),
    listUsers: (accountId) => listAll((options) => store.users.list(accountId, options)),
    createUser: (input) => store.users.create(input),
    listLinks: (accountId) => listAll((options) => store.links.list(accountId, options)),
    createLink: (accountId, input) => store.links.create(accountId, input),
  };
}
