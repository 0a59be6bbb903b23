// Proves the log target writes its world into a store and its clicks through the ingestor into a
// real segmented log: the log holds exactly the unique events, decodable, with the store's ids.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { decodeClick } from '../../src/events/index.js';
import { createIngestor } from '../../src/ingest/index.js';
import { runLoadgenSession } from '../../src/loadgen/index.js';
import { createSegmentedLog, type EventLog } from '../../src/log/index.js';
import { createSqliteStore, type Store } from '../../src/store/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const clock = createSystemClock();
const logger = createSilentLogger();

describe('loadgen log target', () => {
  let dir: TempDir;
  let store: Store;
  let log: EventLog;

  beforeEach(async () => {
    dir = await makeTempDir('clickflow-loadgen-log-');
    store = createSqliteStore({ clock, logger }, { path: path.join(dir.path, 'clickflow.sqlite') });
    log = await createSegmentedLog({ clock, logger }, { dir: path.join(dir.path, 'log'), partitions: 4, groupCommitIntervalMs: 1 });
  });

  afterEach(async () => {
    await log.close();
    await store.close();
    await dir.remove();
  });

  it('appends exactly the unique events, with the store ids of links, users and accounts', async () => {
    const ingestor = createIngestor({ log, clock, logger }, { dedupeIdsMax: 100_000, dedupeWindowMs: 600_000 });
    try {
      const { summary, truth } = await runLoadgenSession(
        { clock, logger, ingestor, store },
        { run: { target: 'log', count: 6_000, batchSize: 500 }, generator: { seed: 4, accounts: 3, usersPerAccount: 2, links: 120, visitors: 2_000, networks: 200, duplicateShare: 0.02 }, truth: true },
      );
      const unique = truth!.acknowledged.unique;
      expect(unique).toBe(6_000 - truth!.acknowledged.duplicates);
      expect(summary.server).toEqual({ accepted: unique, duplicates: truth!.acknowledged.duplicates });
      const stats = await log.stats();
      expect(stats.reduce((sum, partition) => sum + partition.records, 0)).toBe(unique);

      const first = await log.read(stats.find((partition) => partition.records > 0)!.partition, 0, { maxRecords: 1 });
      const click = decodeClick(first.records[0]!.value);
      const link = await store.links.getBySlug(click.slug);
      expect(link).toMatchObject({ id: click.linkId, userId: click.userId, accountId: click.accountId });
      expect(truth!.links[click.linkId]?.slug).toBe(click.slug);
    } finally {
      ingestor.close();
    }
  });
});
