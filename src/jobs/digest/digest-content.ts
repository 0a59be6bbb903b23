// What one message says, as plain data: the report of a user's day (numbers, link slugs, top
// lists) and, for a correction, the report sent before. The ledger stores it as JSON so that a
// message interrupted by a crash is rendered again to the same bytes.
import type { DigestLinkNumbers, DigestNumbers, DigestTopEntry } from './digest-report.js';

export interface DigestLinkLine extends DigestLinkNumbers {
  /** The short link's path ('' when the link is gone from the store: its id is shown). */
  slug: string;
}

export interface DigestReport {
  day: string;
  userId: string;
  accountId: string;
  userName: string;
  timeZone: string;
  totals: DigestNumbers['totals'];
  /** The busiest links, at most `linksPerDigest`. */
  links: DigestLinkLine[];
  /** The other links, summed; null when every link is listed. */
  otherLinks: { count: number; human: number; bot: number; suspicious: number; beforeHuman: number } | null;
  top: { country: DigestTopEntry[]; referrer: DigestTopEntry[]; device: DigestTopEntry[] };
}

export interface DigestMessageInput {
  kind: 'digest' | 'correction';
  version: number;
  report: DigestReport;
  /** For a correction: the report of the version before. */
  previous?: DigestReport;
}

/** Builds the report: the first `linksMax` links listed with their slugs, the rest summed. */
export function buildReport(
  day: string,
  user: { id: string; name: string; timeZone: string },
  numbers: DigestNumbers,
  slugs: ReadonlyMap<string, string>,
  linksMax: number,
): DigestReport {
  const listed = numbers.links.slice(0, linksMax);
  const rest = numbers.links.slice(linksMax);
  const otherLinks = rest.length === 0
    ? null
    : rest.reduce((sum, link) => ({ count: sum.count + 1, human: sum.human + link.human, bot: sum.bot + link.bot, suspicious: sum.suspicious + link.suspicious, beforeHuman: sum.beforeHuman + link.beforeHuman }),
      { count: 0, human: 0, bot: 0, suspicious: 0, beforeHuman: 0 });
  return {
    day,
    userId: user.id,
    accountId: numbers.accountId,
    userName: user.name,
    timeZone: user.timeZone,
    totals: { ...numbers.totals },
    links: listed.map((link) => ({ ...link, slug: slugs.get(link.linkId) ?? '' })),
    otherLinks,
    top: numbers.top,
  };
}

/** Clicks the report counts, every class. */
export function reportedClicks(report: DigestReport): number {
  return report.totals.human + report.totals.bot + report.totals.suspicious;
}

export interface CountChange {
  /** `human clicks`, `suspicious clicks`, `bot clicks`, or `/slug` (human clicks of one link). */
  label: string;
  before: number;
  after: number;
}

function linkLabel(link: DigestLinkLine): string {
  return link.slug === '' ? link.linkId : `/${link.slug}`;
}

/** Every count that differs between two reports of one day: the totals, then each link's human clicks. */
export function countChanges(before: DigestReport, after: DigestReport): CountChange[] {
  const changes: CountChange[] = [];
  const push = (label: string, a: number, b: number) => {
    if (a !== b) changes.push({ label, before: a, after: b });
  };
  push('human clicks', before.totals.human, after.totals.human);
  push('suspicious clicks', before.totals.suspicious, after.totals.suspicious);
  push('bot clicks', before.totals.bot, after.totals.bot);
  const old = new Map(before.links.map((link) => [link.linkId, link]));
  const seen = new Set<string>();
  for (const link of after.links) {
    seen.add(link.linkId);
    push(linkLabel(link), old.get(link.linkId)?.human ?? 0, link.human);
  }
  for (const link of before.links) if (!seen.has(link.linkId)) push(linkLabel(link), link.human, after.links.find((l) => l.linkId === link.linkId)?.human ?? 0);
  return changes;
}

/**
 * Whether a re-computed report differs materially from the one sent: some count (a total or a
 * link's human clicks) moved by at least `clicksMin` clicks and by at least `fraction` of what
 * was sent (docs/digest.md).
 */
export function isMaterialChange(before: DigestReport, after: DigestReport, rule: { clicksMin: number; fraction: number }): boolean {
  return countChanges(before, after).some((change) => {
    const delta = Math.abs(change.after - change.before);
    return delta >= rule.clicksMin && delta >= rule.fraction * change.before;
  });
}
