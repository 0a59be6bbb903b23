// A child process for the concurrent-migration test: opens the store file named on the command
// line when told "go" on stdin, migrates, and prints the migration report as one JSON line.
import { createInterface } from 'node:readline';
import { createSilentLogger, createSystemClock, errorMessage } from '../../src/core/index.js';
import { createSqliteStore } from '../../src/store/index.js';

const path = process.argv[2]!;
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  lines.close();
  try {
    const store = createSqliteStore({ clock: createSystemClock(), logger: createSilentLogger() }, { path, autoMigrate: false, busyTimeoutMs: 30_000 });
    store
      .migrate()
      .then(async (report) => {
        await store.close();
        process.stdout.write(`${JSON.stringify(report)}\n`);
      })
      .catch((error: unknown) => {
        process.stderr.write(`${errorMessage(error)}\n`);
        process.exitCode = 1;
      });
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    process.exitCode = 1;
  }
});
