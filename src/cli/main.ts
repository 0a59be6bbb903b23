// The clickflow command line. Composition happens here and only here (CONVENTIONS.md rule 11):
// each command builds its dependencies (clock, logger, backends) and hands them down.
import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { createLogger, createSystemClock } from '../core/index.js';
import { registerAdminCommands } from './admin-commands.js';
import { registerBatchCommands } from './batch-commands.js';
import { openOrchestrator, openStore } from './compose.js';
import { loadConfig } from './config.js';
import { registerLoadgenCommand } from './loadgen-command.js';
import { registerStartCommand } from './start-command.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('clickflow')
    .description('Click analytics for URL shorteners: fraud verdicts in milliseconds, live link counters, daily digests and monthly bills.')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  registerStartCommand(program);
  // Management commands work on the store in the data folder (CLICKFLOW_DATA_DIR, default ./data).
  registerAdminCommands(program, () => openStore(loadConfig({}), { clock: createSystemClock(), logger: createLogger({ level: 'warn' }) }));
  registerLoadgenCommand(program);
  // Batch commands run beside a running pipeline on the same store: only what they are asked for.
  registerBatchCommands(program, async () => {
    const config = loadConfig({});
    const deps = { clock: createSystemClock(), logger: createLogger({ level: 'warn' }) };
    const store = await openStore(config, deps);
    const { orchestrator } = openOrchestrator(config, { store, ...deps });
    return { orchestrator, close: () => store.close() };
  });
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`clickflow: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
