// Composition of the embedded pipeline: the one place where backends, clock and logger are built
// and handed to every role (CONVENTIONS.md rule 11). `startPipeline` runs, in one process tree:
// ingest and the HTTP server (redirects, ingest API, query API, dashboard) in this process; the
// speed layer (fraud + counters) and the archiver as stream worker processes; the lake sealer and
// the batch orchestrator in this process.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock, Logger } from '../core/index.js';
import { errorMessage, namespaced } from '../core/index.js';
import { hourLabel, openLake, createLakeSealer, type Lake, type LakeSealer } from '../batch/index.js';
import { createEventIdGenerator } from '../events/index.js';
import { createIngestor, createUserAgentClassifier } from '../ingest/index.js';
import { archiverEnvironment, archiverJobName, archiverWorkerOptions } from '../jobs/archiver/index.js';
import { speedJobName } from '../jobs/counters/index.js';
import { hourlyRollupJobName } from '../jobs/rollups/index.js';
import type { EventLog } from '../log/index.js';
import { createNatsLog, createSegmentedLog } from '../log/index.js';
import { createOrchestrator, createWebhookAlertSender, removeAbandonedOutputs, type Orchestrator } from '../orchestrator/index.js';
import type { Store } from '../store/index.js';
import { createSqliteStore } from '../store/index.js';
import {
  createCounterViews,
  createFraudAlertHub,
  createFraudLive,
  createFraudWebhook,
  createServing,
  createVerdictTable,
  registerCounterRoutes,
  registerFraudRoutes,
  registerQueryRoutes,
  type RouteRegistrar,
  type Serving,
  type ServingServices,
  type StreamJobStatus,
} from '../serve/index.js';
import { startStreamWorkers, type StreamMetrics, type StreamSupervisor, type WorkerLogConfig, type WorkerToParent } from '../stream/index.js';
import { registerDashboard } from '../web/index.js';
import { batchJobs } from './batch-jobs.js';
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

export function storePathOf(config: Config): string {
  return path.join(config.dataDir, 'clickflow.sqlite');
}

export async function openStore(config: Config, deps: { clock: Clock; logger: Logger }): Promise<Store> {
  await mkdir(config.dataDir, { recursive: true });
  const store = createSqliteStore({ clock: deps.clock, logger: deps.logger }, { path: storePathOf(config) });
  await store.migrate();
  return store;
}

/** The lake and the orchestrator with every batch job declared, for `clickflow start` and `clickflow batch`. */
export function openOrchestrator(config: Config, deps: { store: Store; clock: Clock; logger: Logger }): { lake: Lake; orchestrator: Orchestrator } {
  const lake = openLake({ dir: path.join(config.dataDir, 'lake'), store: deps.store });
  const logger = namespaced(deps.logger, 'batch');
  const alerts = config.alertWebhookUrl ? createWebhookAlertSender({ clock: deps.clock, logger }, { url: config.alertWebhookUrl }) : undefined;
  const orchestrator = createOrchestrator(
    { store: deps.store, clock: deps.clock, logger, alerts },
    { jobs: batchJobs({ store: deps.store, lake, clock: deps.clock, logger }, config) },
  );
  return { lake, orchestrator };
}

/**
 * Removes temporary output files a killed batch run left behind (their writer's process is gone),
 * in every partition folder of the batch outputs. Returns how many were removed.
 */
