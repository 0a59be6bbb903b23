// The dashboard in a real browser against a real `clickflow start`: a wrong key is refused with a
// clear message, a read key signs in, a click on a short link moves the live counter within about a
// second, the chart draws the click as a provisional bar, the layout fits a phone, and a failed
// batch run shows in red with its error on the pipeline health page. Screenshots of every page.
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { startClickflow, type ClickflowProcess } from '../helpers/clickflow-process.js';
import { freePort } from '../helpers/nats-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const chromiumPath = process.env.CLICKFLOW_CHROMIUM ?? '/usr/bin/chromium';
const browserAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
/** The live counter's target is one second; a shared two-core test machine gets some slack. */
const counterDelayMsMax = 2_500;

/**
 * Waits until `expression` is true in the page, polling from here: the page's content security
 * policy forbids the string evaluation inside Playwright's own waitForFunction.
 */
async function waitUntil(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A failed run (and its alert) of the first batch job the pipeline declares, written to its store
 * as the orchestrator would: the batch CLI can make a run `skipped`, but not fail one at will.
 */
async function recordFailedRun(dataDir: string, job: { name: string; partitionKind: string | null }, message: string): Promise<number> {
  const store = createSqliteStore({ clock: createSystemClock(), logger: createSilentLogger() }, { path: path.join(dataDir, 'clickflow.sqlite') });
  try {
    const nowMs = Date.now();
    const length = job.partitionKind === 'month' ? 7 : job.partitionKind === 'day' ? 10 : 13;
    const partition = new Date(nowMs - 3 * 86_400_000).toISOString().slice(0, length);
    const run = await store.batchRuns.create({ job: job.name, partition, trigger: 'manual', queuedAtMs: nowMs - 2_000 });
    await store.batchRuns.start(run.id, { attempt: 1, startedAtMs: nowMs - 1_500, partitionVersion: 0 });
    await store.batchRuns.finish(run.id, { status: 'failed', finishedAtMs: nowMs - 1_000, message, error: { message, domain: 'external', code: 'lake_unreadable' } });
    await store.batchAlerts.add({ atMs: nowMs - 1_000, job: job.name, partition, runId: run.id, kind: 'run_failed', message });
    return run.id;
  } finally {
    await store.close();
  }
}

describe('dashboard in a browser', () => {
  let dir: TempDir;
  let pipeline: ClickflowProcess;
  let browser: Browser;
  let page: Page;
  let operatorToken: string;
  let readKey: string;
  let linkId: string;
  const slug = 'spring-sale';
  const screenshots = path.join(os.tmpdir(), `clickflow-dashboard-${process.pid}-${Date.now()}`);
  const pageErrors: string[] = [];
  const shoot = async (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    dir = await makeTempDir('clickflow-dashboard-');
    await mkdir(screenshots, { recursive: true });
    console.info(`dashboard screenshots: ${screenshots}`);
    pipeline = await startClickflow(dir.path, await freePort());
    operatorToken = (await readFile(path.join(dir.path, 'admin-token'), 'utf8')).trim();
    const call = async (url: string, body: unknown) => {
      const response = await fetch(`${pipeline.url}${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as Record<string, string>;
    };
    const account = await call('/v1/accounts', { name: 'Northwind', planId: 'pro' });
    const user = await call('/v1/users', { accountId: account.id, email: 'owner@northwind.example', timeZone: 'Europe/Berlin' });
    const link = await call('/v1/links', { accountId: account.id, userId: user.id, slug, targetUrl: 'https://northwind.example/spring' });
    linkId = link.id!;
    readKey = (await call('/v1/keys', { accountId: account.id, scope: 'read', label: 'dashboard' })).secret!;
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 500) console.warn(`server error ${response.status()} for ${response.url()}`);
    });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await shoot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    if (pipeline) expect(await pipeline.stop()).toBe(0);
    await dir?.remove();
  });

  it('refuses a wrong key with a clear message, then signs in with a read key', async () => {
    await page.goto(`${pipeline.url}/dashboard`);
    await expect(page.getByRole('heading', { name: 'Sign in to clickflow' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('API key').fill('cf_read_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#sign-in-message .notice-error').waitFor();
    expect(await page.locator('#sign-in-message').innerText()).toMatch(/not accepted.*unknown or has been revoked/);
    await shoot('1-sign-in-refused');

    await page.getByLabel('API key').fill(readKey);
    await page.getByLabel('API key').press('Enter');
    await page.getByRole('heading', { name: 'Links', exact: true }).waitFor();
    await page.getByRole('link', { name: `/${slug}` }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("clickflow.key")')).toBe(readKey);
    expect(await page.locator('#session-who').innerText()).toContain('Northwind');
    await shoot('2-links');
  });

  it('moves the live counter within about a second of a click and draws it on the chart', async () => {
    await page.getByRole('link', { name: `/${slug}` }).click();
    await page.getByRole('heading', { name: `/${slug}` }).waitFor();
    expect(page.url()).toContain(`#/links/${linkId}`);
    await page.locator('#live-state[data-state="live"]').waitFor();
    await page.locator('#live-total[data-total="0"]').waitFor();
    // The moment the counter's text changes, by the wall clock (the browser and the test share it).
    // (Browser code is passed as text: the test is compiled without the DOM's types.)
    await page.evaluate(`new MutationObserver(() => { window.changedAtMs ??= Date.now(); })
      .observe(document.getElementById('live-total'), { childList: true, characterData: true, subtree: true })`);

    const redirect = await fetch(`${pipeline.url}/${slug}`, { redirect: 'manual', headers: { 'user-agent': browserAgent } });
    const acknowledgedAtMs = Date.now();
    expect(redirect.status).toBe(302);
    await page.locator('#live-total[data-total="1"]').waitFor({ timeout: 10_000 });
    const changedAtMs = await page.evaluate<number | undefined>('window.changedAtMs');
    expect(changedAtMs).toBeTypeOf('number');
    const delayMs = changedAtMs! - acknowledgedAtMs;
    console.info(`the live counter changed ${delayMs} ms after the redirect was answered`);
    expect(delayMs).toBeLessThan(counterDelayMsMax);
    expect(await page.locator('#live-total').innerText()).toBe('1');

    // The chart: the click is a provisional bucket, drawn in the provisional colour.
    const chart = page.locator('#series-chart');
    await waitUntil(page, `(() => {
      const chart = document.getElementById('series-chart').dataset;
      return Number(chart.clicks ?? 0) >= 1 && Number(chart.provisional ?? 0) > 0 && document.querySelector('#series-chart table tbody tr') !== null;
    })()`, 15_000);
    expect(Number(await chart.getAttribute('data-clicks'))).toBe(1);
    // Pixels of the provisional colour (--provisional, #d97706 in the light theme) on the canvas.
    const provisionalPixels = await page.evaluate<number>(`(() => {
      const canvas = document.querySelector('#series-chart canvas');
      if (!canvas) return -1;
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let found = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 217) < 24 && Math.abs(data[i + 1] - 119) < 24 && data[i + 2] < 60 && data[i + 3] > 100) found++;
      return found;
    })()`);
    expect(provisionalPixels).toBeGreaterThan(20);
    expect(await page.locator('#series-chart table tbody tr').first().textContent()).toMatch(/provisional/);
    await shoot('3-link');

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(300);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shoot('4-link-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the account with its top links', async () => {
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('heading', { name: 'Northwind' }).waitFor();
    await page.getByRole('heading', { name: 'Top links' }).waitFor();
    await page.locator('#top-heading + p + ol a', { hasText: `/${slug}` }).waitFor();
    await page.getByRole('heading', { name: 'Invoices' }).waitFor();
    // This month's one click, against the plan.
    expect(await page.locator('#usage-billable').innerText()).toBe('1');
    await shoot('5-account');
  });

  it('shows a failed batch run in red with its error on the health page, and says fraud alerts need the operator token', async () => {
    const message = 'lake hour files could not be read: checksum mismatch in part-p2';
    const health = await fetch(`${pipeline.url}/v1/pipeline/health`, { headers: { authorization: `Bearer ${operatorToken}` } });
    const declared = health.ok ? ((await health.json()) as { batch?: { jobs?: { name: string; partitionKind: string | null }[] } }).batch?.jobs ?? [] : [];
    const job = declared[0] ?? { name: 'hourly-rollup', partitionKind: 'hour' };
    const runId = await recordFailedRun(dir.path, job, message);
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.getByRole('heading', { name: 'Pipeline health' }).waitFor();
    const failure = page.locator(`.failure[data-job="${job.name}"]`);
    await failure.waitFor({ timeout: 15_000 });
    expect(await failure.innerText()).toContain(message);
    expect(await failure.innerText()).toContain(`run ${runId} failed`);
    expect(await page.locator(`#batch-graph .node[data-job="${job.name}"]`).getAttribute('data-status')).toBe('failed');
    const failedRow = page.locator('#batch-runs tr.failed', { hasText: message });
    expect(await failedRow.count()).toBe(1);
    expect(await page.evaluate('getComputedStyle(document.querySelector("#batch-runs tr.failed td")).color')).toBe('rgb(180, 35, 24)');
    expect(await page.locator('#fraud-needs-operator').innerText()).toMatch(/operator token/);
    await shoot('6-health-read-key');
  });

  it('follows the fraud alert feed with the operator token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(operatorToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    await page.getByRole('button', { name: 'Look at account Northwind' }).click();
    await page.getByRole('link', { name: `/${slug}` }).waitFor();
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.locator('#fraud-heading + .live[data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#fraud-needs-operator').count()).toBe(0);
    await shoot('7-health-operator');
  });
});
