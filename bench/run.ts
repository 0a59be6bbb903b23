// Runs benchmarks: `npm run bench -- NAME [NAME...] [--runs N] [--scale X] [--json]`, or `--list`.
// Prints a Markdown table per benchmark (for BENCHMARKS.md) and, with --json, JSON lines.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchContext, formatReport, machineDescription, type BenchReport, type Benchmark } from './harness.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

function available(): string[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith('.bench.ts'))
    .map((file) => file.slice(0, -'.bench.ts'.length))
    .sort();
}

async function load(name: string): Promise<Benchmark> {
  const module = (await import(pathToFileURL(path.join(benchDir, `${name}.bench.ts`)).href)) as { default: Benchmark };
  return module.default;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '5' },
      scale: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const names = available();
  if (values.help || values.list || positionals.length === 0) {
    process.stdout.write(`usage: npm run bench -- NAME [NAME...] [--runs N] [--scale X] [--json]\n\nbenchmarks:\n`);
    for (const name of names) process.stdout.write(`  ${name.padEnd(16)} ${(await load(name)).description}\n`);
    return;
  }
  const runs = Number(values.runs);
  const scale = Number(values.scale);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1 (got ${values.runs})`);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number (got ${values.scale})`);
  const selected = positionals.includes('all') ? names : positionals;
  for (const name of selected) {
    if (!names.includes(name)) throw new Error(`unknown benchmark "${name}"; known: ${names.join(', ')}`);
  }
  process.stdout.write(`machine: ${machineDescription()}\ncommand: npm run bench -- ${process.argv.slice(2).join(' ')}\n\n`);
  for (const name of selected) {
    const benchmark = await load(name);
    const report: BenchReport = { benchmark: name, measurements: [], ratios: [], targets: [] };
    process.stderr.write(`${name}: ${benchmark.description}\n`);
    await benchmark.run(createBenchContext(name, { runs, scale, json: values.json }, report));
    process.stdout.write(`### ${name}\n\n${formatReport(report)}\n\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
