// `clickflow batch ...`: run, backfill and inspect the batch jobs from the command line. Output
// goes through commander's output configuration (so tests capture it); `--json` gives machine
// output. A classified error (unknown job, malformed partition, bad range) prints its message and
// exits 1 without a stack trace; so does a run or backfill that did not succeed.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ClickflowError, UserError } from '../core/index.js';
import type { Orchestrator } from '../orchestrator/index.js';
import { batchRunStatuses, type BatchAlert, type BatchRun, type BatchRunStatus } from '../store/index.js';
import { formatTable } from './admin-commands.js';
import { createBackfillProgressReporter, formatDuration, type ProgressOutput } from './batch-progress.js';

/** An orchestrator opened for one command, and how to close it (and its store) afterwards. */
export interface BatchSession {
  orchestrator: Orchestrator;
  close(): Promise<void>;
}

export type OpenOrchestrator = () => Promise<BatchSession>;

export interface BatchCommandsOptions {
  /** Where backfill progress goes (default: standard error). */
  progress?: ProgressOutput;
}

interface Output {
  data: unknown;
  human: string;
  /** Set when the command ran but its outcome is a failure: printed after the output, exit 1. */
  failure?: string;
}

type Options = Record<string, string | number | boolean | undefined>;
type Body = (orchestrator: Orchestrator, args: string[], options: Options) => Promise<Output>;

function write(command: Command, text: string): void {
  const writeOut = command.configureOutput().writeOut ?? ((chunk: string) => process.stdout.write(chunk));
  writeOut(text.endsWith('\n') ? text : `${text}\n`);
}

function fail(command: Command, message: string, code = 'clickflow.batch'): never {
  command.error(`error: ${message}`, { exitCode: 1, code });
}

/** Opens the orchestrator, runs `body`, closes it, then prints the result or the error. */
function run(openOrchestrator: OpenOrchestrator, body: Body) {
  return async (...actionArgs: unknown[]): Promise<void> => {
    const command = actionArgs[actionArgs.length - 1] as Command;
    const options = command.opts<Options>();
    let output: Output | undefined;
    let failure: unknown;
    // The orchestrator's timers do not hold the process open (the clock unrefs them): while a
    // command waits (e.g. `run --wait` for inputs to be sealed), this does.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      const session = await openOrchestrator();
      try {
        output = await body(session.orchestrator, command.processedArgs as string[], options);
      } finally {
        await session.close();
      }
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(keepAlive);
    }
    if (output === undefined) {
      if (failure instanceof ClickflowError) fail(command, failure.message, `clickflow.${failure.code}`);
      throw failure;
    }
    write(command, options.json ? JSON.stringify(output.data, null, 2) : output.human);
    if (output.failure !== undefined) fail(command, output.failure);
  };
}

function positiveInteger(what: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError(`${what} must be a whole number such as 42`);
    return number;
  };
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function shortHash(hash: string | null): string {
  if (hash === null) return '-';
  const [scheme, digest] = hash.includes(':') ? hash.split(':', 2) : ['', hash];
  return `${scheme ? `${scheme}:` : ''}${digest!.slice(0, 12)}`;
}

