// `clickflow loadgen`: drives a clickflow server (or its event log, or a file) with a seeded,
// realistic click load and can write the ground truth to check results against. Flags are made
// from the option specs of src/loadgen, so help, docs and validation say the same thing; values
// are converted here and validated once by the specs. Composition for the log target (store,
// event log, ingestor from the data folder) happens here, as everywhere in src/cli.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Clock, FieldSpec, Logger } from '../core/index.js';
import { ClickflowError, createLogger, createSystemClock, limits, namespaced, OptionsError, parseDurationMs } from '../core/index.js';
import { createIngestor } from '../ingest/index.js';
import {
  formatSummary,
  loadGeneratorSpec,
  loadRunSpec,
  runLoadgenSession,
  type LoadgenSessionDeps,
  type LoadgenSessionResult,
  type LoadGeneratorOptionsInput,
  type LoadRunOptionsInput,
} from '../loadgen/index.js';
import { openLog, openStore } from './compose.js';
import { configSpec, envName, loadConfig, type Config } from './config.js';

/** Spec fields the CLI names differently, or sets through its own flags. */
const flagNames: Record<string, string> = { eventsPerSecond: 'event-rate', zipfExponent: 'zipf', diurnalAmplitude: 'diurnal', diurnalPeakHourUtc: 'diurnal-peak-hour' };
const ownFlags = new Set(['startMs']);

