// `clickflow start`: every role in one process tree on the embedded defaults.
import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run every role (ingest, stream, batch, serve, dashboard) on the embedded defaults')
    .option('--data-dir <dir>', 'where the log, store and lake live (env CLICKFLOW_DATA_DIR)', process.env.CLICKFLOW_DATA_DIR ?? './data')
    .option('--port <port>', 'HTTP port for redirects, the API and the dashboard (env CLICKFLOW_PORT)', process.env.CLICKFLOW_PORT ?? '8080')
    .action(async () => {
      throw new Error('start is not wired yet');
    });
}
