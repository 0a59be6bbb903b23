// The clickflow command line. Composition happens here and only here (CONVENTIONS.md rule 11):
// each command builds its dependencies (clock, logger, backends) and hands them down.
import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { registerStartCommand } from './start-command.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('clickflow')
    .description('Click analytics for URL shorteners: fraud verdicts in milliseconds, live link counters, daily digests and monthly bills.')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  registerStartCommand(program);
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
