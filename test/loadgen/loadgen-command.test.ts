// Proves `clickflow loadgen` runs from its flags (file target, durations, a truth file, --json),
// is reproducible from its seed, and answers a bad flag with an error naming that flag.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerLoadgenCommand } from '../../src/cli/loadgen-command.js';
import type { GroundTruthReport, LoadgenSummary } from '../../src/loadgen/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

interface RunResult {
  out: string;
  err: string;
  exitCode: number;
}

async function clickflow(...args: string[]): Promise<RunResult> {
  let out = '';
  let err = '';
  const program = new Command('clickflow').exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  registerLoadgenCommand(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err, exitCode: 0 };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out, err, exitCode: error.exitCode };
  }
}

describe('clickflow loadgen', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('clickflow-loadgen-cli-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  const fileRun = (name: string) => [
    'loadgen', '--target', 'file', '--out', path.join(dir.path, `${name}.ndjson`), '--count', '5_000', '--seed', '21', '--links', '200',
    '--visitors', '3000', '--networks', '300', '--start', '2026-03-28T12:00:00Z', '--late-max', '1d', '--no-progress',
    '--truth', path.join(dir.path, `${name}.json`), '--json',
  ];

  it('writes the same lines and truth for the same seed, and a JSON summary', async () => {
    const first = await clickflow(...fileRun('a'));
    expect(first.err).toBe('');
    expect(first.exitCode).toBe(0);
    const summary = JSON.parse(first.out) as LoadgenSummary;
    expect(summary).toMatchObject({ target: 'file', seed: 21, sent: 5_000, acknowledged: 5_000, start: '2026-03-28T12:00:00.000Z' });
    await clickflow(...fileRun('b'));
    const [a, b] = await Promise.all([readFile(path.join(dir.path, 'a.ndjson'), 'utf8'), readFile(path.join(dir.path, 'b.ndjson'), 'utf8')]);
    expect(a.split('\n')).toHaveLength(5_001);
    expect(a).toBe(b);
    const truth = JSON.parse(await readFile(path.join(dir.path, 'a.json'), 'utf8')) as GroundTruthReport;
    expect(truth.acknowledged.events).toBe(5_000);
    expect(truth.totals[0]).toBe(truth.acknowledged.unique);
    expect(Object.values(truth.links).reduce((sum, link) => sum + link.counts[0], 0)).toBe(truth.acknowledged.unique);
    expect(await readFile(path.join(dir.path, 'b.json'), 'utf8')).toBe(JSON.stringify(truth) + '\n');
  });

  it('names the flag of a bad value', async () => {
    const result = await clickflow('loadgen', '--target', 'file', '--count', '10', '--zipf', '-2');
    expect(result.exitCode).toBe(1);
    expect(result.err).toMatch(/--zipf: must be at least 0/);
    const duration = await clickflow('loadgen', '--target', 'file', '--duration', '10s');
    expect(duration.err).toMatch(/--duration: a duration needs a rate/);
    const notDuration = await clickflow('loadgen', '--late-max', 'soon');
    expect(notDuration.err).toMatch(/--late-max.*must be a duration/);
  });
});