function oneLine(text: string | null, width = 60): string {
  if (text === null) return '';
  const line = text.split('\n')[0]!;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

const runHeader = ['ID', 'JOB', 'PARTITION', 'STATUS', 'TRIGGER', 'ATTEMPTS', 'STARTED', 'DURATION', 'OUTPUT', 'MESSAGE'];
function runRow(r: BatchRun): string[] {
  const duration = r.durationMs === null ? '-' : formatDuration(r.durationMs);
  return [String(r.id), r.job, r.partition, r.status, r.trigger, String(r.attempts), time(r.startedAtMs ?? r.queuedAtMs), duration, shortHash(r.outputHash), oneLine(r.message)];
}

function plural(count: number | undefined, unit: string): string {
  return count === undefined ? '' : `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** Everything about one run: timing, lineage, outputs, and the full error. */
export function formatRun(r: BatchRun): string {
  const changed = r.outputChanged === null ? '' : r.outputChanged ? ' (changed)' : ' (same as the previous success)';
  const lines = [
    `run ${r.id}: ${r.job} ${r.partition} ${r.status}`,
    `  trigger:   ${r.trigger}`,
    `  attempts:  ${r.attempts}${r.nextAttemptAtMs === null ? '' : ` (next at ${time(r.nextAttemptAtMs)})`}`,
    `  queued:    ${time(r.queuedAtMs)}`,
    `  started:   ${time(r.startedAtMs)}`,
    `  finished:  ${time(r.finishedAtMs)}`,
    `  duration:  ${r.durationMs === null ? '-' : formatDuration(r.durationMs)}`,
    `  version:   ${r.partitionVersion} (re-opens of the partition seen by the run)`,
    `  output:    ${r.outputHash ?? '-'}${changed}`,
  ];
  for (const output of r.outputs) {
    const counts = [plural(output.rows, 'row'), plural(output.bytes, 'byte')].filter(Boolean).join(', ');
    lines.push(`    ${output.location}${counts ? `  (${counts})` : ''}`);
  }
  lines.push(`  inputs:    ${r.upstream.length} upstream partition${r.upstream.length === 1 ? '' : 's'}, ${Object.keys(r.inputHashes).length} external`);
  for (const input of r.upstream) lines.push(`    ${input.job} ${input.partition}  run ${input.runId}  ${input.outputHash}`);
  for (const [name, hash] of Object.entries(r.inputHashes)) lines.push(`    ${name}  ${hash}`);
  if (r.errorCode !== null) lines.push(`  error:     ${r.errorDomain}/${r.errorCode}: ${r.message ?? ''}`);
  else if (r.message !== null) lines.push(`  message:   ${r.message}`);
  if (r.errorDetail !== null) lines.push(...r.errorDetail.split('\n').map((line) => `    ${line}`));
  return lines.join('\n');
}

function runOutcome(r: BatchRun): string | undefined {
  if (r.status === 'succeeded') return undefined;
  return `run ${r.id} (${r.job} ${r.partition}) ${r.status}${r.message ? `: ${r.message}` : ''}`;
}

function registerRunCommands(batch: Command, openOrchestrator: OpenOrchestrator, settings: BatchCommandsOptions): void {
  batch
    .command('run')
    .description('run one partition now, even when it is up to date; waits for it (and its retries) to finish')
    .argument('<job>', 'job name (see `clickflow batch jobs`)')
    .argument('<partition>', 'partition id: 2026-11-25T08 (hour), 2026-11-25 (day) or 2026-11 (month), as the job uses')
    .option('--wait', 'wait for the inputs to become ready instead of giving up at once')
    .option('--json', 'print the run as JSON')
    .action(run(openOrchestrator, async (orchestrator, [job, partition], options) => {
      const result = await orchestrator.runPartition(job!, partition!, { waitForInputs: options.wait === true });
      return { data: result, human: formatRun(result), failure: runOutcome(result) };
    }));

  batch
    .command('backfill')
    .description('run every partition from --from to --to (both included) in dependency order, with progress on stderr')
    .argument('<job>', 'job name (see `clickflow batch jobs`)')
    .requiredOption('--from <partition>', 'first partition of the range, e.g. 2026-11-01')
    .requiredOption('--to <partition>', 'last partition of the range, e.g. 2026-11-30')
    .option('--force', 're-run partitions that are up to date too')
    .option('--no-upstream', 'do not build stale upstream partitions first (partitions whose inputs are missing are skipped)')
    .option('--json', 'print the report as JSON')
    .action(run(openOrchestrator, async (orchestrator, [job], options) => {
      const reporter = createBackfillProgressReporter(settings.progress ?? process.stderr);
      let report;
      try {
        report = await orchestrator.backfill(job!, String(options.from), String(options.to), (progress) => reporter.update(progress), {
          force: options.force === true,
          includeUpstream: options.upstream !== false,
        });
      } finally {
        reporter.finish();
      }
      const summary = `${report.job}: ${report.total} partitions in ${formatDuration(report.elapsedMs)}: ${report.succeeded} succeeded, ${report.skipped} skipped, ${report.failed} failed, ${report.timedOut} timed out`;
      const unsuccessful = report.failed + report.timedOut;
      return { data: report, human: summary, failure: unsuccessful > 0 ? `${unsuccessful} of ${report.total} partitions did not succeed; see \`clickflow batch runs --job ${report.job}\`` : undefined };
    }));

  batch
    .command('reopen')
    .description('mark a partition dirty (late data) so it re-runs, then its dependents whose inputs change')
    .argument('<job>', 'job name')
    .argument('<partition>', 'partition id')
    .action(run(openOrchestrator, async (orchestrator, [job, partition]) => {
      const canonical = orchestrator.parsePartition(job!, partition!);
      await orchestrator.reopen(job!, canonical);
      await orchestrator.idle();
      const [latest] = await orchestrator.listRuns({ job: job!, partition: canonical, limit: 1 });
      return { data: latest, human: latest ? formatRun(latest) : `${job} ${canonical} re-opened`, failure: latest ? runOutcome(latest) : undefined };
    }));
}

