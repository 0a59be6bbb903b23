// A day's digest numbers for every user, kept as the columns the queries returned (strings and
// unboxed numbers, no object per row) with each user's rows found by a counting sort. A user's
// DigestNumbers are made when asked for, one user at a time, so a run over 100,000 links does not
// hold (and the garbage collector does not move) half a million small objects.
import type { DigestLinkNumbers, DigestNumbers, DigestTopEntry } from './digest-report.js';

export interface DigestDay {
  /** Users with a digest, numbered 0.. in user id order. */
  readonly users: number;
  /** The user's numbers: links busiest first, each top list most clicks first, ties by value. */
  numbers(index: number): DigestNumbers;
}

/** Busiest first (all classes), then by link id. */
function byActivity(a: DigestLinkNumbers, b: DigestLinkNumbers): number {
  const difference = b.human + b.bot + b.suspicious - (a.human + a.bot + a.suspicious);
  if (difference !== 0) return difference;
  if (a.beforeHuman !== b.beforeHuman) return b.beforeHuman - a.beforeHuman;
  return a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0;
}

/** Most clicks first, ties by value (the order the SQL picked them in). */
function byClicks(a: DigestTopEntry, b: DigestTopEntry): number {
  return b.clicks - a.clicks || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

/** Row numbers grouped by user: rows of user `u` are `order[start[u]] .. order[start[u + 1] - 1]`. */
function rowsByUser(userIndexes: readonly number[], users: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(users + 1);
  for (const user of userIndexes) start[user + 1]!++;
  for (let user = 0; user < users; user++) start[user + 1]! += start[user]!;
  const next = start.slice(0, users);
  const order = new Int32Array(userIndexes.length);
  userIndexes.forEach((user, row) => (order[next[user]!++] = row));
  return { start, order };
}

const dimensionNames = ['country', 'referrer', 'device'] as const;

/**
 * `users`: (account_id, user_id) by user index; `links`: the columns of digest-links.sql;
 * `top`: the columns of digest-top.sql.
 */
export function digestDayColumns(users: unknown[][], links: unknown[][], top: unknown[][]): DigestDay {
  const [accountIds, userIds] = users as [string[], string[]];
  const [linkUsers, linkIds, humans, bots, suspicious, duplicates, visitors, beforeHumans, beforeFlagged] = links as [number[], string[], number[], number[], number[], number[], number[], number[], number[]];
  const [topUsers, dimensions, values, clicks] = top as [number[], number[], string[], number[]];
  const linkRows = rowsByUser(linkUsers, userIds.length);
  const topRows = rowsByUser(topUsers, userIds.length);
  return {
    users: userIds.length,
    numbers(index) {
      const numbers: DigestNumbers = {
        accountId: accountIds[index]!,
        userId: userIds[index]!,
        links: [],
        totals: { human: 0, bot: 0, suspicious: 0, duplicates: 0, beforeHuman: 0, beforeFlagged: 0 },
        top: { country: [], referrer: [], device: [] },
      };
      const totals = numbers.totals;
      for (let at = linkRows.start[index]!; at < linkRows.start[index + 1]!; at++) {
        const row = linkRows.order[at]!;
        const link = { linkId: linkIds[row]!, human: humans[row]!, bot: bots[row]!, suspicious: suspicious[row]!, visitors: visitors[row]!, beforeHuman: beforeHumans[row]! };
        numbers.links.push(link);
        totals.human += link.human;
        totals.bot += link.bot;
        totals.suspicious += link.suspicious;
        totals.duplicates += duplicates[row]!;
        totals.beforeHuman += link.beforeHuman;
        totals.beforeFlagged += beforeFlagged[row]!;
      }
      for (let at = topRows.start[index]!; at < topRows.start[index + 1]!; at++) {
        const row = topRows.order[at]!;
        numbers.top[dimensionNames[dimensions[row]!]!].push({ value: values[row]!, clicks: clicks[row]! });
      }
      numbers.links.sort(byActivity);
      for (const name of dimensionNames) numbers.top[name].sort(byClicks);
      return numbers;
    },
  };
}
