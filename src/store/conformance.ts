// One conformance suite for the Store contract, run against every backend (CONVENTIONS.md rule 3).
// Called from test/store/*.conformance.test.ts, which supply a harness that opens a fresh store
// location for each case and reopens the same location on demand.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock, limits, type Clock, type TestClock } from '../core/index.js';
import { StoreError, type StoreErrorCode } from './errors.js';
import type { Account, Page, Store, StreamCheckpoint, StreamLateEventInput, StreamStateRow, User } from './types.js';
import { validatePlan } from './validate.js';
import { describeBatchAlerts, describeBatchRuns } from './batch-conformance.js';
import { describeLakeSeals } from './lake-conformance.js';

export interface StoreConformanceOptions {
  /** The clock the store stamps rows with. */
  clock: Clock;
  /** Dead-letter rows kept at most (small, so that the bound can be reached in a test). */
  deadLettersMax?: number;
  /** Late-ledger rows kept at most (small, so that the bound can be reached in a test). */
  lateEventsMax?: number;
  /** Batch alert rows kept at most (small, so that the bound can be reached in a test). */
  batchAlertsMax?: number;
}

export interface StoreConformanceHarness {
  /** Opens the harness's store with a current schema; a second call after `close()` reopens the same data. */
  open(options: StoreConformanceOptions): Promise<Store>;
  /** Removes everything the harness made. */
  cleanup(): Promise<void>;
}