export async function removeAbandonedBatchOutputs(dataDir: string): Promise<number> {
  let removed = 0;
  for (const root of [path.join(dataDir, 'rollups', 'hourly'), path.join(dataDir, 'rollups', 'daily'), path.join(dataDir, 'outbox'), path.join(dataDir, 'invoices')]) {
    let entries;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    removed += (await removeAbandonedOutputs(root)).length;
    for (const entry of entries) if (entry.isDirectory()) removed += (await removeAbandonedOutputs(path.join(root, entry.name))).length;
  }
  return removed;
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

function workerLogConfig(config: Config): WorkerLogConfig {
  if (config.logBackend === 'segmented') return { kind: 'segmented', dir: path.join(config.dataDir, 'log'), partitions: config.partitions };
  const module = fileURLToPath(new URL(`./nats-worker-log${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  return { kind: 'module', module, partitions: config.partitions, options: { servers: config.natsUrl, partitions: config.partitions } };
}

/** What the serving process keeps of each stream job: workers' latest metrics and the last commit. */
interface StreamJobTrack {
  supervisor: StreamSupervisor;
  metrics: Map<number, StreamMetrics>;
  lastCommitAtMs: number | null;
}

/** Stops everything started so far, in reverse order, logging (not throwing) what fails. */
async function stopAll(stops: (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      logger.error({ err: errorMessage(error) }, 'error while stopping a role');
    }
  }
}

export async function startPipeline(config: Config, deps: { clock: Clock; logger: Logger }): Promise<Pipeline> {
  const { clock, logger } = deps;
  await mkdir(config.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  try {
    const log = await openLog(config, deps);
    stops.push(() => log.close());
    const store = await openStore(config, deps);
    stops.push(() => store.close());
    const admin = await operatorToken(config);
    const ingestor = createIngestor(
      { log, clock, logger: namespaced(logger, 'ingest') },
      { dedupeIdsMax: 4_000_000, dedupeWindowMs: 10 * 60_000 },
    );
    stops.push(async () => ingestor.close());
    const restored = await ingestor.restoreDedupe();
    logger.info({ restored }, 'dedupe window restored from the log');

    // The speed layer's serving side: counters views fed by worker commits, fraud verdicts and alerts
    // fed by live messages.
    const counterViews = createCounterViews({ store, clock, logger: namespaced(logger, 'serve.counters') });
    const fraudTable = createVerdictTable();
    const fraudAlerts = createFraudAlertHub({ clock, logger: namespaced(logger, 'serve.fraud') });
    stops.push(async () => fraudAlerts.close());
    const fraudWebhook = config.fraudWebhookUrl
      ? createFraudWebhook({ clock, logger: namespaced(logger, 'serve.fraud.webhook') }, { url: config.fraudWebhookUrl, secret: config.fraudWebhookSecret })
      : undefined;
    if (fraudWebhook) stops.push(() => fraudWebhook.close());
    const fraudLive = createFraudLive({ table: fraudTable, alerts: fraudAlerts, webhook: fraudWebhook, clock, logger: namespaced(logger, 'serve.fraud') });

    const tracks = new Map<string, StreamJobTrack>();
    const onMessage = (job: string) => (worker: number, message: WorkerToParent) => {
      const track = tracks.get(job);
      if (message.type === 'commit') {
        counterViews.applyCommitted(message.update);
        if (track) {
          track.metrics.set(worker, message.metrics);
          track.lastCommitAtMs = clock.nowMs();
        }
      } else if (message.type === 'live') {
        for (const live of message.messages) fraudLive.apply(live);
      }
    };
    const storePath = storePathOf(config);
    const lakeDir = path.join(config.dataDir, 'lake');
    if (config.stream) {
      const workerLog = workerLogConfig(config);
      const speed = startStreamWorkers(
        { clock, logger, onMessage: onMessage(speedJobName) },
        {
          job: speedJobName,
          registryModule: fileURLToPath(new URL(`./speed-registry${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url)),
          log: workerLog,
          storePath,
          workers: config.streamWorkers,
          logLevel: config.logLevel,
        },
      );
      tracks.set(speedJobName, { supervisor: speed, metrics: new Map(), lastCommitAtMs: null });
      stops.push(() => speed.stop());
      // Forked workers inherit the environment: the archiver's options travel in it.
      Object.assign(process.env, archiverEnvironment({ lakeDir }));
      const archiver = startStreamWorkers(
        { clock, logger, onMessage: onMessage(archiverJobName) },
        {
          job: archiverJobName,
          registryModule: fileURLToPath(new URL(`../jobs/archiver/registry${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url)),
          log: workerLog,
          storePath,
          workers: 1,
          worker: { ...archiverWorkerOptions, checkpointIntervalMs: config.archiverCheckpointIntervalMs },
          logLevel: config.logLevel,
        },
      );
      tracks.set(archiverJobName, { supervisor: archiver, metrics: new Map(), lastCommitAtMs: null });
      stops.push(() => archiver.stop());
    }

    let orchestrator: Orchestrator | undefined;
    let sealer: LakeSealer | undefined;
    if (config.batch) {
      const removed = await removeAbandonedBatchOutputs(config.dataDir);
      if (removed > 0) logger.info({ removed }, 'removed temporary files of interrupted batch runs');
      const batch = openOrchestrator(config, { store, clock, logger });
      const running = batch.orchestrator;
      orchestrator = running;
      sealer = createLakeSealer(
        {
          store,
          clock,
          logger: namespaced(logger, 'batch.sealer'),
          // Late clicks for a sealed hour: rebuild it, and what reads it downstream.
          onReopen: async (seal) => {
            await running.reopen(hourlyRollupJobName, hourLabel(seal.hourStartMs));
          },
        },
        { partitions: config.partitions, intervalMs: config.lakeSealIntervalMs },
      );
      sealer.start();
      const startedSealer = sealer;
      stops.push(() => startedSealer.stop());
      await running.start();
      stops.push(() => running.stop());
    }

    const services: ServingServices = {
      store,
      log,
      clock,
      logger: namespaced(logger, 'serve'),
      dataDir: config.dataDir,
      counterViews,
      fraudTable,
      fraudAlerts,
      orchestrator,
      streamJobs: (): StreamJobStatus[] =>
        [...tracks].map(([job, track]) => ({
          job,
          workers: track.supervisor.workers(),
          metrics: [...track.metrics.values()],
          lastCommitAtMs: track.lastCommitAtMs,
        })),
    };
    const routes: RouteRegistrar[] = [
      (app) => registerCounterRoutes(app, { store, counterViews, clock, logger: services.logger }),
      (app) => registerFraudRoutes(app, { table: fraudTable, alerts: fraudAlerts }),
      (app) => registerQueryRoutes(app, services, { metricsAccess: config.metricsAccess }),
      (app) => registerDashboard(app, services),
    ];
    const serving: Serving = await createServing(
      { store, ingestor, clock, logger: namespaced(logger, 'serve'), nextEventId: createEventIdGenerator(clock), classifyUserAgent: createUserAgentClassifier(10_000) },
      config,
      admin.token,
      routes,
    );
    services.redirectStats = () => serving.redirectStats();
    // The server stops first (no new clicks), then the roles behind it.
    stops.push(() => serving.close());
    return {
      url: serving.url,
      port: serving.port,
      adminTokenPath: admin.path,
      log,
      store,
      stop: () => stopAll(stops, logger),
    };
  } catch (error) {
    await stopAll(stops, logger);
    throw error;
  }
}
