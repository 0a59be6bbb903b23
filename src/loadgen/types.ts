// The load generator's shapes: the world it invents, and the batches of events it generates.
// Events are kept in columns (typed arrays indexing into the world), not as objects: generating
// a million events a second leaves no room for an allocation per event. Renderers turn columns
// into import lines, NDJSON bodies or ClickEvents only where a target needs them.
import type { DeviceClass } from '../events/index.js';
import type { Account, AccountInput, Link, LinkInput, User, UserInput } from '../store/index.js';

export interface WorldAccount {
  /** The store's id once provisioned; until then a generated id of the same shape. */
  id: string;
  name: string;
  planId: string;
}

export interface WorldUser {
  id: string;
  accountIndex: number;
  email: string;
  name: string;
  /** IANA zone: the user's days (digest, per-day truth) are in it. */
  timeZone: string;
}

export interface WorldLink {
  id: string;
  slug: string;
  targetUrl: string;
  userIndex: number;
  accountIndex: number;
}

/** A user agent with the traits the server's classifier gives it. */
export interface Agent {
  userAgent: string;
  device: DeviceClass;
  browser: string;
  os: string;
  bot: boolean;
}

/** Who is behind an address: the truth's categories, in this order. */
export const visitorKinds = ['human', 'bot', 'fraud'] as const;
export type VisitorKind = (typeof visitorKinds)[number];
export const humanKind = 0;
export const botKind = 1;
export const fraudKind = 2;

/**
 * Every address that clicks, in one pool: people in [0, humans), then bots, then fraud. Columns
 * are indexed by visitor.
 */
export interface VisitorPool {
  readonly count: number;
  readonly humans: number;
  readonly bots: number;
  readonly fraud: number;
  /** Canonical address text. */
  readonly ip: readonly string[];
  /** ISO country code, or ''. */
  readonly country: readonly string[];
  /** Index into `World.agents`. */
  readonly agent: Uint16Array;
  /** 0 human, 1 bot, 2 fraud. */
  readonly kind: Uint8Array;
}

export interface World {
  /** Names accounts (`<prefix> account 3`), e-mails and slugs (`<prefix>-2s`). */
  readonly prefix: string;
  readonly accounts: WorldAccount[];
  readonly users: WorldUser[];
  /** Ordered by popularity: link 0 is the most clicked. */
  readonly links: WorldLink[];
  readonly agents: readonly Agent[];
  readonly referrers: readonly string[];
  readonly visitors: VisitorPool;
}

/** Flags of one generated event. */
export const eventFlags = {
  /** A re-send of an earlier event: same id, same fields. */
  duplicate: 1,
  /** Event time minutes to days before the send time. */
  late: 2,
  /** Event time a few seconds before the send time. */
  outOfOrder: 4,
  /** A HEAD request. */
  head: 8,
} as const;

/** Events in columns; index i of every column is event i of the batch, in send order. */
export interface GeneratedBatch {
  readonly size: number;
  /** When the event is due to be sent, ms since the epoch of event time: pacing follows it. */
  readonly scheduledMs: Float64Array;
  /** The event's time (whole ms); earlier than scheduled for late and out-of-order events. */
  readonly eventTimeMs: Float64Array;
  /** Event number in the run, which makes its id; a duplicate repeats its original's. */
  readonly serial: Float64Array;
  readonly link: Int32Array;
  readonly visitor: Int32Array;
  /** Index into `World.referrers`. */
  readonly referrer: Uint16Array;
  /** `eventFlags` bits. */
  readonly flags: Uint8Array;
}

/** Events of one batch that a target acknowledged; `eventTimeMs` when the server stamped the time. */
export interface AcknowledgedEvents {
  batch: GeneratedBatch;
  /** Indexes into the batch; undefined for all of it. */
  indexes: ArrayLike<number> | undefined;
  eventTimeMs?: number;
}

/** What one request (a POST, a GET, an append or a file write) came to, once settled. */
export interface RequestOutcome {
  /** Events the request carried. */
  events: number;
  /** Events acknowledged, duplicates included (the server drops those as such). */
  acknowledged: AcknowledgedEvents[];
  acknowledgedCount: number;
  /** Events lost for good: rejected lines, or all of a request that failed after its retries. */
  failed: number;
  /** Attempts after the first. */
  retries: number;
  /** Why the request failed for good, or why lines were rejected. */
  error?: string;
  /** The failure will repeat for every request (a refused key, a missing link): the run stops. */
  fatal?: boolean;
  /** The server's own counts, when it gives them (ingest, log): stored and dropped as duplicates. */
  serverAccepted?: number;
  serverDuplicates?: number;
}

export interface StartedRequest {
  events: number;
  outcome: Promise<RequestOutcome>;
}

export const targetNames = ['ingest', 'redirect', 'log', 'file'] as const;
export type TargetName = (typeof targetNames)[number];

/**
 * Where events go. The runner hands it generated batches and starts its queued requests, at most
 * a bound at once; a target turns batches into requests its own way (NDJSON bodies per account,
 * one GET per event, one append per batch, one write per batch).
 */
export interface LoadTarget {
  readonly name: TargetName;
  /** Takes a generated batch; its events become queued requests now or once enough is buffered. */
  accept(batch: GeneratedBatch): void;
  /** Queues what is buffered in partly filled requests. */
  flush(): void;
  readonly queuedRequests: number;
  /** Bytes of queued request bodies (0 when the target builds none ahead). */
  readonly queuedBytes: number;
  /**
   * Starts the oldest queued request (there must be one): how many events it carries, and its
   * outcome, which never rejects: failures are outcomes.
   */
  startNext(): StartedRequest;
  /** Releases connections and files once every request has settled. */
  close(): Promise<void>;
}

/** The calls that set up a world: the management API over HTTP, or a store opened directly. */
export interface WorldProvisioner {
  /** Every account (all pages). */
  listAccounts(): Promise<Account[]>;
  createAccount(input: AccountInput): Promise<Account>;
  listUsers(accountId: string): Promise<User[]>;
  createUser(input: UserInput): Promise<User>;
  listLinks(accountId: string): Promise<Link[]>;
  createLink(accountId: string, input: LinkInput): Promise<Link>;
}
