// One load run from options to summary: check the options, invent the world, set it up where
// the target needs it (management API, store, or nowhere), then make the generator (its start
// time taken after the setup) and the target, run, clean up (write keys are revoked), and
// report. The caller composes the backends (CONVENTIONS.md rule 11): it passes the operator
// token, or the store and ingestor opened from the data folder.
import type { Clock, Logger } from '../core/index.js';
import { errorMessage, OptionsError } from '../core/index.js';
import type { Ingestor } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { LoadgenError } from './errors.js';
import { createLoadGenerator, type LoadGenerator } from './generator.js';
import { createGroundTruth } from './ground-truth.js';
import { createLineRenderer } from './line-renderer.js';
import { loadGeneratorSpec, parseLoadGeneratorOptions, type LoadGeneratorOptionsInput } from './options.js';
import { createProgressReporter, type ProgressOutput } from './progress-reporter.js';
import { createHttpProvisioner, createWriteKeys, type WriteKeys } from './provision/http-provisioner.js';
import { createManagementClient, type ManagementClient } from './provision/management-client.js';
import { provisionWorld, type ProvisionReport } from './provision/provision-world.js';
import { createStoreProvisioner } from './provision/store-provisioner.js';
import { runLoad } from './run-load.js';
import { inFlightOf, parseLoadRunOptions, type LoadRunOptions, type LoadRunOptionsInput } from './run-options.js';
import { buildSummary, type LoadgenSummary } from './summary.js';
import { createFileTarget } from './targets/file-target.js';
import { createIngestTarget } from './targets/ingest-target.js';
import { createLogTarget } from './targets/log-target.js';
import { createRedirectTarget } from './targets/redirect-target.js';
import type { GroundTruthReport } from './truth-report.js';
import type { LoadTarget, World } from './types.js';
import { buildWorld } from './world.js';

export interface LoadgenSessionDeps {
  clock: Clock;
  logger: Logger;
  /** Operator token for the management API: needed by the ingest and redirect targets. */
  operatorToken?: string;
  /** The log target's ingestor and the store its world is written to. */
  ingestor?: Ingestor;
  store?: Store;
  /** Where live progress goes (stderr in the CLI); none when absent. */
  progress?: ProgressOutput;
  signal?: AbortSignal;
}

export interface LoadgenSessionOptions {
  run: LoadRunOptionsInput;
  generator: LoadGeneratorOptionsInput;
  /** Keep a ground truth: about a microsecond of client CPU per event. */
  truth: boolean;
}

export interface LoadgenSessionResult {
  summary: LoadgenSummary;
  truth?: GroundTruthReport;
}

/** The generator's options for this run: a paced run's events follow the clock from now. */
export function generatorInputFor(run: LoadRunOptions, input: LoadGeneratorOptionsInput, nowMs: number): LoadGeneratorOptionsInput {
  const paced = run.rate > 0;
  if (paced && input.eventsPerSecond !== undefined && input.eventsPerSecond !== run.rate) {
    throw new OptionsError('load run', 'eventsPerSecond', 'a paced run (rate) sets the event-time rate itself; leave eventsPerSecond out');
  }
  const eventsPerSecond = paced ? run.rate : (input.eventsPerSecond ?? loadGeneratorSpec.eventsPerSecond.default);
  // An unpaced run ends its event times at now, so no event is ever in the future.
  const startMs = input.startMs ?? (paced ? nowMs : nowMs - Math.ceil((run.count * 1000) / eventsPerSecond));
  const resolved: LoadGeneratorOptionsInput = { ...input, eventsPerSecond, startMs };
  if (run.target !== 'redirect') return resolved;
  // The server stamps a redirect's time and id: a re-sent or back-dated GET is just another click.
  for (const field of ['duplicateShare', 'lateShare', 'outOfOrderShare'] as const) {
    if ((input[field] ?? 0) > 0) throw new OptionsError('load run', field, 'the redirect target cannot send duplicates, late or out-of-order events; the server stamps time and id');
  }
  return { ...resolved, duplicateShare: 0, lateShare: 0, outOfOrderShare: 0 };
}

/** A provisioned world's connection to the server, kept for the run and cleaned up after it. */
interface Provisioned {
  report?: ProvisionReport;
  client?: ManagementClient;
  writeKeys?: WriteKeys;
}

