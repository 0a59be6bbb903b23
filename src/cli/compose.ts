// Composition of the embedded pipeline: the one place where backends, clock and logger are built
// and handed to every role (CONVENTIONS.md rule 11).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Logger } from '../core/index.js';
import { namespaced } from '../core/index.js';
import { createEventIdGenerator } from '../events/index.js';
import { createIngestor, createUserAgentClassifier } from '../ingest/index.js';
import type { EventLog } from '../log/index.js';
import { createNatsLog, createSegmentedLog } from '../log/index.js';
import type { Store } from '../store/index.js';
import { createSqliteStore } from '../store/index.js';
import { createServing, type Serving } from '../serve/index.js';
import type { Config } from './config.js';

export interface Pipeline {
  url: string;
  port: number;
  adminTokenPath: string | undefined;
  log: EventLog;
  store: Store;
  stop(): Promise<void>;
}

export async function openLog(config: Config, deps: { clock: Clock; logger: Logger }): Promise<EventLog> {
  const logger = namespaced(deps.logger, `log.${config.logBackend}`);
  if (config.logBackend === 'nats') {
    return createNatsLog({ clock: deps.clock, logger }, { servers: config.natsUrl, partitions: config.partitions });
  }
  return createSegmentedLog(
    { clock: deps.clock, logger },
    { dir: path.join(config.dataDir, 'log'), partitions: config.partitions, groupCommitIntervalMs: config.groupCommitIntervalMs },
  );
}

export async function openStore(config: Config, deps: { clock: Clock; logger: Logger }): Promise<Store> {
  await mkdir(config.dataDir, { recursive: true });
  const store = createSqliteStore(
    { clock: deps.clock, logger: deps.logger },
    { path: path.join(config.dataDir, 'clickflow.sqlite') },
  );
  await store.migrate();
  return store;
}

/** The operator token: configured, or generated once into the data folder (readable by its owner only). */
async function operatorToken(config: Config): Promise<{ token: string; path: string | undefined }> {
  if (config.adminToken) return { token: config.adminToken, path: undefined };
  const tokenPath = path.join(config.dataDir, 'admin-token');
  try {
    return { token: (await readFile(tokenPath, 'utf8')).trim(), path: tokenPath };
  } catch {
    const token = `cf_operator_${randomBytes(24).toString('base64url')}`;
    await writeFile(tokenPath, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(tokenPath, 0o600);
    return { token, path: tokenPath };
  }
}

export async function startPipeline(config: Config, deps: { clock: Clock; logger: Logger }): Promise<Pipeline> {
  const { clock, logger } = deps;
  await mkdir(config.dataDir, { recursive: true });
  const log = await openLog(config, deps);
  const store = await openStore(config, deps);
  const admin = await operatorToken(config);
  const ingestor = createIngestor(
    { log, clock, logger: namespaced(logger, 'ingest') },
    { dedupeIdsMax: 4_000_000, dedupeWindowMs: 10 * 60_000 },
  );
  const restored = await ingestor.restoreDedupe();
  logger.info({ restored }, 'dedupe window restored from the log');
  let serving: Serving | undefined;
  try {
    serving = await createServing(
      { store, ingestor, clock, logger: namespaced(logger, 'serve'), nextEventId: createEventIdGenerator(clock), classifyUserAgent: createUserAgentClassifier(10_000) },
      config,
      admin.token,
    );
  } catch (error) {
    ingestor.close();
    await Promise.allSettled([log.close(), store.close()]);
    throw error;
  }
  const running = serving;
  return {
    url: running.url,
    port: running.port,
    adminTokenPath: admin.path,
    log,
    store,
    async stop() {
      await running.close();
      ingestor.close();
      await log.close();
      await store.close();
    },
  };
}
