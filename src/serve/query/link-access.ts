// Which link a request may read: a read (or manage) key reads its own account's links only, and a
// link of another account is answered 404 exactly as a link that does not exist; the operator
// token reads any, naming its account with `accountId` (as on every account-scoped route).
import type { Link, Store } from '../../store/index.js';
import type { Principal } from '../auth.js';
import { accountFor } from '../auth.js';
import { notFound, unauthorized } from '../http-error.js';

export function principalOf(principal: Principal | undefined): Principal {
  // The app's /v1 middleware sets it; a mount without that middleware must not answer.
  if (principal === undefined) throw unauthorized();
  return principal;
}

export async function readableLink(store: Store, principal: Principal | undefined, linkId: string, accountId: string | undefined): Promise<Link> {
  const account = accountFor(principalOf(principal), 'read', accountId);
  const link = await store.links.get(account, linkId);
  if (!link) throw notFound('link');
  return link;
}

/** The link owner's time zone (UTC when the user is gone). */
export async function ownerZone(store: Store, link: Link): Promise<string> {
  return (await store.users.get(link.accountId, link.userId))?.timeZone ?? 'UTC';
}