/** Expects `promise` to reject with a StoreError of `code` whose field is `field`. */
export async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode, field?: string): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a ${code} error`).toBeInstanceOf(StoreError);
  const storeError = error as StoreError;
  expect(storeError.code, storeError.message).toBe(code);
  if (field !== undefined) {
    expect(storeError.field).toBe(field);
    expect(storeError.message).toContain(field);
  }
  return storeError;
}

/** Every item of a paged list, following `next`, with the pages seen. */
export async function collectPages<T>(list: (after?: string) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await list(after);
    items.push(...page.items);
    pages++;
    after = page.next;
    expect(pages).toBeLessThan(10_000);
  } while (after !== undefined);
  return { items, pages };
}

/** An account with one user, the usual starting point of a case. */
export async function seedTenant(store: Store, name: string): Promise<{ account: Account; user: User }> {
  const account = await store.accounts.create({ name, planId: 'free' });
  const user = await store.users.create({ accountId: account.id, email: `owner@${name.toLowerCase()}.example`, timeZone: 'Europe/Berlin' });
  return { account, user };
}

export interface StoreCase {
  clock: TestClock;
  /** Opens (or, after `store.close()`, reopens) the case's store. */
  open(options?: { deadLettersMax?: number; lateEventsMax?: number; batchAlertsMax?: number }): Promise<Store>;
}

type CaseBody = (context: StoreCase) => Promise<void>;

/** Registers the suite's cases, grouped by repository, under `describe(Store conformance: backend)`. */
export function runStoreConformance(backend: string, createHarness: () => Promise<StoreConformanceHarness>): void {
  describe(`Store conformance: ${backend}`, () => {
    let harness: StoreConformanceHarness | undefined;
    let stores: Store[] = [];

    afterEach(async () => {
      for (const store of stores) await store.close().catch(() => undefined);
      await harness?.cleanup();
      harness = undefined;
      stores = [];
    });

    const storeCase = (name: string, body: CaseBody): void => {
      it(name, async () => {
        harness = await createHarness();
        const clock = createTestClock(Date.UTC(2026, 2, 1));
        const open = async (options: { deadLettersMax?: number; lateEventsMax?: number; batchAlertsMax?: number } = {}): Promise<Store> => {
          const store = await harness!.open({ clock, ...options });
          stores.push(store);
          return store;
        };
        await body({ clock, open });
      });
    };

    describePlans(storeCase);
    describeAccounts(storeCase);
    describeUsers(storeCase);
    describeLinks(storeCase);
    describeApiKeys(storeCase);
    describeTenantIsolation(storeCase);
    describePaging(storeCase);
    describeDeadLetters(storeCase);
    describeStreamCheckpoints(storeCase);
    describeViews(storeCase);
    describeLateLedger(storeCase);
    describeBatchRuns(storeCase);
    describeBatchAlerts(storeCase);
    describeLakeSeals(storeCase);
    describeLifecycle(storeCase);
  });
}

type CaseRegistrar = (name: string, body: CaseBody) => void;

function describePlans(storeCase: CaseRegistrar): void {
  describe('plans', () => {
    storeCase('seeds free, pro and business in EUR with valid, ascending tiers', async ({ open }) => {
      const store = await open();
      const plans = await store.plans.list();
      expect(plans.map((plan) => plan.id).sort()).toEqual(['business', 'free', 'pro']);
      for (const plan of plans) {
        expect(plan.currency).toBe('EUR');
        expect(validatePlan(plan)).toEqual(plan);
        expect(plan.tiers[plan.tiers.length - 1]!.upToClicks).toBeNull();
      }
      const free = (await store.plans.get('free'))!;
      expect(free.monthlyFeeMinor).toBe(0);
      expect(free.tiers[0]).toEqual({ upToClicks: 10_000, pricePerThousandMinor: 0 });
    });

    storeCase('creates and replaces a plan, and refuses bad tiers and money naming the field', async ({ open }) => {
      const store = await open();
      const plan = { id: 'startup', name: 'Startup', currency: 'USD', monthlyFeeMinor: 900, tiers: [{ upToClicks: null, pricePerThousandMinor: 7 }] };
      expect(await store.plans.put(plan)).toEqual(plan);
      expect(await store.plans.get('startup')).toEqual(plan);
      const replaced = { ...plan, monthlyFeeMinor: 1_000 };
      await store.plans.put(replaced);
      expect(await store.plans.get('startup')).toEqual(replaced);
      expect(await store.plans.get('missing')).toBeUndefined();

      const tiers = [
        { upToClicks: 5_000, pricePerThousandMinor: 0 },
        { upToClicks: 1_000, pricePerThousandMinor: 1 },
        { upToClicks: null, pricePerThousandMinor: 1 },
      ];
      await expectStoreError(store.plans.put({ ...plan, tiers }), 'invalid', 'tiers[1].upToClicks');
      await expectStoreError(store.plans.put({ ...plan, tiers: [{ upToClicks: 10, pricePerThousandMinor: 0 }] }), 'invalid', 'tiers[0].upToClicks');
      await expectStoreError(store.plans.put({ ...plan, tiers: [] }), 'invalid', 'tiers');
      await expectStoreError(store.plans.put({ ...plan, currency: 'eur' }), 'invalid', 'currency');
      await expectStoreError(store.plans.put({ ...plan, monthlyFeeMinor: -1 }), 'invalid', 'monthlyFeeMinor');
      await expectStoreError(store.plans.put({ ...plan, monthlyFeeMinor: 9.5 }), 'invalid', 'monthlyFeeMinor');
      const negativePrice = [{ upToClicks: null, pricePerThousandMinor: -3 }];
      await expectStoreError(store.plans.put({ ...plan, tiers: negativePrice }), 'invalid', 'tiers[0].pricePerThousandMinor');
    });
  });
}

function describeAccounts(storeCase: CaseRegistrar): void {
  describe('accounts', () => {
    storeCase('creates, gets, lists, updates and disables an account', async ({ open, clock }) => {
      const store = await open();
      const account = await store.accounts.create({ name: '  Acme  ', planId: 'free' });
      expect(account).toEqual({ id: account.id, name: 'Acme', planId: 'free', createdAtMs: clock.nowMs(), disabled: false });
      expect(account.id).toMatch(/^acc_[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(await store.accounts.get(account.id)).toEqual(account);
      expect((await store.accounts.list()).items).toEqual([account]);

      const renamed = await store.accounts.update(account.id, { name: 'Acme GmbH', planId: 'pro' });
      expect(renamed).toEqual({ ...account, name: 'Acme GmbH', planId: 'pro' });
      const disabled = await store.accounts.update(account.id, { disabled: true });
      expect(disabled.disabled).toBe(true);
      expect(await store.accounts.get(account.id)).toEqual(disabled);
      expect(await store.accounts.get('acc_0000000000000000')).toBeUndefined();
    });

    storeCase('refuses an empty name, an unknown plan and an unknown account, naming the field', async ({ open }) => {
      const store = await open();
      await expectStoreError(store.accounts.create({ name: ' ', planId: 'free' }), 'invalid', 'name');
      await expectStoreError(store.accounts.create({ name: 'x'.repeat(201), planId: 'free' }), 'invalid', 'name');
      await expectStoreError(store.accounts.create({ name: 'Acme', planId: 'platinum' }), 'not_found', 'planId');
      const account = await store.accounts.create({ name: 'Acme', planId: 'free' });
      await expectStoreError(store.accounts.update(account.id, { planId: 'platinum' }), 'not_found', 'planId');
      await expectStoreError(store.accounts.update('acc_0000000000000000', { name: 'Other' }), 'not_found');
      await expectStoreError(store.accounts.update(account.id, { colour: 'red' } as never), 'invalid', 'colour');
      expect(await store.accounts.get(account.id)).toEqual(account);
    });
  });
}

function describeUsers(storeCase: CaseRegistrar): void {
  describe('users', () => {
    storeCase('creates, gets, lists and updates a user with a canonical e-mail and time zone', async ({ open, clock }) => {
      const store = await open();
      const account = await store.accounts.create({ name: 'Acme', planId: 'free' });
      const user = await store.users.create({ accountId: account.id, email: ' Ada@Example.COM ', name: 'Ada', timeZone: 'utc' });
      expect(user).toEqual({
        id: user.id,
        accountId: account.id,
        email: 'ada@example.com',
        name: 'Ada',
        timeZone: 'UTC',
        createdAtMs: clock.nowMs(),
        disabled: false,
      });
      expect(user.id).toMatch(/^usr_[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(await store.users.get(account.id, user.id)).toEqual(user);
      expect((await store.users.list(account.id)).items).toEqual([user]);
      const moved = await store.users.update(account.id, user.id, { timeZone: 'America/New_York', name: 'Ada L.' });
      expect(moved).toEqual({ ...user, timeZone: 'America/New_York', name: 'Ada L.' });
      const disabled = await store.users.update(account.id, user.id, { disabled: true });
      expect(await store.users.get(account.id, user.id)).toEqual(disabled);
      expect(disabled.disabled).toBe(true);
      const unnamed = await store.users.create({ accountId: account.id, email: 'bob@example.com', timeZone: 'Asia/Tokyo' });
      expect(unnamed.name).toBe('');
    });

    storeCase('refuses a bad e-mail or time zone naming the field, and a taken e-mail as a conflict', async ({ open }) => {
      const store = await open();
      const { account, user } = await seedTenant(store, 'Acme');
      const base = { accountId: account.id, timeZone: 'UTC' };
      for (const email of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com', `${'a'.repeat(65)}@example.com`]) {
        await expectStoreError(store.users.create({ ...base, email }), 'invalid', 'email');
      }
      for (const timeZone of ['', 'Mars/Olympus', 'Europe/Berlin2', '+01:00']) {
        const error = await expectStoreError(store.users.create({ ...base, email: 'x@example.com', timeZone }), 'invalid', 'timeZone');
        expect(error.message).toMatch(/IANA/);
      }
      await expectStoreError(store.users.create({ ...base, email: user.email.toUpperCase() }), 'conflict', 'email');
      await expectStoreError(store.users.create({ ...base, accountId: 'acc_0000000000000000', email: 'x@example.com' }), 'not_found', 'accountId');
      // The same mailbox may be a user in another account.
      const other = await store.accounts.create({ name: 'Other', planId: 'free' });
      await store.users.create({ ...base, accountId: other.id, email: user.email });
      const second = await store.users.create({ ...base, email: 'second@example.com' });
      await expectStoreError(store.users.update(account.id, second.id, { email: user.email }), 'conflict', 'email');
      await expectStoreError(store.users.update(account.id, second.id, { timeZone: 'Nowhere/Land' }), 'invalid', 'timeZone');
      expect(await store.users.get(account.id, second.id)).toEqual(second);
    });
  });
}

function describeLinks(storeCase: CaseRegistrar): void {
  describe('links', () => {
    storeCase('creates, gets by id and slug, lists, updates and disables a link', async ({ open, clock }) => {
      const store = await open();
      const { account, user } = await seedTenant(store, 'Acme');
      const link = await store.links.create(account.id, { slug: 'Spring-Sale_1', targetUrl: 'https://example.com/sale?a=1', userId: user.id });
      expect(link).toEqual({
        id: link.id,
        slug: 'Spring-Sale_1',
        targetUrl: 'https://example.com/sale?a=1',
        userId: user.id,
        accountId: account.id,
        createdAtMs: clock.nowMs(),
        updatedAtMs: clock.nowMs(),
        disabled: false,
      });
      expect(link.id).toMatch(/^lnk_[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(await store.links.get(account.id, link.id)).toEqual(link);
      expect(await store.links.getBySlug('Spring-Sale_1')).toEqual(link);
      expect(await store.links.getBySlug('spring-sale_1')).toBeUndefined();
      expect((await store.links.list(account.id)).items).toEqual([link]);
      expect((await store.links.list(account.id, { userId: user.id })).items).toEqual([link]);

      clock.advance(1_000);
      const moved = await store.links.update(account.id, link.id, { slug: 'summer', targetUrl: 'http://example.org/' });
      expect(moved).toEqual({ ...link, slug: 'summer', targetUrl: 'http://example.org/', updatedAtMs: clock.nowMs() });
      expect(await store.links.getBySlug('Spring-Sale_1')).toBeUndefined();
      const disabled = await store.links.update(account.id, link.id, { disabled: true });
      // Disabled links are still found by slug: the redirect path decides what to answer.
      expect(await store.links.getBySlug('summer')).toEqual(disabled);
      expect(disabled.disabled).toBe(true);
    });

    storeCase('refuses bad and reserved slugs and bad targets naming the field; a taken slug is a conflict', async ({ open }) => {
      const store = await open();
      const { account, user } = await seedTenant(store, 'Acme');
      const input = { slug: 'ok', targetUrl: 'https://example.com/', userId: user.id };
      for (const slug of ['', '-dash', 'has space', 'dot.ted', 'x'.repeat(65), 'api', 'V1', 'healthz', 'dashboard', 'ünï']) {
        await expectStoreError(store.links.create(account.id, { ...input, slug }), 'invalid', 'slug');
      }
      const longUrl = `https://example.com/${'a'.repeat(2048)}`;
      for (const targetUrl of ['', 'example.com', '/relative', 'ftp://example.com/', 'javascript:alert(1)', 'https://user:pw@example.com/', longUrl]) {
        await expectStoreError(store.links.create(account.id, { ...input, targetUrl }), 'invalid', 'targetUrl');
      }
      await store.links.create(account.id, input);
      const other = await seedTenant(store, 'Other');
      // Slugs are unique across accounts: they are the short URL's path.
      await expectStoreError(store.links.create(other.account.id, { ...input, userId: other.user.id }), 'conflict', 'slug');
      const second = await store.links.create(account.id, { ...input, slug: 'second' });
      await expectStoreError(store.links.update(account.id, second.id, { slug: 'ok' }), 'conflict', 'slug');
      await expectStoreError(store.links.update(account.id, second.id, { targetUrl: 'mailto:a@b.c' }), 'invalid', 'targetUrl');
      await expectStoreError(store.links.create(account.id, { ...input, slug: 'third', userId: 'usr_0000000000000000' }), 'not_found', 'userId');
      expect(await store.links.get(account.id, second.id)).toEqual(second);
    });

    storeCase('changedSince sees an update and pages through links that share a timestamp', async ({ open, clock }) => {
      const store = await open();
      const { account, user } = await seedTenant(store, 'Acme');
      const links = [];
      for (let i = 0; i < 5; i++) links.push(await store.links.create(account.id, { slug: `s${i}`, targetUrl: 'https://example.com/', userId: user.id }));
      const createdMs = clock.nowMs();
      expect((await store.links.changedSince(createdMs, 100)).map((link) => link.id).sort()).toEqual(links.map((link) => link.id).sort());

      clock.advance(5_000);
      const sinceMs = clock.nowMs();
      expect(await store.links.changedSince(sinceMs, 100)).toEqual([]);
      const updated = await store.links.update(account.id, links[2]!.id, { targetUrl: 'https://example.com/new' });
      expect(await store.links.changedSince(sinceMs, 100)).toEqual([updated]);
      expect(await store.links.changedSince(sinceMs + 1, 100)).toEqual([]);

      // Five links share `createdMs`; pages of two walk through all of them, then the update.
      const seen: string[] = [];
      let page = await store.links.changedSince(createdMs, 2);
      while (page.length > 0) {
        seen.push(...page.map((link) => link.id));
        const last = page[page.length - 1]!;
        page = await store.links.changedSince(last.updatedAtMs, 2, last.id);
      }
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
      expect(seen[4]).toBe(updated.id);
      await expectStoreError(store.links.changedSince(0, 0), 'invalid', 'limit');
    });
  });
}

