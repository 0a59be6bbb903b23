// Proves the supervisor runs a job as two worker processes with disjoint partitions, forwards
// their commits over IPC (view values arriving as bytes), restarts a killed worker from its
// checkpoint, and stops them all with a last checkpoint: the result is exactly the ground truth.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { startStreamWorkers, type WorkerToParent } from '../../src/stream/index.js';
import { writeFileLog } from '../helpers/file-log.js';
import { committedCounts, groundTruth, makeClicks, sortedEntries } from './click-fixtures.js';
import { exampleJobName } from './example-job.js';

const clock = createSystemClock();
const logger = createSilentLogger();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('stream worker supervisor', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('splits partitions over two workers, restarts a killed one, and stops them with exactly the ground truth', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'clickflow-supervisor-'));
    folders.push(folder);
    const clicks = makeClicks({ count: 40_000, partitions: 4, startMs: clock.nowMs() - 3_600_000 });
    await writeFileLog(join(folder, 'log'), clicks);
    const storePath = join(folder, 'store.sqlite');
    const store = createSqliteStore({ clock, logger }, { path: storePath });
    const messages: { worker: number; message: WorkerToParent }[] = [];
    const supervisor = startStreamWorkers(
      { clock, logger, onMessage: (worker, message) => messages.push({ worker, message }) },
      {
        job: exampleJobName,
        registryModule: fileURLToPath(new URL('./example-job.ts', import.meta.url)),
        log: { kind: 'module', module: fileURLToPath(new URL('../helpers/file-log.ts', import.meta.url)), partitions: 4, options: { dir: join(folder, 'log') } },
        storePath,
        workers: 2,
        restartMsInitial: 50,
        worker: { checkpointIntervalMs: 50, idleTimeoutMs: 300, readWaitMs: 50, readRecordsMax: 200 },
        logLevel: 'warn',
        execArgv: ['--import', 'tsx'],
      },
    );
    try {
      const started = () => messages.filter((entry) => entry.message.type === 'started');
      await waitFor(() => started().length === 2, 'both workers to start');
      const assigned = started().map((entry) => (entry.message.type === 'started' ? entry.message.partitions : []));
      expect(assigned.sort((a, b) => a[0]! - b[0]!)).toEqual([
        [0, 2],
        [1, 3],
      ]);
      const killed = supervisor.workers()[0]!;
      process.kill(killed.pid!, 'SIGKILL');
      await waitFor(() => supervisor.workers()[0]!.restarts === 1 && started().length === 3, 'the killed worker to restart');
      expect(supervisor.workers()[0]!.pid).not.toBe(killed.pid);

      const truth = groundTruth(clicks);
      await waitFor(async () => sortedEntries(await committedCounts(store)).join() === sortedEntries(truth).join(), 'the committed views to reach the ground truth');
      await supervisor.stop();
      expect(supervisor.workers().map((worker) => worker.state)).toEqual(['stopped', 'stopped']);
      expect(sortedEntries(await committedCounts(store))).toEqual(sortedEntries(truth));

      const commits = messages.flatMap((entry) => (entry.message.type === 'commit' ? [entry.message.update] : []));
      expect(commits.length).toBeGreaterThan(2);
      const change = commits.flatMap((update) => update.views)[0]!;
      expect(change.value).toBeInstanceOf(Uint8Array);
      expect(messages.filter((entry) => entry.message.type === 'stopped')).toHaveLength(2);
    } finally {
      await supervisor.stop();
      await store.close();
    }
  });
});
