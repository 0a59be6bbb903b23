// Proves the redirect target clicks real short links of a real server: each acknowledged GET is
// one stored click, from the address and with the agent, referrer and country it sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../../src/cli/compose.js';
import { loadConfig } from '../../src/cli/config.js';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { decodeClick, type ClickEvent } from '../../src/events/index.js';
import { runLoadgenSession } from '../../src/loadgen/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const operatorToken = 'cf_operator_loadgen_redirect_token';

async function allClicks(pipeline: Pipeline): Promise<ClickEvent[]> {
  const clicks: ClickEvent[] = [];
  for (const partition of await pipeline.log.stats()) {
    let offset = partition.startOffset;
    while (offset < partition.endOffset) {
      const batch = await pipeline.log.read(partition.partition, offset);
      clicks.push(...batch.records.map((record) => decodeClick(record.value)));
      offset = batch.nextOffset;
    }
  }
  return clicks;
}

describe('loadgen redirect target against the serving stack', () => {
  let dir: TempDir;
  let pipeline: Pipeline;

  beforeAll(async () => {
    dir = await makeTempDir('clickflow-loadgen-redirect-');
    const config = loadConfig(
      { stream: false, batch: false, dataDir: dir.path, port: '0', host: '127.0.0.1', adminToken: operatorToken, groupCommitIntervalMs: '1', trustedProxies: '127.0.0.0/8,::1/128', countryHeader: 'cf-ipcountry' },
      {},
    );
    pipeline = await startPipeline(config, { clock: createSystemClock(), logger: createSilentLogger() });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dir?.remove();
  });

  it('stores one click per acknowledged request, as the visitor sent it', async () => {
    const { summary, truth } = await runLoadgenSession(
      { clock: createSystemClock(), logger: createSilentLogger(), operatorToken },
      { run: { target: 'redirect', url: pipeline.url, count: 600, inFlight: 16 }, generator: { seed: 8, accounts: 2, usersPerAccount: 2, links: 50, visitors: 500, networks: 50, fraudShare: 0.1, burstClicks: 50 }, truth: true },
    );
    expect(summary.failed).toBe(0);
    expect(truth!.acknowledged.unique).toBe(600);
    const clicks = await allClicks(pipeline);
    expect(clicks).toHaveLength(600);
    const fraudIps = new Set(truth!.fraudIps);
    const fraudClicks = clicks.filter((click) => fraudIps.has(click.ip)).length;
    expect(fraudClicks).toBe(truth!.totals[3]);
    expect(clicks.filter((click) => click.bot).length).toBe(truth!.totals[2]);
    for (const click of clicks) expect(truth!.links[click.linkId]?.slug).toBe(click.slug);
    expect(clicks.some((click) => click.country !== '' && click.referrer !== '')).toBe(true);
  });
});