/** `burstDurationMs` → `burst-duration`: durations drop their unit, since they take `3s`, `5m`. */
export function flagOf(field: string): string {
  return flagNames[field] ?? field.replace(/Ms$/, '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

const isDuration = (field: string): boolean => field.endsWith('Ms');

function describeDefault(field: string, spec: FieldSpec): string {
  if (spec.kind === 'boolean') return spec.default ? 'on' : 'off';
  if (isDuration(field) && typeof spec.default === 'number') return spec.default === 0 ? '0 (none)' : formatDuration(spec.default);
  return JSON.stringify(spec.default);
}

function formatDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Converts a flag's text to the spec's type; the spec's own checks run later, once, on all of them. */
function converter(field: string, spec: FieldSpec): (text: string) => unknown {
  if (isDuration(field)) {
    return (text) => {
      try {
        return parseDurationMs(text, field);
      } catch {
        throw new InvalidArgumentError('must be a duration such as 500ms, 10s, 5m, 2h or 3d');
      }
    };
  }
  if (spec.kind === 'integer' || spec.kind === 'number') {
    return (text) => {
      const value = Number(text.replace(/[_,]/g, ''));
      if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('must be a number');
      return value;
    };
  }
  return (text) => text;
}

/** Help of flags that turn a default-on option off. */
const negatedHelp: Record<string, string> = {
  traits: 'leave device, browser, os and bot out of import lines, so the server classifies each user agent itself (default: sent)',
};

/** A spec's doc as flag help: durations take units, so no "ms"; field names become flag names. */
function helpOf(field: string, spec: FieldSpec, fields: readonly string[]): string {
  let doc = isDuration(field) ? spec.doc.replace(/,? ms\b/, '') : spec.doc;
  for (const name of fields) doc = doc.replace(new RegExp(`\\b${name}\\b`, 'g'), `--${flagOf(name)}`);
  return `${doc} (default ${describeDefault(field, spec)})`;
}

function addSpecFlags(command: Command, spec: Record<string, FieldSpec>): void {
  // Only camel-cased names: plain words such as "out" or "retries" are prose, not fields.
  const fields = [...Object.keys(loadRunSpec), ...Object.keys(loadGeneratorSpec)].filter((name) => /[A-Z]/.test(name));
  for (const [field, fieldSpec] of Object.entries(spec)) {
    if (ownFlags.has(field)) continue;
    const flag = flagOf(field);
    const help = helpOf(field, fieldSpec, fields);
    if (fieldSpec.kind === 'boolean') {
      command.option(fieldSpec.default ? `--no-${flag}` : `--${flag}`, fieldSpec.default ? (negatedHelp[field] ?? `turn off: ${help}`) : help);
    } else {
      const placeholder = isDuration(field) ? '<duration>' : fieldSpec.kind === 'enum' ? `<${fieldSpec.values.join('|')}>` : fieldSpec.kind === 'string' ? '<text>' : '<number>';
      command.option(`--${flag} ${placeholder}`, help, converter(field, fieldSpec));
    }
  }
}

/** The options commander parsed, by spec field (commander names them by camel-cased flag). */
function pick(spec: Record<string, FieldSpec>, parsed: Record<string, unknown>): Record<string, unknown> {
  const chosen: Record<string, unknown> = {};
  for (const field of Object.keys(spec)) {
    const key = flagOf(field).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (parsed[key] !== undefined) chosen[field] = parsed[key];
  }
  return chosen;
}

function parseStart(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) throw new InvalidArgumentError('must be an ISO 8601 time (2026-03-29T00:00:00Z) or ms since the epoch');
  return value;
}

interface CliFlags {
  dataDir?: string;
  adminToken?: string;
  start?: number;
  truth?: string;
  json?: boolean;
  progress: boolean;
  [option: string]: unknown;
}

/** The operator token: the flag, else CLICKFLOW_ADMIN_TOKEN, else the data folder's token file. */
async function operatorToken(flags: CliFlags, config: Config): Promise<string | undefined> {
  if (flags.adminToken) return flags.adminToken;
  if (config.adminToken) return config.adminToken;
  const tokenPath = path.join(config.dataDir, 'admin-token');
  try {
    return (await readFile(tokenPath, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function runWithLog(deps: { clock: Clock; logger: Logger }, config: Config, run: (sessionDeps: Partial<LoadgenSessionDeps>) => Promise<LoadgenSessionResult>): Promise<LoadgenSessionResult> {
  const store = await openStore(config, deps);
  try {
    const log = await openLog(config, deps);
    const ingestor = createIngestor(
      { log, clock: deps.clock, logger: namespaced(deps.logger, 'ingest') },
      { dedupeIdsMax: limits.ingestDedupeIdsMax, dedupeWindowMs: limits.ingestDedupeWindowMsDefault },
    );
    try {
      return await run({ store, ingestor });
    } finally {
      ingestor.close();
      await log.close();
    }
  } finally {
    await store.close();
  }
}

async function execute(flags: CliFlags, command: Command): Promise<void> {
  const config = loadConfig({ dataDir: flags.dataDir });
  const clock = createSystemClock();
  const logger = createLogger({ level: 'warn' });
  const runInput = pick(loadRunSpec, flags) as LoadRunOptionsInput;
  const generatorInput = { ...pick(loadGeneratorSpec, flags), startMs: flags.start } as LoadGeneratorOptionsInput;
  const abort = new AbortController();
  const onSignal = (): void => (abort.signal.aborted ? process.exit(130) : abort.abort());
  process.on('SIGINT', onSignal);
  try {
    const base: LoadgenSessionDeps = { clock, logger, signal: abort.signal, progress: flags.progress ? process.stderr : undefined };
    const run = (extra: Partial<LoadgenSessionDeps>) => runLoadgenSession({ ...base, ...extra }, { run: runInput, generator: generatorInput, truth: flags.truth !== undefined });
    const target = runInput.target ?? loadRunSpec.target.default;
    const result =
      target === 'log' ? await runWithLog({ clock, logger }, config, run)
      : target === 'file' ? await run({})
      : await run({ operatorToken: await operatorToken(flags, config) });
    if (flags.truth !== undefined) await writeFile(flags.truth, `${JSON.stringify(result.truth)}\n`);
    const text = flags.json ? JSON.stringify({ ...result.summary, truthFile: flags.truth }, null, 2) : formatSummary(result.summary) + (flags.truth ? `\n  ground truth written to ${flags.truth}` : '');
    (command.configureOutput().writeOut ?? ((chunk: string) => process.stdout.write(chunk)))(`${text}\n`);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Reports a classified error by its message (an options error by its flag) and exits non-zero. */
function fail(command: Command, error: unknown): never {
  if (error instanceof OptionsError) command.error(`error: --${flagOf(error.field)}: ${error.message.slice(error.message.indexOf(': ') + 2)}`, { exitCode: 1, code: `clickflow.${error.code}` });
  if (error instanceof ClickflowError) command.error(`error: ${error.message}`, { exitCode: 1, code: `clickflow.${error.code}` });
  throw error;
}

export function registerLoadgenCommand(program: Command): void {
  const command = program
    .command('loadgen')
    .description('send a seeded, realistic click load to a server, its event log or a file, and record the ground truth')
    .option('--data-dir <dir>', `${configSpec.dataDir.doc}: the log target's log and store, and the admin-token file (env ${envName('dataDir')}, default ${configSpec.dataDir.default})`)
    .option('--admin-token <token>', `operator token for setting up the world (ingest and redirect targets; env ${envName('adminToken')}, default: the file <data-dir>/admin-token)`)
    .option('--start <time>', 'event time of the first event, ISO 8601 or ms (default: now with --rate; otherwise so the last event is now)', parseStart)
    .option('--truth <file>', 'write the ground truth of acknowledged events to this JSON file')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no live progress on stderr');
  addSpecFlags(command, loadRunSpec);
  addSpecFlags(command, loadGeneratorSpec);
  command
    .addHelpText('after', '\nExamples:\n  clickflow loadgen --rate 50000 --duration 60s --truth truth.json\n  clickflow loadgen --count 1000000 --batch-size 2000 --json\n  clickflow loadgen --target redirect --rate 2000 --duration 30s\n  clickflow loadgen --target file --out clicks.ndjson --count 100000 --seed 7\n\nSee docs/loadgen.md for what is generated and the ground-truth format.')
    .action(async (flags: CliFlags, self: Command) => {
      try {
        await execute(flags, self);
      } catch (error) {
        fail(self, error);
      }
    });
}
