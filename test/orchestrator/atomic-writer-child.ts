// A child process for the atomic output tests, killed by SIGKILL while it writes.
//   write <dir> <name> <chunks>: writes <chunks> × 64 KiB to <dir>/<name> through
//     writeOutputAtomically, slowly, printing `writing` after the first chunk.
//   orchestrate <store> <dir>: runs partition 2026-11-25T08 of a job that writes its output the
//     same way, through an orchestrator on the SQLite store <store>.
import { open } from 'node:fs/promises';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createOrchestrator, writeOutputAtomically } from '../../src/orchestrator/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { slowOutputJob } from './atomic-output-job.js';

const chunkBytes = 64 * 1024;

async function writeSlowly(path: string, chunks: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let index = 0; index < chunks; index++) {
      await file.write(Buffer.alloc(chunkBytes, 0x61 + (index % 26)));
      if (index === 0) process.stdout.write('writing\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await file.close();
  }
}

const [mode, first, second, third] = process.argv.slice(2);
if (mode === 'write') {
  const output = await writeOutputAtomically(first!, second!, (path) => writeSlowly(path, Number(third)));
  process.stdout.write(`done ${output.hash}\n`);
} else if (mode === 'orchestrate') {
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const store = createSqliteStore({ clock, logger }, { path: first! });
  const orchestrator = createOrchestrator({ store, clock, logger }, { jobs: [slowOutputJob(second!, (path) => writeSlowly(path, 1_000))] });
  await orchestrator.runPartition('hourly-export', '2026-11-25T08');
  process.stdout.write('done\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}
