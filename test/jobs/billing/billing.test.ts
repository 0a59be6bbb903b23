// Proves monthly billing over real daily rollup Parquet files: invoices wait for the month's end
// plus the grace period, then are final; tier lines and totals equal amounts computed here from
// the generated clicks; the JSON, CSV and HTML agree; a re-run gives identical bytes and hash; late
// data after finalisation leaves the invoice untouched and becomes one adjustment line, naming its
// month, on the next month's invoice, applied exactly once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../../../src/core/index.js';
import { createOrchestrator } from '../../../src/orchestrator/index.js';
import { createSqliteStore, type Plan } from '../../../src/store/index.js';
import { billingJob, buildInvoiceDocument, invoiceJson, type InvoiceDocument } from '../../../src/jobs/billing/index.js';
import { dailyRollupJobName } from '../../../src/jobs/rollups/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { fixtureDailyJob, generateClicks, seededRandom, type FixtureClick } from '../digest/daily-rollup-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const dayMs = 86_400_000;
const plan: Plan = {
  id: 'tiered', name: 'Tiered', currency: 'EUR', monthlyFeeMinor: 1_000,
  tiers: [{ upToClicks: 100, pricePerThousandMinor: 0 }, { upToClicks: 300, pricePerThousandMinor: 2_000 }, { upToClicks: null, pricePerThousandMinor: 1_500 }],
};

/** The plan's usage price, written out tier by tier for this plan (independent of src/jobs/billing/tiers.ts). */
function expectedUsage(billable: number): number {
  const second = Math.max(0, Math.min(billable, 300) - 100);
  const third = Math.max(0, billable - 300);
  return second * 2 + Math.floor((third * 1_500 + 500) / 1_000);
}

function counts(clicks: readonly FixtureClick[], accountId: string, month: string) {
  const mine = clicks.filter((click) => click.accountId === accountId && click.day.startsWith(month));
  const unique = mine.filter((click) => !click.duplicate);
  return {
    total: mine.length,
    duplicate: mine.length - unique.length,
    bot: unique.filter((click) => click.cls === 'bot').length,
    suspicious: unique.filter((click) => click.cls === 'suspicious').length,
    billable: unique.filter((click) => click.cls === 'human').length,
  };
}

function parseCsv(text: string): string[][] {
  return text.trimEnd().split('\r\n').map((line) => {
    const fields: string[] = [];
    const pattern = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    for (const match of line.matchAll(pattern)) {
      fields.push(match[1]!.startsWith('"') ? match[1]!.slice(1, -1).replaceAll('""', '"') : match[1]!);
      if (match[2] === '') break;
    }
    return fields;
  });
}

