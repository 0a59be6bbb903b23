// Conformance of the digest ledger and the invoice tables on a real SQLite file: an intent is
// recorded once per (user, day, version) and marked sent once; invoices are recorded once per
// (account, month, version); an adjustment is carried by exactly one invoice, and a conflicting
// record writes nothing; bad input names the field.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../../src/core/index.js';
import { createSqliteStore, isStoreError, type Store } from '../../src/store/index.js';
import type { DigestIntent, InvoiceRecord } from '../../src/store/billing-types.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(): Promise<{ store: Store; path: string }> {
  const temp = await makeTempDir('clickflow-billing-store-');
  const path = join(temp.path, 'store.db');
  const store = createSqliteStore({ clock: createTestClock(), logger: createSilentLogger() }, { path });
  cleanups.push(async () => {
    await store.close();
    await temp.remove();
  });
  return { store, path };
}

const hash = (digit: string) => `sha256:${digit.repeat(64)}`;

function intent(version: number, overrides: Partial<DigestIntent> = {}): DigestIntent {
  return {
    userId: 'usr_1', accountId: 'acc_1', day: '2026-11-24', version, kind: version === 1 ? 'digest' : 'correction', createdAtMs: 1_000 + version,
    contentHash: hash(String(version)), transport: 'smtp', messageId: `<digest.v${version}@example.com>`, clicks: 10 * version, reportJson: '{"n":1}', ...overrides,
  };
}

function invoice(month: string, overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  return {
    accountId: 'acc_1', month, version: 1, status: 'final', currency: 'EUR', totalMinor: 1_234, billableClicks: 5, createdAtMs: 9,
    contentHash: hash('a'), files: { json: `/i/${month}.json`, csv: `/i/${month}.csv`, html: `/i/${month}.html` },
    planId: 'pro', planJson: '{}', clicks: { total: 9, duplicate: 1, bot: 1, suspicious: 2, billable: 5 }, csvHash: hash('b'), htmlHash: hash('c'), ...overrides,
  };
}

describe('digest ledger on SQLite', () => {
  it('records an intent once, marks it sent once, and lists sent digests newest first', async () => {
    const { store, path } = await open();
    expect(await store.digests.latest('usr_1', '2026-11-24')).toBeUndefined();
    expect(await store.digests.recordIntent(intent(1))).toMatchObject({ status: 'pending', sentAtMs: null, location: '' });
    await expect(store.digests.recordIntent(intent(1, { contentHash: hash('f') }))).rejects.toSatisfy((error) => isStoreError(error, 'conflict'));
    expect(await store.digests.listForAccount('acc_1', 10)).toEqual([]);
    expect(await store.digests.markSent('usr_1', '2026-11-24', 1, { sentAtMs: 5_000, location: '<digest.v1@example.com>' })).toMatchObject({ status: 'sent', sentAtMs: 5_000 });
    await expect(store.digests.markSent('usr_1', '2026-11-24', 1, { sentAtMs: 6_000, location: 'x' })).rejects.toSatisfy((error) => isStoreError(error, 'conflict'));
    await store.digests.recordIntent(intent(2));
    expect(await store.digests.latest('usr_1', '2026-11-24')).toMatchObject({ version: 2, kind: 'correction', status: 'pending', reportJson: '{"n":1}' });
    await store.digests.markSent('usr_1', '2026-11-24', 2, { sentAtMs: 7_000, location: '/outbox/x.eml' });
    await store.close();
    // A fresh connection to the same file sees the ledger.
    const reopened = createSqliteStore({ clock: createTestClock(), logger: createSilentLogger() }, { path });
    cleanups.push(() => reopened.close());
    expect((await reopened.digests.listForAccount('acc_1', 10)).map((send) => [send.version, send.kind, send.sentAtMs, send.clicks])).toEqual([[2, 'correction', 7_000, 20], [1, 'digest', 5_000, 10]]);
  });

  it('rejects bad input naming the field', async () => {
    const { store } = await open();
    await expect(store.digests.recordIntent(intent(1, { day: '2026-1-1' }))).rejects.toThrow(/^day: must be a day YYYY-MM-DD/);
    await expect(store.digests.recordIntent(intent(2, { kind: 'digest' }))).rejects.toThrow(/^kind: version 2 must be a correction/);
    await expect(store.digests.recordIntent(intent(1, { contentHash: 'abc' }))).rejects.toThrow(/^contentHash:/);
    await expect(store.digests.recordIntent(intent(1, { messageId: 'no-brackets' }))).rejects.toThrow(/^messageId:/);
    await expect(store.digests.listForAccount('acc_1', 0)).rejects.toThrow(/limit/);
  });
});

