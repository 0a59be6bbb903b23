// The Store contract: the serving store for accounts, users, links, API keys, plans and the
// dead-letter table (and, as later layers land, stream checkpoints, views, batch runs and invoices).
// Backends: SQLite (embedded default, src/store/sqlite) and PostgreSQL (scale-out). One
// conformance suite (src/store/conformance.ts) runs against every backend.
//
// Every method is async so that both backends fit; every list is bounded (`limit`, at most
// `limits.storeListMax`) and paged by an opaque cursor. Reads that a tenant makes go through
// account-scoped methods that take the account id, so a key of one account can never reach
// another account's rows.

export type Scope = 'write' | 'read' | 'manage';
export const scopes: readonly Scope[] = ['write', 'read', 'manage'];

/** A price tier: clicks up to `upToClicks` (cumulative within the month; null = no upper bound). */
export interface PlanTier {
  upToClicks: number | null;
  /** Price per 1,000 billable clicks in this tier, in minor units of the plan's currency. */
  pricePerThousandMinor: number;
}

export interface Plan {
  id: string;
  name: string;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
  /** Fixed monthly fee in minor units. */
  monthlyFeeMinor: number;
  /** Ascending by `upToClicks`; the last tier has `upToClicks: null`. */
  tiers: PlanTier[];
}

export interface Account {
  id: string;
  name: string;
  planId: string;
  createdAtMs: number;
  disabled: boolean;
}

export interface User {
  id: string;
  accountId: string;
  email: string;
  name: string;
  /** IANA time zone, e.g. `Europe/Berlin`: the user's "today" and "yesterday" are in it. */
  timeZone: string;
  createdAtMs: number;
  disabled: boolean;
}

export interface Link {
  id: string;
  /** Unique across all accounts; the path of the short link. */
  slug: string;
  targetUrl: string;
  userId: string;
  accountId: string;
  createdAtMs: number;
  /** Changes on every update; redirect caches poll for rows changed since their last look. */
  updatedAtMs: number;
  disabled: boolean;
}

export interface ApiKey {
  id: string;
  accountId: string;
  scope: Scope;
  label: string;
  createdAtMs: number;
  revokedAtMs: number | null;
}

export interface DeadLetter {
  id: number;
  receivedAtMs: number;
  accountId: string | null;
  /** Where the line came from, e.g. `ingest`. */
  source: string;
  /** 1-based line number within its request. */
  line: number;
  reason: string;
  /** The rejected input, cut to `limits.deadLetterPayloadBytesMax`. */
  payload: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; absent on the last page. */
  next?: string;
}

export interface ListOptions {
  limit?: number;
  after?: string;
}

export interface AccountInput {
  name: string;
  planId: string;
}
export interface UserInput {
  accountId: string;
  email: string;
  name?: string;
  timeZone: string;
}
export interface LinkInput {
  slug: string;
  targetUrl: string;
  userId: string;
}

export interface AccountRepository {
  create(input: AccountInput): Promise<Account>;
  get(id: string): Promise<Account | undefined>;
  list(options?: ListOptions): Promise<Page<Account>>;
  update(id: string, patch: Partial<AccountInput> & { disabled?: boolean }): Promise<Account>;
}

export interface UserRepository {
  create(input: UserInput): Promise<User>;
  /** The user when it belongs to `accountId`, else undefined. */
  get(accountId: string, id: string): Promise<User | undefined>;
  list(accountId: string, options?: ListOptions): Promise<Page<User>>;
  update(accountId: string, id: string, patch: Partial<Omit<UserInput, 'accountId'>> & { disabled?: boolean }): Promise<User>;
}

export interface LinkRepository {
  /** The link's account is its user's account. */
  create(accountId: string, input: LinkInput): Promise<Link>;
  get(accountId: string, id: string): Promise<Link | undefined>;
  /** For the redirect path, across accounts; disabled links are returned too (the caller decides). */
  getBySlug(slug: string): Promise<Link | undefined>;
  list(accountId: string, options?: ListOptions & { userId?: string }): Promise<Page<Link>>;
  update(accountId: string, id: string, patch: Partial<Omit<LinkInput, 'userId'>> & { disabled?: boolean }): Promise<Link>;
  /**
   * Links updated at or after `sinceMs`, ordered by (updatedAtMs, id), for cache refresh; at most
   * `limit` (1..limits.storeListMax). More than `limit` links can share one timestamp, so to page
   * on, pass the last link's `updatedAtMs` and `id`: with `afterId`, links at exactly `sinceMs`
   * are returned only when their id sorts after it.
   */
  changedSince(sinceMs: number, limit: number, afterId?: string): Promise<Link[]>;
}

export interface CreatedApiKey {
  key: ApiKey;
  /** The secret, shown once; only its hash is stored. */
  secret: string;
}

export interface ApiKeyRepository {
  create(accountId: string, scope: Scope, label: string): Promise<CreatedApiKey>;
  /**
   * The key a secret belongs to, when it exists, is not revoked and its account is not disabled.
   * A malformed secret gives undefined; it never throws for bad input.
   */
  verify(secret: string): Promise<ApiKey | undefined>;
  /**
   * The account's keys, unrevoked first, then newest first; at most `limits.storeListMax`
   * (unrevoked keys are bounded by `limits.apiKeysActivePerAccountMax`, so all of them fit).
   */
  list(accountId: string): Promise<ApiKey[]>;
  revoke(accountId: string, id: string): Promise<ApiKey>;
}

export interface PlanRepository {
  list(): Promise<Plan[]>;
  get(id: string): Promise<Plan | undefined>;
  /** Creates or replaces a plan. */
  put(plan: Plan): Promise<Plan>;
}

export interface DeadLetterRepository {
  /** Stores rejected lines; beyond `limits.deadLettersMax` rows the oldest are removed. */
  add(entries: Omit<DeadLetter, 'id'>[]): Promise<void>;
  /** Newest first; `accountId` restricts to one account. */
  list(options: { accountId?: string; limit?: number; beforeId?: number }): Promise<DeadLetter[]>;
  /**
   * Removes entries received before the instant `receivedBeforeMs` (epoch ms, not an age: pass
   * `clock.nowMs() - retentionMs`); returns how many.
   */
  prune(receivedBeforeMs: number): Promise<number>;
  count(accountId?: string): Promise<number>;
}

export interface MigrationReport {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
  current: number;
}

export interface Store {
  /** `sqlite` or `postgres`. */
  readonly kind: string;
  readonly accounts: AccountRepository;
  readonly users: UserRepository;
  readonly links: LinkRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly plans: PlanRepository;
  readonly deadLetters: DeadLetterRepository;
  /** Brings the schema up to date; safe to run any number of times, also concurrently. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}