function describeApiKeys(storeCase: CaseRegistrar): void {
  describe('api keys', () => {
    storeCase('shows the secret once, verifies it, and fails wrong, garbled and revoked secrets', async ({ open, clock }) => {
      const store = await open();
      const { account } = await seedTenant(store, 'Acme');
      const { key, secret } = await store.apiKeys.create(account.id, 'write', 'ingest box');
      expect(key).toEqual({ id: key.id, accountId: account.id, scope: 'write', label: 'ingest box', createdAtMs: clock.nowMs(), revokedAtMs: null });
      expect(key.id).toMatch(/^key_[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(secret).toBe(`cf_write_${key.id.slice(4)}_${secret.slice(-32)}`);
      expect(secret).toMatch(/^cf_write_[0-9A-HJKMNP-TV-Z]{16}_[0-9A-HJKMNP-TV-Z]{32}$/);
      expect(await store.apiKeys.verify(secret)).toEqual(key);

      const listed = await store.apiKeys.list(account.id);
      expect(listed).toEqual([key]);
      expect(JSON.stringify(listed)).not.toContain(secret.slice(-32));

      const lastChar = secret.endsWith('0') ? '1' : '0';
      const wrong = [
        secret.slice(0, -1) + lastChar,
        secret.replace('cf_write_', 'cf_manage_'),
        secret.toLowerCase(),
        `${secret} `,
        secret.slice(0, -1),
        '',
        'cf_write___',
        'Bearer ' + secret,
        `cf_write_${'0'.repeat(16)}_${'0'.repeat(32)}`,
        'x'.repeat(10_000),
      ];
      for (const candidate of wrong) expect(await store.apiKeys.verify(candidate), candidate.slice(0, 60)).toBeUndefined();
      expect(await store.apiKeys.verify(undefined as never)).toBeUndefined();

      clock.advance(60_000);
      const revoked = await store.apiKeys.revoke(account.id, key.id);
      expect(revoked).toEqual({ ...key, revokedAtMs: clock.nowMs() });
      expect(await store.apiKeys.verify(secret)).toBeUndefined();
      clock.advance(1_000);
      expect(await store.apiKeys.revoke(account.id, key.id)).toEqual(revoked);
    });

    storeCase('refuses a bad scope, fails keys of a disabled account, lists unrevoked keys first', async ({ open }) => {
      const store = await open();
      const { account } = await seedTenant(store, 'Acme');
      await expectStoreError(store.apiKeys.create(account.id, 'admin' as never, ''), 'invalid', 'scope');
      await expectStoreError(store.apiKeys.create('acc_0000000000000000', 'read', ''), 'not_found', 'accountId');
      const first = await store.apiKeys.create(account.id, 'read', 'first');
      const second = await store.apiKeys.create(account.id, 'manage', 'second');
      await store.apiKeys.revoke(account.id, first.key.id);
      const listed = await store.apiKeys.list(account.id);
      expect(listed.map((key) => key.id)).toEqual([second.key.id, first.key.id]);

      await store.accounts.update(account.id, { disabled: true });
      expect(await store.apiKeys.verify(second.secret)).toBeUndefined();
      await store.accounts.update(account.id, { disabled: false });
      expect(await store.apiKeys.verify(second.secret)).toEqual(second.key);
    });
  });
}

function describeTenantIsolation(storeCase: CaseRegistrar): void {
  describe('tenant isolation', () => {
    storeCase("one account's id never reaches another account's users, links or keys", async ({ open }) => {
      const store = await open();
      const a = await seedTenant(store, 'Alpha');
      const b = await seedTenant(store, 'Beta');
      const link = await store.links.create(a.account.id, { slug: 'alpha', targetUrl: 'https://example.com/', userId: a.user.id });
      const { key, secret } = await store.apiKeys.create(a.account.id, 'manage', 'alpha key');
      const asB = b.account.id;

      expect(await store.users.get(asB, a.user.id)).toBeUndefined();
      expect((await store.users.list(asB)).items.map((user) => user.id)).toEqual([b.user.id]);
      await expectStoreError(store.users.update(asB, a.user.id, { name: 'taken over' }), 'not_found');
      await expectStoreError(store.users.update(asB, a.user.id, { disabled: true }), 'not_found');

      await expectStoreError(store.links.create(asB, { slug: 'beta', targetUrl: 'https://example.com/', userId: a.user.id }), 'not_found', 'userId');
      expect(await store.links.get(asB, link.id)).toBeUndefined();
      expect((await store.links.list(asB)).items).toEqual([]);
      expect((await store.links.list(asB, { userId: a.user.id })).items).toEqual([]);
      await expectStoreError(store.links.update(asB, link.id, { targetUrl: 'https://evil.example/' }), 'not_found');
      await expectStoreError(store.links.update(asB, link.id, { disabled: true }), 'not_found');

      expect(await store.apiKeys.list(asB)).toEqual([]);
      await expectStoreError(store.apiKeys.revoke(asB, key.id), 'not_found');

      // Nothing of A changed.
      expect(await store.users.get(a.account.id, a.user.id)).toEqual(a.user);
      expect(await store.links.get(a.account.id, link.id)).toEqual(link);
      expect(await store.apiKeys.verify(secret)).toEqual(key);
    });
  });
}

function describePaging(storeCase: CaseRegistrar): void {
  describe('paging', () => {
    storeCase('returns every row exactly once across pages, and refuses bad limits and cursors', async ({ open }) => {
      const store = await open();
      const { account, user } = await seedTenant(store, 'Acme');
      for (let i = 0; i < 22; i++) await store.accounts.create({ name: `Account ${i}`, planId: 'free' });
      for (let i = 0; i < 16; i++) await store.users.create({ accountId: account.id, email: `u${i}@example.com`, timeZone: 'UTC' });
      for (let i = 0; i < 12; i++) await store.links.create(account.id, { slug: `p${i}`, targetUrl: 'https://example.com/', userId: user.id });

      const accounts = await collectPages((after) => store.accounts.list({ limit: 5, after }));
      expect(accounts.items).toHaveLength(23);
      expect(new Set(accounts.items.map((item) => item.id)).size).toBe(23);
      expect(accounts.pages).toBe(5);
      const users = await collectPages((after) => store.users.list(account.id, { limit: 17, after }));
      expect(users.items).toHaveLength(17);
      expect(users.pages).toBe(1);
      const links = await collectPages((after) => store.links.list(account.id, { limit: 3, after, userId: user.id }));
      expect(new Set(links.items.map((item) => item.id)).size).toBe(12);
      expect(links.items).toHaveLength(12);
      expect((await store.accounts.list()).items).toHaveLength(23);

      await expectStoreError(store.accounts.list({ limit: 0 }), 'invalid', 'limit');
      await expectStoreError(store.accounts.list({ limit: 1_001 }), 'invalid', 'limit');
      await expectStoreError(store.accounts.list({ limit: 2.5 }), 'invalid', 'limit');
      await expectStoreError(store.accounts.list({ after: 'not-a-cursor' }), 'invalid', 'after');
      const userCursor = (await store.users.list(account.id, { limit: 1 })).next!;
      await expectStoreError(store.links.list(account.id, { after: userCursor }), 'invalid', 'after');
    });
  });
}

function describeDeadLetters(storeCase: CaseRegistrar): void {
  const entry = (line: number, receivedAtMs: number, accountId: string | null = null) => ({
    receivedAtMs,
    accountId,
    source: 'ingest',
    line,
    reason: `line ${line}: eventId: missing`,
    payload: `{"line":${line}}`,
  });

  describe('dead letters', () => {
    storeCase('keeps the newest rows up to the bound and cuts payloads on a character boundary', async ({ open }) => {
      const store = await open({ deadLettersMax: 50 });
      await store.deadLetters.add(Array.from({ length: 30 }, (_, i) => entry(i + 1, 1_000)));
      await store.deadLetters.add(Array.from({ length: 50 }, (_, i) => entry(i + 31, 2_000)));
      expect(await store.deadLetters.count()).toBe(50);
      const newest = await store.deadLetters.list({ limit: 1_000 });
      expect(newest.map((letter) => letter.line)).toEqual(Array.from({ length: 50 }, (_, i) => 80 - i));

      const payload = 'é'.repeat(3_000) + 'tail';
      await store.deadLetters.add([{ ...entry(81, 3_000, 'acc_0000000000000000'), payload, reason: '€'.repeat(600) }]);
      const [cut] = await store.deadLetters.list({ limit: 1 });
      expect(Buffer.byteLength(cut!.payload)).toBeLessThanOrEqual(4_096);
      expect(Buffer.byteLength(cut!.payload)).toBeGreaterThan(4_090);
      expect(payload.startsWith(cut!.payload)).toBe(true);
      expect(Buffer.byteLength(cut!.reason)).toBeLessThanOrEqual(1_024);
      expect(cut!.reason).toMatch(/^€+$/);
      expect(await store.deadLetters.count()).toBe(50);
    });

    storeCase('lists newest first by account and before an id, counts, and prunes by age', async ({ open }) => {
      const store = await open();
      await store.deadLetters.add([entry(1, 1_000, 'acc_A'), entry(2, 2_000, 'acc_B'), entry(3, 3_000, 'acc_A'), entry(4, 4_000)]);
      const all = await store.deadLetters.list({});
      expect(all.map((letter) => letter.line)).toEqual([4, 3, 2, 1]);
      expect(all[3]).toEqual({ id: all[3]!.id, ...entry(1, 1_000, 'acc_A') });
      expect((await store.deadLetters.list({ accountId: 'acc_A' })).map((letter) => letter.line)).toEqual([3, 1]);
      expect((await store.deadLetters.list({ beforeId: all[1]!.id, limit: 1 })).map((letter) => letter.line)).toEqual([2]);
      expect(await store.deadLetters.count('acc_A')).toBe(2);
      expect(await store.deadLetters.count()).toBe(4);
      expect(await store.deadLetters.prune(2_500)).toBe(2);
      expect((await store.deadLetters.list({})).map((letter) => letter.line)).toEqual([4, 3]);
      expect(await store.deadLetters.prune(2_500)).toBe(0);
      await expectStoreError(store.deadLetters.add([{ ...entry(0, 1) }]), 'invalid', 'line');
      await expectStoreError(store.deadLetters.list({ limit: 5_000 }), 'invalid', 'limit');
    });
  });
}

function describeLifecycle(storeCase: CaseRegistrar): void {
  describe('lifecycle', () => {
    storeCase('migrate a second time is a no-op that applies no versions', async ({ open }) => {
      const store = await open();
      const first = await store.migrate();
      const second = await store.migrate();
      expect(second.applied).toEqual([]);
      expect(second.current).toBe(first.current);
      expect(second.current).toBeGreaterThanOrEqual(1);
    });

    storeCase('keeps every row across close and reopen, and refuses use after close', async ({ open }) => {
      let store = await open();
      const { account, user } = await seedTenant(store, 'Acme');
      const link = await store.links.create(account.id, { slug: 'kept', targetUrl: 'https://example.com/', userId: user.id });
      const { key, secret } = await store.apiKeys.create(account.id, 'read', 'kept');
      await store.deadLetters.add([{ receivedAtMs: 1, accountId: account.id, source: 'ingest', line: 1, reason: 'r', payload: 'p' }]);
      await store.close();
      await expectStoreError(store.accounts.get(account.id), 'closed');

      store = await open();
      expect(await store.accounts.get(account.id)).toEqual(account);
      expect(await store.users.get(account.id, user.id)).toEqual(user);
      expect(await store.links.getBySlug('kept')).toEqual(link);
      expect(await store.apiKeys.verify(secret)).toEqual(key);
      expect(await store.deadLetters.count(account.id)).toBe(1);
      expect((await store.migrate()).applied).toEqual([]);
    });
  });
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

function stateRow(state: string, partition: number, namespace: number, key: string, value: string, touchedMs = 1_000): StreamStateRow {
  return { state, partition, namespace, key, value: bytes(value), touchedMs };
}

function emptyCheckpoint(checkpointId: number): StreamCheckpoint {
  return { checkpointId, positions: [], stateDeletions: [], stateUpserts: [], views: [], lateEvents: [], lateCounts: [] };
}

function lateEvent(partition: number, offset: number, reason: string): StreamLateEventInput {
  return { operator: 'counts', partition, offset, eventTimeMs: 1_000 + offset, watermarkMs: 90_000, reason, key: `k${offset}`, recordedAtMs: 5 };
}

/** The state rows of a load, as `partition/state/namespace/key=value`, sorted. */
function stateSummary(rows: readonly StreamStateRow[]): string[] {
  return rows.map((row) => `${row.partition}/${row.state}/${row.namespace}/${row.key}=${text(row.value)}@${row.touchedMs}`).sort();
}

function describeStreamCheckpoints(storeCase: CaseRegistrar): void {
  describe('stream checkpoints', () => {
    storeCase('commits positions and state together and loads them back by partition, also after reopening', async ({ open }) => {
      let store = await open();
      expect(await store.streamCheckpoints.load('counts', [0, 1])).toEqual({ checkpointId: 0, positions: [], state: [] });
      const report = await store.streamCheckpoints.commit('counts', {
        ...emptyCheckpoint(1),
        positions: [
          { partition: 0, nextOffset: 10, watermarkMs: 5_000, expectedNextOffset: null },
          { partition: 1, nextOffset: 7, watermarkMs: -3, expectedNextOffset: null },
        ],
        stateUpserts: [stateRow('op.s', 0, 0, 'a', 'A'), stateRow('op.s', 1, 0, 'b', 'B'), stateRow('op.w', 0, 60_000, 'a', 'W', -7)],
      });
      expect(report).toMatchObject({ checkpointId: 1, rows: 5 });
      expect(report.bytes).toBeGreaterThanOrEqual(6);
      await store.close();
      store = await open();
      const zero = await store.streamCheckpoints.load('counts', [0]);
      expect(zero.checkpointId).toBe(1);
      expect(zero.positions).toEqual([{ partition: 0, nextOffset: 10, watermarkMs: 5_000, checkpointId: 1, committedAtMs: zero.positions[0]!.committedAtMs }]);
      expect(stateSummary(zero.state)).toEqual(['0/op.s/0/a=A@1000', '0/op.w/60000/a=W@-7']);
      expect(stateSummary((await store.streamCheckpoints.load('counts', [0, 1, 2])).state)).toHaveLength(3);
      expect((await store.streamCheckpoints.load('other', [0])).positions).toEqual([]);
      expect((await store.streamCheckpoints.positions('counts')).map((position) => [position.partition, position.nextOffset, position.watermarkMs])).toEqual([
        [0, 10, 5_000],
        [1, 7, -3],
      ]);
    });

    storeCase('applies deletions by key and by namespace before upserts, so a key removed and set again is kept', async ({ open }) => {
      const store = await open();
      await store.streamCheckpoints.commit('counts', {
        ...emptyCheckpoint(1),
        positions: [{ partition: 0, nextOffset: 1, watermarkMs: 0, expectedNextOffset: null }],
        stateUpserts: [stateRow('op.w', 0, 10, 'a', '1'), stateRow('op.w', 0, 10, 'b', '1'), stateRow('op.w', 0, 20, 'a', '1'), stateRow('op.w', 0, 20, 'b', '1')],
      });
      await store.streamCheckpoints.commit('counts', {
        ...emptyCheckpoint(2),
        positions: [{ partition: 0, nextOffset: 2, watermarkMs: 0, expectedNextOffset: 1 }],
        stateDeletions: [
          { state: 'op.w', partition: 0, namespace: 10, key: null },
          { state: 'op.w', partition: 0, namespace: 20, key: 'a' },
          { state: 'op.w', partition: 0, namespace: 20, key: 'b' },
        ],
        stateUpserts: [stateRow('op.w', 0, 20, 'b', '2', 2_000)],
      });
      const loaded = await store.streamCheckpoints.load('counts', [0]);
      expect(stateSummary(loaded.state)).toEqual(['0/op.w/20/b=2@2000']);
      expect(loaded.checkpointId).toBe(2);
    });

    storeCase('loads the job\'s rows of the views asked for, in the partitions asked for, beside its state', async ({ open }) => {
      const store = await open();
      await store.streamCheckpoints.commit('counts', {
        ...emptyCheckpoint(1),
        positions: [0, 1, 2].map((partition) => ({ partition, nextOffset: 1, watermarkMs: 0, expectedNextOffset: null })),
        views: [
          { view: 'v', partition: 0, key: 'a', value: bytes('a0') },
          { view: 'v', partition: 2, key: 'a', value: bytes('a2') },
          { view: 'v', partition: 1, key: 'b', value: bytes('b1') },
          { view: 'w', partition: 0, key: 'c', value: bytes('c0') },
        ],
      });
      await store.streamCheckpoints.commit('other', { ...emptyCheckpoint(1), positions: [{ partition: 0, nextOffset: 1, watermarkMs: 0, expectedNextOffset: null }], views: [{ view: 'x', partition: 0, key: 'z', value: bytes('z0') }] });
      const loaded = await store.streamCheckpoints.load('counts', [0, 1], ['v', 'x']);
      const summary = (loaded.views ?? []).map((row) => `${row.view}/${row.partition}/${row.key}=${Buffer.from(row.value).toString()}`).sort();
      expect(summary).toEqual(['v/0/a=a0', 'v/1/b=b1']);
      expect((await store.streamCheckpoints.load('counts', [0])).views).toBeUndefined();
    });

    storeCase('refuses a checkpoint that expects another offset (fencing) and keeps nothing of it', async ({ open }) => {
      const store = await open();
      await store.streamCheckpoints.commit('counts', {
        ...emptyCheckpoint(1),
        positions: [{ partition: 0, nextOffset: 5, watermarkMs: 100, expectedNextOffset: null }],
        stateUpserts: [stateRow('op.s', 0, 0, 'a', 'first')],
      });
      const stale: StreamCheckpoint = {
        checkpointId: 2,
        // Partition 1 is new and fine; partition 0 was moved by someone else: the whole commit fails.
        positions: [
          { partition: 1, nextOffset: 3, watermarkMs: 100, expectedNextOffset: null },
          { partition: 0, nextOffset: 9, watermarkMs: 200, expectedNextOffset: 4 },
        ],
        stateDeletions: [{ state: 'op.s', partition: 0, namespace: 0, key: 'a' }],
        stateUpserts: [stateRow('op.s', 0, 0, 'b', 'stale')],
        views: [{ view: 'v', partition: 0, key: 'a', value: bytes('stale') }],
        lateEvents: [lateEvent(0, 1, 'beyond-allowed-lateness')],
        lateCounts: [{ partition: 0, reason: 'beyond-allowed-lateness', count: 1 }],
      };
      await expectStoreError(store.streamCheckpoints.commit('counts', stale), 'conflict', 'positions');
      const loaded = await store.streamCheckpoints.load('counts', [0, 1]);
      expect(loaded.positions.map((position) => position.nextOffset)).toEqual([5]);
      expect(stateSummary(loaded.state)).toEqual(['0/op.s/0/a=first@1000']);
      expect(await store.views.get('v', 'a')).toEqual([]);
      expect(await store.lateEvents.list()).toEqual([]);
      expect(await store.lateEvents.counts()).toEqual([]);
      await expectStoreError(
        store.streamCheckpoints.commit('counts', { ...emptyCheckpoint(2), positions: [{ partition: 0, nextOffset: 9, watermarkMs: 0, expectedNextOffset: null }] }),
        'conflict',
      );
    });

    storeCase('rejects a malformed checkpoint naming the field, before writing anything', async ({ open }) => {
      const store = await open();
      const position = { partition: 0, nextOffset: 1, watermarkMs: 0, expectedNextOffset: null };
      await expectStoreError(store.streamCheckpoints.commit('counts', { ...emptyCheckpoint(0), positions: [position] }), 'invalid', 'checkpointId');
      await expectStoreError(store.streamCheckpoints.commit('', emptyCheckpoint(1)), 'invalid', 'job');
      await expectStoreError(store.streamCheckpoints.commit('counts', { ...emptyCheckpoint(1), positions: [position, position] }), 'invalid', 'positions[1].partition');
      const longKey = 'k'.repeat(limits.streamKeyBytesMax + 1);
      await expectStoreError(
        store.streamCheckpoints.commit('counts', { ...emptyCheckpoint(1), positions: [position], stateUpserts: [stateRow('op.s', 0, 0, longKey, 'v')] }),
        'invalid',
        'stateUpserts[0].key',
      );
      expect(await store.streamCheckpoints.positions('counts')).toEqual([]);
    });
  });
}

function describeViews(storeCase: CaseRegistrar): void {
  describe('views', () => {
    storeCase('keeps one full-value row per key and partition, returns every partition of a key, pages by key', async ({ open }) => {
      const store = await open();
      const change = (partition: number, key: string, value: string | null) => ({ view: 'link_counts', partition, key, value: value === null ? null : bytes(value) });
      await store.streamCheckpoints.commit('counts', {
        ...emptyCheckpoint(1),
        views: [change(0, 'link-a', '1'), change(1, 'link-a', '2'), change(0, 'link-b', '3'), change(0, 'other', '4'), change(2, 'link-c', '5')],
      });
      await store.streamCheckpoints.commit('counts', { ...emptyCheckpoint(2), views: [change(0, 'link-a', '10'), change(2, 'link-c', null)] });
      const rows = await store.views.get('link_counts', 'link-a');
      expect(rows.map((row) => [row.partition, text(row.value), row.job])).toEqual([
        [0, '10', 'counts'],
        [1, '2', 'counts'],
      ]);
      expect(await store.views.get('link_counts', 'link-c')).toEqual([]);
      expect(await store.views.get('other_view', 'link-a')).toEqual([]);
      const { items, pages } = await collectPages((after) => store.views.list('link_counts', { prefix: 'link-', limit: 2, after }));
      expect(items.map((row) => `${row.key}/${row.partition}`)).toEqual(['link-a/0', 'link-a/1', 'link-b/0']);
      expect(pages).toBe(2);
      expect((await store.views.list('link_counts')).items).toHaveLength(4);
      await expectStoreError(store.views.list('link_counts', { after: 'nonsense' }), 'invalid', 'after');
    });
  });
}

function describeLateLedger(storeCase: CaseRegistrar): void {
  describe('late ledger', () => {
    storeCase('keeps the newest rows up to the bound, counts every event by reason, filters by job and reason', async ({ open }) => {
      const store = await open({ lateEventsMax: 5 });
      const reasons = ['beyond-allowed-lateness', 'undecodable'];
      for (let checkpoint = 1; checkpoint <= 2; checkpoint++) {
        const events = Array.from({ length: 4 }, (_, index) => lateEvent(0, checkpoint * 10 + index, reasons[index % 2]!));
        await store.streamCheckpoints.commit('counts', {
          ...emptyCheckpoint(checkpoint),
          lateEvents: events,
          lateCounts: [
            { partition: 0, reason: reasons[0]!, count: 2 },
            { partition: 0, reason: reasons[1]!, count: 2 },
          ],
        });
      }
      await store.streamCheckpoints.commit('fraud', { ...emptyCheckpoint(1), lateEvents: [lateEvent(3, 99, 'undecodable')], lateCounts: [{ partition: 3, reason: 'undecodable', count: 1 }] });
      const all = await store.lateEvents.list();
      expect(all.map((event) => event.offset)).toEqual([99, 23, 22, 21, 20]);
      expect(all[0]).toMatchObject({ job: 'fraud', operator: 'counts', partition: 3, reason: 'undecodable', key: 'k99', eventTimeMs: 1_099, watermarkMs: 90_000 });
      expect((await store.lateEvents.list({ job: 'counts', reason: 'undecodable' })).map((event) => event.offset)).toEqual([23, 21]);
      expect((await store.lateEvents.list({ reason: 'undecodable', limit: 2 })).map((event) => event.offset)).toEqual([99, 23]);
      expect((await store.lateEvents.list({ beforeId: all[2]!.id })).map((event) => event.offset)).toEqual([21, 20]);
      expect(await store.lateEvents.counts()).toEqual([
        { job: 'counts', reason: 'beyond-allowed-lateness', count: 4 },
        { job: 'counts', reason: 'undecodable', count: 4 },
        { job: 'fraud', reason: 'undecodable', count: 1 },
      ]);
      expect(await store.lateEvents.counts('fraud')).toEqual([{ job: 'fraud', reason: 'undecodable', count: 1 }]);
      await expectStoreError(store.lateEvents.list({ limit: 0 }), 'invalid', 'limit');
    });
  });
}
