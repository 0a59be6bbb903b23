// `clickflow start`: every role in one process tree on the embedded defaults. Stops cleanly on
// SIGINT and SIGTERM: the HTTP server stops taking requests, pending appends are made durable,
// and files are closed.
import type { Command } from 'commander';
import { createLogger, createSystemClock, errorMessage } from '../core/index.js';
import { configSpec, envName, loadConfig } from './config.js';
import { startPipeline } from './compose.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run every role (ingest, redirect, API; stream and batch as they land) on the embedded defaults')
    .option('--data-dir <dir>', `${configSpec.dataDir.doc} (env ${envName('dataDir')}, default ${configSpec.dataDir.default})`)
    .option('--port <port>', `${configSpec.port.doc} (env ${envName('port')}, default ${configSpec.port.default})`)
    .option('--host <address>', `${configSpec.host.doc} (env ${envName('host')}, default ${configSpec.host.default})`)
    .option('--partitions <count>', `${configSpec.partitions.doc} (env ${envName('partitions')}, default ${configSpec.partitions.default})`)
    .addHelpText('after', '\nEvery setting can also come from the environment: CLICKFLOW_<SETTING> in upper snake case, e.g. CLICKFLOW_TRUSTED_PROXIES=10.0.0.0/8.')
    .action(async (flags: { dataDir?: string; port?: string; host?: string; partitions?: string }) => {
      const config = loadConfig(flags);
      const logger = createLogger({ level: config.logLevel });
      const pipeline = await startPipeline(config, { clock: createSystemClock(), logger });
      process.stdout.write(
        `clickflow is running at ${pipeline.url} (data in ${config.dataDir})\n` +
          (pipeline.adminTokenPath ? `operator token: ${pipeline.adminTokenPath}\n` : '') +
          'press Ctrl+C to stop\n',
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'stopping');
          pipeline
            .stop()
            .catch((error: unknown) => logger.error({ err: errorMessage(error) }, 'error while stopping'))
            .finally(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      process.stdout.write('clickflow stopped\n');
    });
}
