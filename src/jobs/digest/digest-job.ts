// The daily digest job (docs/digest.md): partition = a local day D (`YYYY-MM-DD`), the same date
// in every user's time zone; reads the daily rollup's zone files of D and D-1 (each user's local
// day, docs/rollups.md); mails each user
// with clicks on D once, and a short correction when a re-run finds the numbers materially changed.
//
// Each (user, day, version) is recorded in the store's digest ledger as an intent (`pending`)
// before the message leaves and marked `sent` after. A crash between the two leaves a pending
// intent: the next run renders it again from the numbers stored with it (the same bytes, the same
// Message-ID) and sends it again: at least once per version, and receivers can drop the duplicate
// by its Message-ID. The outbox's file of a version has a fixed name, so there it is exactly once.
import { combineHashes, dayPartitions, previousPartition, type JobDefinition, type JobRunContext, type JobRunResult } from '../../orchestrator/index.js';
import type { Account, DigestLedgerEntry, Store, User } from '../../store/index.js';
import { ExternalError, InternalError } from '../../core/index.js';
import { dailyRollupJobName } from '../rollups/index.js';
import { dailyFilePath } from './daily-inputs.js';
import { buildReport, isMaterialChange, reportedClicks, type DigestMessageInput, type DigestReport } from './digest-content.js';
import { buildDigestMessage } from './digest-message.js';
import { readDigestNumbers, type DigestNumbers } from './digest-report.js';
import { outboxDelivery, smtpDelivery, type DigestDelivery } from './digest-transport.js';
import { digestLimits, parseDigestOptions, type DigestOptions, type DigestOptionsInput } from './options.js';

export interface DigestJobDeps {
  store: Store;
}

/** What one run did, user by user (also logged). */
export interface DigestRunCounts {
  users: number;
  sent: number;
  corrections: number;
  resent: number;
  unchanged: number;
  skipped: number;
}

export const digestJobName = 'digest';

/** The daily rollup job this one reads (docs/rollups.md). */
export const digestUpstreamJob = dailyRollupJobName;

export function digestJob(deps: DigestJobDeps, input: DigestOptionsInput): JobDefinition {
  const options = parseDigestOptions(input);
  return {
    name: digestJobName,
    description: "each user's links yesterday (their time zone), mailed once; corrections after late data",
    partitions: dayPartitions,
    schedule: { cron: options.schedule },
    upstream: [{
      job: digestUpstreamJob,
      partitions: (day) => [previousPartition(dayPartitions, day), day],
      dependents: (day) => [day, dayPartitions.next(day)],
    }],
    // SMTP trouble is worth a few patient retries; a rejected message is not (it is not retryable).
    retry: { retries: 3, initialDelayMs: 60_000, maxDelayMs: 15 * 60_000 },
    run: (context) => runDigest(deps, options, context),
  };
}

interface Lookups {
  accounts: Map<string, Account | undefined>;
}

async function recipient(store: Store, lookups: Lookups, numbers: DigestNumbers): Promise<User | undefined> {
  if (!lookups.accounts.has(numbers.accountId)) lookups.accounts.set(numbers.accountId, await store.accounts.get(numbers.accountId));
  const account = lookups.accounts.get(numbers.accountId);
  if (!account || account.disabled) return undefined;
  const user = await store.users.get(numbers.accountId, numbers.userId);
  return user && !user.disabled ? user : undefined;
}

async function slugsOf(store: Store, accountId: string, linkIds: readonly string[]): Promise<Map<string, string>> {
  const slugs = new Map<string, string>();
  for (const id of linkIds) {
    const link = await store.links.get(accountId, id);
    if (link) slugs.set(id, link.slug);
  }
  return slugs;
}

