// The stream worker process: `node worker-main.js` with its configuration as JSON in the
// CLICKFLOW_STREAM_WORKER variable, forked with an IPC channel by `startStreamWorkers`. It runs
// one job on its partitions, pushes each commit's view rows (and live messages) to the parent,
// and stops with a last checkpoint on a `stop` message, SIGTERM or the parent going away. It may
// also be SIGKILLed at any instant: the next start resumes from the last commit.
import { pathToFileURL } from 'node:url';
import { ClickflowError, createLogger, createSystemClock, errorMessage, type Logger } from '../core/index.js';
import { createSegmentedLog, type EventLog } from '../log/index.js';
import { createSqliteStore, type Store } from '../store/index.js';
import { startCommitThread, type ThreadedCheckpoints } from './commit-thread.js';
import { buildJob, loadJobRegistry } from './job-registry.js';
import { runStreamWorker, type StreamWorker } from './run-stream-worker.js';
import { isParentMessage, toWire, workerConfigVariable, type StreamWorkerConfig, type WorkerLogConfig, type WorkerToParent } from './worker-protocol.js';

function readConfig(): StreamWorkerConfig {
  const text = process.env[workerConfigVariable];
  if (text === undefined) throw new Error(`${workerConfigVariable} is not set; this process is started by startStreamWorkers`);
  return JSON.parse(text) as StreamWorkerConfig;
}

/** Sends to the parent when there is one; `then` runs once the message is handed over. */
function send(message: WorkerToParent, then?: () => void): void {
  if (process.send === undefined || !process.connected) {
    then?.();
    return;
  }
  process.send(toWire(message), undefined, {}, () => then?.());
}

async function openLog(config: WorkerLogConfig, logger: Logger): Promise<EventLog> {
  // A follower: the serving process is the log's only writer; a worker reads what it acknowledged.
  if (config.kind === 'segmented') return createSegmentedLog({ clock: createSystemClock(), logger }, { dir: config.dir, partitions: config.partitions, readOnly: true });
  const loaded = (await import(/^file:/.test(config.module) ? config.module : pathToFileURL(config.module).href)) as { openEventLog?: (options: unknown) => Promise<EventLog> };
  if (typeof loaded.openEventLog !== 'function') throw new Error(`${config.module} exports no openEventLog function`);
  const log = await loaded.openEventLog(config.options);
  if (log.partitions !== config.partitions) throw new Error(`${config.module} opened a log of ${log.partitions} partitions, not ${config.partitions}`);
  return log;
}

async function openBackends(config: StreamWorkerConfig, logger: Logger): Promise<{ log: EventLog; store: Store }> {
  const store = createSqliteStore({ clock: createSystemClock(), logger }, { path: config.storePath });
  try {
    const log = await openLog(config.log, logger);
    return { log, store };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function stopOnRequest(worker: StreamWorker): void {
  const stop = (): void => void worker.stop().catch(() => undefined);
  process.on('message', (message: unknown) => {
    if (isParentMessage(message)) stop();
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel ?? 'info' }).child({ pid: process.pid });
  const job = buildJob(await loadJobRegistry(config.registryModule), config.job);
  const { log, store } = await openBackends(config, logger);
  // A job whose commits may overlap its processing commits on a thread of its own.
  const threaded: ThreadedCheckpoints | undefined = job.commitsOverlap === true ? await startCommitThread(store.streamCheckpoints, { storePath: config.storePath }) : undefined;
  const worker: StreamWorker = runStreamWorker(
    {
      log,
      checkpoints: threaded ?? store.streamCheckpoints,
      clock: createSystemClock(),
      logger,
      job,
      onCommit: (update) => send({ type: 'commit', update, metrics: worker.metrics()! }),
      onLive: (messages) => send({ type: 'live', messages }),
    },
    { ...config.options, partitions: config.partitions },
  );
  stopOnRequest(worker);
  await worker.started;
  send({ type: 'started', job: job.name, partitions: [...worker.partitions], pid: process.pid });
  try {
    await worker.done;
  } finally {
    await threaded?.close().catch(() => undefined);
    await log.close().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
  send({ type: 'stopped', metrics: worker.metrics() }, () => process.exit(0));
}

main().catch((error: unknown) => {
  const classified = error instanceof ClickflowError ? error.code : 'error';
  process.stderr.write(`stream worker ${process.pid}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  const name = error instanceof Error ? error.name : 'Error';
  send({ type: 'failed', error: { name, message: errorMessage(error), code: classified } }, () => process.exit(1));
});
