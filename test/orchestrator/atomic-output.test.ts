// Proves outputs appear whole or not at all: a writer process SIGKILLed mid-write leaves the
// previous output intact and only a temporary file, which cleanup removes; an aborted or failed
// write leaves nothing; and an orchestrator killed while a job writes leaves no partial output,
// records the run as interrupted on the next start and builds the partition again.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createOrchestrator, removeAbandonedOutputs, writeOutputAtomically, hashFile } from '../../src/orchestrator/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { slowOutputJob } from './atomic-output-job.js';

const childPath = fileURLToPath(new URL('./atomic-writer-child.ts', import.meta.url));
let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'clickflow-atomic-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Starts the child, waits until it says `writing`, kills it with SIGKILL and waits for it to die. */
async function killWhileWriting(args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', childPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('writing\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`the child exited before writing: ${stdout}${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(stdout).not.toContain('done');
}

describe('writeOutputAtomically', () => {
  it('leaves the previous output whole when its writer is killed mid-write, and cleanup removes the temporary file', async () => {
    const first = await writeOutputAtomically(folder, 'hour.bin', (path) => writeFile(path, 'version 1'));
    expect(first).toMatchObject({ path: join(folder, 'hour.bin'), bytes: 9 });
    expect(first.hash).toBe((await hashFile(join(folder, 'hour.bin'))).hash);

    await killWhileWriting(['write', folder, 'hour.bin', '1000']);
    expect(await readFile(join(folder, 'hour.bin'), 'utf8')).toBe('version 1');
    const left = await readdir(folder);
    expect(left).toHaveLength(2);
    const temporary = left.find((name) => name !== 'hour.bin')!;
    expect(temporary).toMatch(/^\.hour\.bin\.\d+\.[0-9a-f]{12}\.partial$/);
    expect((await stat(join(folder, temporary))).size).toBeGreaterThan(0);

    expect(await removeAbandonedOutputs(folder)).toEqual([temporary]);
    expect(await readdir(folder)).toEqual(['hour.bin']);
  });

  it('keeps the current output when aborted before the rename or when the writer fails, leaving no temporary file', async () => {
    await writeOutputAtomically(folder, 'day.json', (path) => writeFile(path, '{"v":1}'));
    const controller = new AbortController();
    const aborted = writeOutputAtomically(
      folder,
      'day.json',
      async (path) => {
        await writeFile(path, '{"v":2}');
        controller.abort(new Error('timed out'));
      },
      { signal: controller.signal },
    );
    await expect(aborted).rejects.toThrow('timed out');
    await expect(writeOutputAtomically(folder, 'day.json', async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    await expect(writeOutputAtomically(folder, 'day.json', async () => undefined)).rejects.toThrow(/left no file at its temporary path/);
    expect(await readdir(folder)).toEqual(['day.json']);
    expect(await readFile(join(folder, 'day.json'), 'utf8')).toBe('{"v":1}');
    await expect(writeOutputAtomically(folder, '../escape.json', async () => undefined)).rejects.toThrow(/must be a plain file name/);
  });
});

describe('a job killed mid-run', () => {
  it('leaves no partial output; the next start records the run as interrupted and builds the partition whole', async () => {
    const storePath = join(folder, 'store.sqlite');
    const outputs = join(folder, 'outputs');
    await killWhileWriting(['orchestrate', storePath, outputs]);
    expect((await readdir(outputs)).filter((name) => !name.startsWith('.'))).toEqual([]);

    const clock = createSystemClock();
    const logger = createSilentLogger();
    const store = createSqliteStore({ clock, logger }, { path: storePath });
    const content = Buffer.alloc(100_000, 0x7a);
    const orchestrator = createOrchestrator({ store, clock, logger }, { jobs: [slowOutputJob(outputs, (path) => writeFile(path, content))] });
    try {
      expect((await orchestrator.listRuns())[0]).toMatchObject({ status: 'running', partition: '2026-11-25T08' });
      expect(await removeAbandonedOutputs(outputs)).toHaveLength(1);
      await orchestrator.start();
      await orchestrator.idle();
      const runs = (await orchestrator.listRuns()).reverse();
      expect(runs.map((run) => `${run.status} ${run.trigger}`)).toEqual(['failed manual', 'succeeded recovery']);
      expect(runs[0]).toMatchObject({ errorCode: 'interrupted' });
      expect(await readdir(outputs)).toEqual(['2026-11-25T08.bin']);
      const written = await readFile(join(outputs, '2026-11-25T08.bin'));
      expect(written.equals(content)).toBe(true);
      expect(runs[1]!.outputHash).toBe((await hashFile(join(outputs, '2026-11-25T08.bin'))).hash);
    } finally {
      await orchestrator.stop();
      await store.close();
    }
  });
});