describe('monthly billing', () => {
  it('invoices after the grace period, consistently in three formats, deterministically, and carries late data to the next invoice once', async () => {
    const temp = await makeTempDir('clickflow-billing-');
    const clock = createTestClock(Date.UTC(2026, 9, 1));
    const store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: join(temp.path, 'store.db') });
    cleanups.push(async () => {
      await store.close();
      await temp.remove();
    });
    await store.plans.put(plan);
    const acme = await store.accounts.create({ name: 'Acme, "the" shop', planId: 'tiered' });
    const quiet = await store.accounts.create({ name: 'Quiet', planId: 'pro' });
    const owner = await store.users.create({ accountId: acme.id, email: 'ops@acme.example', timeZone: 'UTC' });
    const links = await Promise.all([0, 1].map((i) => store.links.create(acme.id, { slug: `acme-${i}`, targetUrl: 'https://acme.example/', userId: owner.id })));
    const random = seededRandom(3);
    const clicks: FixtureClick[] = [];
    for (const day of ['2026-10-01', '2026-10-02', '2026-10-17', '2026-10-31']) {
      for (const link of links) clicks.push(...generateClicks(random, day, { accountId: acme.id, userId: owner.id, linkId: link.id }, 70));
    }
    const options = { dataDir: temp.path };
    const orchestrator = createOrchestrator(
      { store, clock, logger: createSilentLogger() },
      { jobs: [fixtureDailyJob(temp.path, () => clicks), billingJob({ store, clock }, options)], concurrency: 1 },
    );
    cleanups.push(() => orchestrator.stop());
    clock.advanceTo(Date.UTC(2026, 10, 2));
    await orchestrator.backfill(dailyRollupJobName, '2026-10-01', '2026-10-31');
    // An account made after the month ended gets no invoice for it.
    const late = await store.accounts.create({ name: 'Newcomer', planId: 'pro' });

    // Within the grace period: not ready, nothing written.
    const early = await orchestrator.runPartition('billing', '2026-10');
    expect(early.status).toBe('skipped');
    expect(early.message).toContain('the month\'s end plus 259200000 ms of grace');
    expect(await store.invoices.get(acme.id, '2026-10')).toBeUndefined();

    clock.advanceTo(Date.UTC(2026, 10, 1) + 3 * dayMs);
    const run = await orchestrator.runPartition('billing', '2026-10');
    expect(run).toMatchObject({ status: 'succeeded' });
    const october = counts(clicks, acme.id, '2026-10');
    expect(october.billable).toBeGreaterThan(300);
    const record = (await store.invoices.get(acme.id, '2026-10'))!;
    expect(record).toMatchObject({ status: 'final', version: 1, currency: 'EUR', billableClicks: october.billable, clicks: october, totalMinor: 1_000 + expectedUsage(october.billable) });
    expect(await store.invoices.get(late.id, '2026-10')).toBeUndefined();
    expect(await store.invoices.get(quiet.id, '2026-10')).toMatchObject({ totalMinor: 2_900, billableClicks: 0 });

    // JSON, CSV and HTML say the same.
    const jsonText = await readFile(record.files.json, 'utf8');
    const json = JSON.parse(jsonText) as InvoiceDocument;
    expect(json.lines.map((line) => [line.kind, line.quantity, line.amountMinor])).toEqual([
      ['fee', 1, 1_000], ['usage', 100, 0], ['usage', 200, 400], ['usage', october.billable - 300, expectedUsage(october.billable) - 400],
    ]);
    expect(json.totalMinor).toBe(record.totalMinor);
    expect(json.period).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    const csv = parseCsv(await readFile(record.files.csv, 'utf8'));
    expect(csv[0]).toEqual(['line', 'kind', 'description', 'for_month', 'quantity', 'unit_price_minor', 'amount_minor', 'currency']);
    expect(csv.slice(1, -1).map((row) => [row[1], Number(row[4]), Number(row[6]), row[2]])).toEqual(json.lines.map((line) => [line.kind, line.quantity, line.amountMinor, line.description]));
    expect(csv.at(-1)!.slice(0, 1).concat(csv.at(-1)![6]!)).toEqual(['total', String(json.totalMinor)]);
    const html = await readFile(record.files.html, 'utf8');
    expect([...html.matchAll(/data-amount-minor="(-?\d+)"/g)].map((match) => Number(match[1]))).toEqual(json.lines.map((line) => line.amountMinor));
    expect(html).toContain(`<tr data-total-minor="${json.totalMinor}">`);
    expect(html).toContain('Acme, &quot;the&quot; shop');
    // The stored numbers render to the very same bytes.
    expect(invoiceJson(buildInvoiceDocument({ account: acme, plan, month: '2026-10', bounds: { startMs: Date.UTC(2026, 9, 1), endMs: Date.UTC(2026, 10, 1) }, graceMs: 3 * dayMs, clicks: october, adjustments: [] }))).toBe(jsonText);

    // A re-run: identical bytes and hash, no new rows.
    const files = await Promise.all([record.files.json, record.files.csv, record.files.html].map((path) => readFile(path)));
    const again = await orchestrator.runPartition('billing', '2026-10');
    expect(again).toMatchObject({ status: 'succeeded', outputHash: run.outputHash, outputChanged: false });
    expect(await Promise.all([record.files.json, record.files.csv, record.files.html].map((path) => readFile(path)))).toEqual(files);
    expect(await store.invoices.adjustmentsFor(acme.id, '2026-10')).toEqual([]);

    // Late data for a final month: 40 more human clicks on October 17.
    for (let i = 0; i < 40; i++) clicks.push({ day: '2026-10-17', accountId: acme.id, userId: owner.id, linkId: links[0]!.id, cls: 'human', country: 'DE', referrer: '', device: 'mobile', ip: `198.51.100.${i}`, duplicate: false });
    await orchestrator.reopen(dailyRollupJobName, '2026-10-17');
    await orchestrator.idle();
    expect(await Promise.all([record.files.json, record.files.csv, record.files.html].map((path) => readFile(path)))).toEqual(files);
    expect(await store.invoices.get(acme.id, '2026-10')).toEqual(record);
    const [adjustment] = await store.invoices.adjustmentsFor(acme.id, '2026-10');
    const lateAmount = expectedUsage(october.billable + 40) - expectedUsage(october.billable);
    expect(adjustment).toMatchObject({ forMonth: '2026-10', clicks: { total: 40, duplicate: 0, bot: 0, suspicious: 0, billable: 40 }, amountMinor: lateAmount, appliedMonth: null });
    // Re-running the month again finds nothing new to adjust.
    await orchestrator.runPartition('billing', '2026-10');
    expect(await store.invoices.adjustmentsFor(acme.id, '2026-10')).toHaveLength(1);

    // November: its invoice carries the October adjustment, once.
    for (const link of links) clicks.push(...generateClicks(random, '2026-11-05', { accountId: acme.id, userId: owner.id, linkId: link.id }, 30));
    clock.advanceTo(Date.UTC(2026, 11, 1) + 3 * dayMs);
    await orchestrator.backfill(dailyRollupJobName, '2026-11-01', '2026-11-30');
    expect(await orchestrator.runPartition('billing', '2026-11')).toMatchObject({ status: 'succeeded' });
    const november = (await store.invoices.get(acme.id, '2026-11'))!;
    const novemberJson = JSON.parse(await readFile(november.files.json, 'utf8')) as InvoiceDocument;
    const carried = novemberJson.lines.filter((line) => line.kind === 'adjustment');
    expect(carried).toEqual([{ kind: 'adjustment', forMonth: '2026-10', quantity: 40, unitPriceMinor: null, amountMinor: lateAmount, description: expect.stringContaining('Adjustment for 2026-10: +40 billable clicks') as unknown as string }]);
    const novemberBillable = counts(clicks, acme.id, '2026-11').billable;
    expect(november.totalMinor).toBe(1_000 + expectedUsage(novemberBillable) + lateAmount);
    expect((await store.invoices.adjustmentsFor(acme.id, '2026-10'))[0]).toMatchObject({ appliedMonth: '2026-11', appliedVersion: 1 });
    expect(await orchestrator.runPartition('billing', '2026-11')).toMatchObject({ status: 'succeeded', outputChanged: false });
    expect(await store.invoices.pendingAdjustments(acme.id, '2027-01')).toEqual([]);
    expect((await store.invoices.listForAccount(acme.id, 10)).map((invoice) => invoice.month)).toEqual(['2026-11', '2026-10']);
  });
});