function registerInspectCommands(batch: Command, openOrchestrator: OpenOrchestrator): void {
  batch
    .command('runs')
    .description('list runs, newest first')
    .option('--job <job>', 'only this job')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(batchRunStatuses))
    .option('--partition <partition>', 'only this partition (with --job)')
    .option('--limit <n>', 'rows to show, 1 to 1000 (default 100)', positiveInteger('--limit'))
    .option('--before <runId>', 'only runs older than this one (the next page)', positiveInteger('--before'))
    .option('--json', 'print JSON instead of a table')
    .action(run(openOrchestrator, async (orchestrator, _args, options) => {
      if (options.partition !== undefined && options.job === undefined) throw new UserError('--partition needs --job: a partition id means something only for a job');
      const job = options.job as string | undefined;
      const partition = options.partition === undefined ? undefined : orchestrator.parsePartition(job!, String(options.partition));
      const runs = await orchestrator.listRuns({ job, partition, status: options.status as BatchRunStatus | undefined, limit: options.limit as number | undefined, beforeId: options.before as number | undefined });
      return { data: runs, human: formatTable(runHeader, runs.map(runRow)) };
    }));

  batch
    .command('show')
    .description('show one run in full: timing, lineage (inputs and their hashes), outputs and the whole error')
    .argument('<runId>', 'run id (the ID column of `clickflow batch runs`)', positiveInteger('run id'))
    .option('--json', 'print JSON')
    .action(run(openOrchestrator, async (orchestrator, args) => {
      const id = args[0] as unknown as number;
      const found = await orchestrator.getRun(id);
      if (!found) throw new UserError(`no run ${id}; list runs with \`clickflow batch runs\``, { code: 'not_found' });
      return { data: found, human: formatRun(found) };
    }));

  batch
    .command('status')
    .description('say whether a partition is up to date, and if not why, and whether its inputs are ready')
    .argument('<job>', 'job name')
    .argument('<partition>', 'partition id')
    .option('--json', 'print JSON')
    .action(run(openOrchestrator, async (orchestrator, [job, partition]) => {
      const status = await orchestrator.status(job!, partition!);
      const human = [
        `${status.job} ${status.partition}: ${status.stale === undefined ? 'up to date' : `stale (${status.stale})`}`,
        `  inputs:       ${status.unready === undefined ? 'ready' : `not ready (${status.unready})`}`,
        `  last success: ${status.lastSuccess ? `run ${status.lastSuccess.id} at ${time(status.lastSuccess.finishedAtMs)}, ${status.lastSuccess.outputHash}` : '-'}`,
        `  re-opened:    ${status.version} time${status.version === 1 ? '' : 's'}`,
        `  upstream:     ${status.upstream.length} partition${status.upstream.length === 1 ? '' : 's'}`,
      ].join('\n');
      return { data: status, human };
    }));

  batch
    .command('jobs')
    .description('list the declared jobs: partitions, schedule, upstream jobs, next fire')
    .option('--json', 'print JSON')
    .action(run(openOrchestrator, async (orchestrator) => {
      const jobs = orchestrator.jobs.map((job) => ({ ...job, nextFireMs: orchestrator.nextFire(job.name) ?? null }));
      const rows = jobs.map((job) => [
        job.name,
        job.partitionKind,
        job.schedule ? `${job.schedule.cron} (${job.schedule.timeZone})` : '-',
        job.upstreamJobs.join(', ') || '-',
        time(job.nextFireMs),
        job.description,
      ]);
      return { data: jobs, human: formatTable(['JOB', 'PARTITIONS', 'SCHEDULE', 'UPSTREAM', 'NEXT FIRE', 'DESCRIPTION'], rows) };
    }));

  batch
    .command('alerts')
    .description('list failure alerts (failed and timed-out runs, inputs never ready), newest first')
    .option('--job <job>', 'only this job')
    .option('--limit <n>', 'rows to show, 1 to 1000 (default 100)', positiveInteger('--limit'))
    .option('--json', 'print JSON')
    .action(run(openOrchestrator, async (orchestrator, _args, options) => {
      const alerts: BatchAlert[] = await orchestrator.listAlerts({ job: options.job as string | undefined, limit: options.limit as number | undefined });
      const rows = alerts.map((alert) => [String(alert.id), time(alert.atMs), alert.kind, alert.job, alert.partition, alert.runId === null ? '-' : String(alert.runId), oneLine(alert.message, 80)]);
      return { data: alerts, human: formatTable(['ID', 'AT', 'KIND', 'JOB', 'PARTITION', 'RUN', 'MESSAGE'], rows) };
    }));
}

/**
 * Adds `batch run|backfill|reopen|runs|show|status|jobs|alerts` to `program`. Each command opens
 * an orchestrator with `openOrchestrator` (the declared jobs over the store) and closes it before
 * printing.
 */
export function registerBatchCommands(program: Command, openOrchestrator: OpenOrchestrator, settings: BatchCommandsOptions = {}): void {
  const batch = program
    .command('batch')
    .description('the batch layer: run, backfill and inspect partitioned jobs (hourly and daily rollups, digests, billing)');
  registerRunCommands(batch, openOrchestrator, settings);
  registerInspectCommands(batch, openOrchestrator);
}
