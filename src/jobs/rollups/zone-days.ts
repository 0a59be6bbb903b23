// Each user's day in their own time zone, as UTC bounds: the users are those with clicks in the
// hours a day reads, their zones come from the store. A user the store no longer knows counts in
// UTC (and is logged). The zone map's hash is the run's input lineage: a user who changes zone
// changes the day's output, so it must change the recorded inputs too.
import { combineHashes, zonedDayPartitions, type PartitionBounds, type PartitionKind } from '../../orchestrator/index.js';
import type { Logger } from '../../core/index.js';
import type { Store } from '../../store/index.js';

export interface UserDay {
  userId: string;
  accountId: string;
  timeZone: string;
  bounds: PartitionBounds;
}

export interface ZoneMap {
  days: UserDay[];
  /** `sha256:` over the sorted (user, account, zone) lines. */
  hash: string;
  /** Users not found in the store (counted in UTC). */
  unknown: number;
}

export async function userDays(store: Store, logger: Logger, day: string, users: readonly { userId: string; accountId: string }[]): Promise<ZoneMap> {
  const kinds = new Map<string, PartitionKind>();
  const days: UserDay[] = [];
  let unknown = 0;
  const sorted = [...users].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  for (const { userId, accountId } of sorted) {
    const user = await store.users.get(accountId, userId);
    if (user === undefined) unknown++;
    const timeZone = user?.timeZone ?? 'UTC';
    let kind = kinds.get(timeZone);
    if (kind === undefined) {
      kind = zonedDayPartitions(timeZone);
      kinds.set(timeZone, kind);
    }
    days.push({ userId, accountId, timeZone, bounds: kind.bounds(day) });
  }
  if (unknown > 0) logger.warn({ day, unknown }, 'users not in the store: their clicks count in UTC days');
  return { days, unknown, hash: combineHashes(days.flatMap((entry) => [entry.userId, entry.accountId, entry.timeZone])) };
}