/** Makes the world exist where the target needs it: the management API, the store, or nowhere. */
async function provision(deps: LoadgenSessionDeps, run: LoadRunOptions, world: World): Promise<Provisioned> {
  if (run.target === 'file') return {};
  if (run.target === 'log') {
    if (!deps.ingestor || !deps.store) throw new LoadgenError('the log target needs the event log (an ingestor) and the store of the data folder', 'log_target_unwired', { domain: 'internal' });
    return { report: await provisionWorld(world, createStoreProvisioner(deps.store)) };
  }
  if (!deps.operatorToken) {
    throw new LoadgenError(`the ${run.target} target sets up its world through the management API and needs the operator token (--admin-token, CLICKFLOW_ADMIN_TOKEN, or the admin-token file in --data-dir)`, 'operator_token_missing');
  }
  const client = createManagementClient({ url: run.url, operatorToken: deps.operatorToken, timeoutMs: run.requestTimeoutMs });
  try {
    const report = await provisionWorld(world, createHttpProvisioner(client));
    const writeKeys = run.target === 'ingest' ? await createWriteKeys(client, world, `loadgen ${world.prefix}`) : undefined;
    return { report, client, writeKeys };
  } catch (error) {
    client.close();
    throw error;
  }
}

async function release(provisioned: Provisioned): Promise<void> {
  try {
    await provisioned.writeKeys?.revoke();
  } finally {
    provisioned.client?.close();
  }
}

function createTarget(deps: LoadgenSessionDeps, run: LoadRunOptions, generator: LoadGenerator, provisioned: Provisioned): LoadTarget {
  const { world, eventIdPrefix } = generator;
  const { clock } = deps;
  const connections = inFlightOf(run);
  switch (run.target) {
    case 'ingest':
      return createIngestTarget(
        { clock, world, renderer: createLineRenderer(world, eventIdPrefix, { traits: run.traits }) },
        { url: run.url, writeKeys: provisioned.writeKeys!.secrets, linesPerRequest: run.batchSize, connections, retries: run.retries, requestTimeoutMs: run.requestTimeoutMs },
      );
    case 'redirect':
      return createRedirectTarget({ clock, world }, { url: run.url, connections, requestTimeoutMs: run.requestTimeoutMs, countryHeader: run.countryHeader });
    case 'log':
      return createLogTarget({ clock, world, ingestor: deps.ingestor!, eventIdPrefix });
    case 'file':
      return createFileTarget({ renderer: createLineRenderer(world, eventIdPrefix, { traits: run.traits }) }, { path: run.out });
  }
}

/** The world of the run's options (checked in full now, so bad options fail before any setup). */
function worldFor(run: LoadRunOptions, input: LoadGeneratorOptionsInput, nowMs: number): World {
  return buildWorld(parseLoadGeneratorOptions(generatorInputFor(run, input, nowMs)));
}

export async function runLoadgenSession(deps: LoadgenSessionDeps, options: LoadgenSessionOptions): Promise<LoadgenSessionResult> {
  const run = parseLoadRunOptions(options.run);
  const world = worldFor(run, options.generator, deps.clock.nowMs());
  const provisioned = await provision(deps, run, world);
  let target: LoadTarget | undefined;
  try {
    // Taken after setup, so a paced run's event times start with its clock, not before the setup.
    const generator = createLoadGenerator(generatorInputFor(run, options.generator, deps.clock.nowMs()), { world });
    target = createTarget(deps, run, generator, provisioned);
    return await runWith(deps, run, generator, target, { truth: options.truth, provisioned: provisioned.report });
  } finally {
    await target?.close().catch((error: unknown) => deps.logger.warn({ err: errorMessage(error) }, 'closing the target failed'));
    await release(provisioned).catch((error: unknown) => deps.logger.warn({ err: errorMessage(error) }, 'cleaning up after the run failed (write keys may be left unrevoked)'));
  }
}

async function runWith(
  deps: LoadgenSessionDeps,
  run: LoadRunOptions,
  generator: LoadGenerator,
  target: LoadTarget,
  extra: { truth: boolean; provisioned: ProvisionReport | undefined },
): Promise<LoadgenSessionResult> {
  // The truth is made after setup: ids and time zones are then the server's.
  const truth = extra.truth ? createGroundTruth(generator.world) : undefined;
  const progress = deps.progress ? createProgressReporter(deps.progress, { count: run.count, durationMs: run.durationMs }) : undefined;
  let lastError: string | undefined;
  try {
    const result = await runLoad(
      {
        clock: deps.clock,
        generator,
        target,
        truth,
        signal: deps.signal,
        onProgress: (snapshot) => {
          lastError = snapshot.lastError;
          progress?.update(snapshot);
        },
      },
      { ratePerSecond: run.rate, count: run.count, durationMs: run.durationMs, batchEvents: run.batchSize, inFlight: inFlightOf(run), prebuildBytes: run.prebuildBytes, flushIntervalMs: run.flushIntervalMs },
    );
    progress?.finish();
    const summary = buildSummary(generator, run.target, result, { provisioned: extra.provisioned, unique: truth?.uniqueEvents, lastError });
    const { world, options } = generator;
    const report = truth?.report({ target: run.target, seed: options.seed, prefix: world.prefix, eventIdPrefix: generator.eventIdPrefix, startMs: options.startMs, serverStampedTimes: run.target === 'redirect' });
    return { summary, truth: report };
  } finally {
    progress?.finish();
  }
}