describe('invoices on SQLite', () => {
  it('records a version once, carries each adjustment exactly once, and writes nothing on a conflict', async () => {
    const { store } = await open();
    await store.invoices.record(invoice('2026-10'), []);
    await expect(store.invoices.record(invoice('2026-10', { totalMinor: 1 }), [])).rejects.toSatisfy((error) => isStoreError(error, 'conflict'));
    expect(await store.invoices.get('acc_1', '2026-10')).toMatchObject({ totalMinor: 1_234, clicks: { suspicious: 2 } });

    const adjustment = await store.invoices.addAdjustment({ accountId: 'acc_1', forMonth: '2026-10', clicks: { total: 3, duplicate: 0, bot: 0, suspicious: -1, billable: 4 }, amountMinor: -7, currency: 'EUR', createdAtMs: 10 });
    expect(adjustment).toMatchObject({ id: expect.any(Number) as unknown as number, appliedMonth: null, clicks: { suspicious: -1 } });
    expect(await store.invoices.pendingAdjustments('acc_1', '2026-10')).toEqual([]);
    expect(await store.invoices.pendingAdjustments('acc_1', '2026-11')).toEqual([adjustment]);

    // An invoice naming an adjustment that is not pending for it writes nothing at all.
    await expect(store.invoices.record(invoice('2026-11'), [adjustment.id, adjustment.id + 100])).rejects.toSatisfy((error) => isStoreError(error, 'conflict'));
    expect(await store.invoices.get('acc_1', '2026-11')).toBeUndefined();
    expect(await store.invoices.pendingAdjustments('acc_1', '2026-11')).toHaveLength(1);

    await store.invoices.record(invoice('2026-11'), [adjustment.id]);
    expect(await store.invoices.adjustmentsFor('acc_1', '2026-10')).toEqual([{ ...adjustment, appliedMonth: '2026-11', appliedVersion: 1 }]);
    await expect(store.invoices.record(invoice('2026-12'), [adjustment.id])).rejects.toSatisfy((error) => isStoreError(error, 'conflict'));
    expect(await store.invoices.get('acc_1', '2026-12')).toBeUndefined();

    await store.invoices.record(invoice('2026-11', { version: 2, totalMinor: 99 }), []);
    expect((await store.invoices.listForAccount('acc_1', 10)).map((summary) => [summary.month, summary.version, summary.totalMinor])).toEqual([['2026-11', 2, 99], ['2026-10', 1, 1_234]]);
    expect(await store.invoices.listForAccount('acc_2', 10)).toEqual([]);
  });

  it('rejects bad input naming the field', async () => {
    const { store } = await open();
    await expect(store.invoices.record(invoice('2026-13'), [])).rejects.toThrow(/^month: must be a month YYYY-MM/);
    await expect(store.invoices.record(invoice('2026-10', { billableClicks: 6 }), [])).rejects.toThrow(/^billableClicks: must equal clicks.billable/);
    await expect(store.invoices.record(invoice('2026-10', { currency: 'euro' }), [])).rejects.toThrow(/^currency:/);
    await expect(store.invoices.addAdjustment({ accountId: 'acc_1', forMonth: '2026-10', clicks: { total: 1.5, duplicate: 0, bot: 0, suspicious: 0, billable: 0 }, amountMinor: 0, currency: 'EUR', createdAtMs: 1 })).rejects.toThrow(/^clicks.total:/);
  });
});
