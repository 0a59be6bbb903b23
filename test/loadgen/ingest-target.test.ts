// Proves the ingest target sets up its world through the management API of a real server, sends
// its load over HTTP, and that the server stores exactly the unique events the truth counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../../src/cli/compose.js';
import { loadConfig } from '../../src/cli/config.js';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { runLoadgenSession } from '../../src/loadgen/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const operatorToken = 'cf_operator_loadgen_test_token';
const world = { seed: 11, accounts: 4, usersPerAccount: 3, links: 300, visitors: 3_000, networks: 400 };

describe('loadgen ingest target against the serving stack', () => {
  let dir: TempDir;
  let pipeline: Pipeline;

  beforeAll(async () => {
    dir = await makeTempDir('clickflow-loadgen-');
    const config = loadConfig({ stream: false, batch: false, dataDir: dir.path, port: '0', host: '127.0.0.1', adminToken: operatorToken, groupCommitIntervalMs: '1' }, {});
    pipeline = await startPipeline(config, { clock: createSystemClock(), logger: createSilentLogger() });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dir?.remove();
  });

  const storedRecords = async (): Promise<number> => (await pipeline.log.stats()).reduce((sum, partition) => sum + partition.records, 0);

  it('stores exactly the unique events it sent, and drops every duplicate', async () => {
    const deps = { clock: createSystemClock(), logger: createSilentLogger(), operatorToken };
    const { summary, truth } = await runLoadgenSession(deps, {
      run: { target: 'ingest', url: pipeline.url, count: 4_000, batchSize: 250 },
      generator: { ...world, duplicateShare: 0.03 },
      truth: true,
    });
    expect(truth).toBeDefined();
    expect(summary.failed).toBe(0);
    expect(summary.world.provisioned?.created.links).toBe(world.links);
    expect(truth!.acknowledged.events).toBe(4_000);
    expect(truth!.acknowledged.duplicates).toBeGreaterThan(0);
    expect(truth!.acknowledged.unique).toBe(4_000 - truth!.acknowledged.duplicates);
    expect(summary.server).toEqual({ accepted: truth!.acknowledged.unique, duplicates: truth!.acknowledged.duplicates });
    expect(await storedRecords()).toBe(truth!.acknowledged.unique);
  });

  it('holds a rate with event times that follow the clock from after the setup', async () => {
    const before = await storedRecords();
    const deps = { clock: createSystemClock(), logger: createSilentLogger(), operatorToken };
    const { summary, truth } = await runLoadgenSession(deps, {
      run: { target: 'ingest', url: pipeline.url, rate: 2_000, durationMs: 1_500, flushIntervalMs: 20 },
      generator: { ...world, prefix: 'paced' },
      truth: true,
    });
    const startMs = Date.parse(summary.start);
    expect(summary.world.provisioned?.created.links).toBe(world.links);
    expect(Date.now() - startMs).toBeLessThan(5_000);
    expect(summary.acknowledged).toBeGreaterThan(2_700);
    expect(summary.acknowledged).toBeLessThan(3_300);
    expect(summary.failed).toBe(0);
    expect(await storedRecords()).toBe(before + truth!.acknowledged.unique);
  });

  it('reuses the world of the same prefix on a second run', async () => {
    const before = await storedRecords();
    const deps = { clock: createSystemClock(), logger: createSilentLogger(), operatorToken };
    const { summary, truth } = await runLoadgenSession(deps, {
      run: { target: 'ingest', url: pipeline.url, count: 1_000, batchSize: 1_000 },
      generator: { ...world, startMs: Date.now() - 3_600_000 },
      truth: true,
    });
    expect(summary.world.provisioned?.created).toEqual({ accounts: 0, users: 0, links: 0 });
    expect(summary.world.provisioned?.reused.links).toBe(world.links);
    expect(await storedRecords()).toBe(before + truth!.acknowledged.unique);
  });
});