async function runDigest(deps: DigestJobDeps, options: DigestOptions, context: JobRunContext): Promise<JobRunResult> {
  const day = context.partition;
  const before = previousPartition(dayPartitions, day);
  const files = {
    today: dailyFilePath(context.upstream, options.dataDir, day, 'zone-links.parquet'),
    breakdowns: dailyFilePath(context.upstream, options.dataDir, day, 'zone-breakdowns.parquet'),
    before: dailyFilePath(context.upstream, options.dataDir, before, 'zone-links.parquet'),
  };
  const everyone = await readDigestNumbers(files, { top: options.topEntries, threads: options.duckdbThreads, memoryMib: options.duckdbMemoryMib });
  if (everyone.users > digestLimits.usersPerRunMax) throw new InternalError(`${everyone.users} users to mail for ${day}; at most ${digestLimits.usersPerRunMax} per run`);
  const delivery = options.smtpHost === undefined ? outboxDelivery(options.dataDir) : smtpDelivery(options);
  const counts: DigestRunCounts = { users: everyone.users, sent: 0, corrections: 0, resent: 0, unchanged: 0, skipped: 0 };
  const hashes: string[] = [];
  const lookups: Lookups = { accounts: new Map() };
  try {
    for (let index = 0; index < everyone.users; index++) {
      context.signal.throwIfAborted();
      const numbers = everyone.numbers(index);
      const user = await recipient(deps.store, lookups, numbers);
      if (!user) {
        counts.skipped++;
        continue;
      }
      const slugs = await slugsOf(deps.store, numbers.accountId, numbers.links.slice(0, options.linksPerDigest).map((link) => link.linkId));
      const report = buildReport(day, user, numbers, slugs, options.linksPerDigest);
      const settled = await settleUser(deps.store, options, delivery, context, user, report, counts);
      hashes.push(`${user.id} v${settled.version} ${settled.contentHash}`);
    }
  } finally {
    delivery.close();
  }
  context.logger.info({ day, ...counts }, 'digests settled');
  return {
    outputHash: combineHashes(['digest', day, ...hashes]),
    outputs: [{ location: delivery.kind === 'outbox' ? `${options.dataDir}/outbox/${day}` : `smtp://${options.smtpHost}:${options.smtpPort}`, rows: hashes.length }],
  };
}

/**
 * Brings one user's ledger for the day up to date: resends an interrupted version, then sends the
 * digest (version 1) or a correction (the next version) when the numbers changed materially.
 */
async function settleUser(
  store: Store,
  options: DigestOptions,
  delivery: DigestDelivery,
  context: JobRunContext,
  user: User,
  report: DigestReport,
  counts: DigestRunCounts,
): Promise<{ version: number; contentHash: string }> {
  let latest = await store.digests.latest(user.id, report.day);
  if (latest?.status === 'pending') {
    latest = await send(store, options, delivery, context, user, JSON.parse(latest.reportJson) as DigestMessageInput, latest);
    counts.resent++;
  }
  let next: DigestMessageInput;
  if (!latest) {
    next = { kind: 'digest', version: 1, report };
  } else {
    const sent = (JSON.parse(latest.reportJson) as DigestMessageInput).report;
    if (!isMaterialChange(sent, report, { clicksMin: options.correctionClicksMin, fraction: options.correctionFraction })) {
      counts.unchanged++;
      return { version: latest.version, contentHash: latest.contentHash };
    }
    next = { kind: 'correction', version: latest.version + 1, report, previous: sent };
  }
  const done = await send(store, options, delivery, context, user, next, undefined);
  if (next.kind === 'digest') counts.sent++;
  else counts.corrections++;
  return { version: done.version, contentHash: done.contentHash };
}

/** Intent (unless resuming one), delivery, then `sent`. */
async function send(
  store: Store,
  options: DigestOptions,
  delivery: DigestDelivery,
  context: JobRunContext,
  user: User,
  input: DigestMessageInput,
  pending: DigestLedgerEntry | undefined,
): Promise<DigestLedgerEntry> {
  const message = await buildDigestMessage(input, { email: user.email, name: user.name }, options.from);
  if (pending && pending.contentHash !== message.contentHash) {
    // The user's address or name changed since the intent: the numbers are the same, the bytes are not.
    context.logger.warn({ userId: user.id, day: input.report.day, version: input.version }, 'an interrupted digest is sent again with changed recipient headers');
  }
  if (!pending) {
    await store.digests.recordIntent({
      userId: user.id,
      accountId: user.accountId,
      day: input.report.day,
      version: input.version,
      kind: input.kind,
      createdAtMs: context.clock.nowMs(),
      contentHash: message.contentHash,
      transport: delivery.kind,
      messageId: message.messageId,
      clicks: reportedClicks(input.report),
      reportJson: JSON.stringify(input),
    });
  }
  let location: string;
  try {
    location = await delivery.deliver({ raw: message.raw, messageId: message.messageId, to: user.email, userId: user.id, day: input.report.day, version: input.version }, context.signal);
  } catch (error) {
    if (error instanceof ExternalError) throw error;
    throw new ExternalError(`delivering the digest of ${user.id} for ${input.report.day} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return store.digests.markSent(user.id, input.report.day, input.version, { sentAtMs: context.clock.nowMs(), location });
}
