// One load run from options to summary: resolve the options, invent the world, set it up where
// the target needs it (management API, store, or nowhere), build the target, run, clean up
// (write keys are revoked), and report. The caller composes the backends (CONVENTIONS.md rule
// 11): it passes the operator token, or the store and ingestor opened from the data folder.
import type { Clock, Logger } from '../core/index.js';
import { errorMessage, OptionsError } from '../core/index.js';
import type { Ingestor } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { LoadgenError } from './errors.js';
import { createLoadGenerator, type LoadGenerator } from './generator.js';
import { createGroundTruth } from './ground-truth.js';
import { createLineRenderer } from './line-renderer.js';
import { loadGeneratorSpec, type LoadGeneratorOptionsInput } from './options.js';
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
import type { LoadTarget } from './types.js';

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

interface Setup {
  target: LoadTarget;
  provisioned?: ProvisionReport;
  cleanup: () => Promise<void>;
}

async function setUpHttp(deps: LoadgenSessionDeps, run: LoadRunOptions, generator: LoadGenerator): Promise<Setup> {
  if (!deps.operatorToken) throw new LoadgenError(`the ${run.target} target sets up its world through the management API and needs the operator token (--admin-token, CLICKFLOW_ADMIN_TOKEN, or the admin-token file in --data-dir)`, 'operator_token_missing');
  const client: ManagementClient = createManagementClient({ url: run.url, operatorToken: deps.operatorToken, timeoutMs: run.requestTimeoutMs });
  const { world } = generator;
  let keys: WriteKeys | undefined;
  try {
    const provisioned = await provisionWorld(world, createHttpProvisioner(client));
    const connections = inFlightOf(run);
    if (run.target === 'redirect') {
      const target = createRedirectTarget({ clock: deps.clock, world }, { url: run.url, connections, requestTimeoutMs: run.requestTimeoutMs, countryHeader: run.countryHeader });
      return { target, provisioned, cleanup: async () => client.close() };
    }
    keys = await createWriteKeys(client, world, `loadgen ${world.prefix}`);
    const renderer = createLineRenderer(world, generator.eventIdPrefix, { traits: run.traits });
    const target = createIngestTarget(
      { clock: deps.clock, world, renderer },
      { url: run.url, writeKeys: keys.secrets, linesPerRequest: run.batchSize, connections, retries: run.retries, requestTimeoutMs: run.requestTimeoutMs },
    );
    const revoke = keys.revoke;
    return { target, provisioned, cleanup: async () => revoke().finally(() => client.close()) };
  } catch (error) {
    await keys?.revoke().catch(() => undefined);
    client.close();
    throw error;
  }
}

async function setUp(deps: LoadgenSessionDeps, run: LoadRunOptions, generator: LoadGenerator): Promise<Setup> {
  const { world } = generator;
  switch (run.target) {
    case 'ingest':
    case 'redirect':
      return setUpHttp(deps, run, generator);
    case 'log': {
      if (!deps.ingestor || !deps.store) throw new LoadgenError('the log target needs the event log (an ingestor) and the store of the data folder', 'log_target_unwired', { domain: 'internal' });
      const provisioned = await provisionWorld(world, createStoreProvisioner(deps.store));
      const target = createLogTarget({ clock: deps.clock, world, ingestor: deps.ingestor, eventIdPrefix: generator.eventIdPrefix });
      return { target, provisioned, cleanup: async () => undefined };
    }
    case 'file': {
      const renderer = createLineRenderer(world, generator.eventIdPrefix, { traits: run.traits });
      return { target: createFileTarget({ renderer }, { path: run.out }), cleanup: async () => undefined };
    }
  }
}

export async function runLoadgenSession(deps: LoadgenSessionDeps, options: LoadgenSessionOptions): Promise<LoadgenSessionResult> {
  const run = parseLoadRunOptions(options.run);
  const generator = createLoadGenerator(generatorInputFor(run, options.generator, deps.clock.nowMs()));
  const setup = await setUp(deps, run, generator);
  // The truth is made after setup: ids and time zones are then the server's.
  const truth = options.truth ? createGroundTruth(generator.world) : undefined;
  const progress = deps.progress ? createProgressReporter(deps.progress, { count: run.count, durationMs: run.durationMs }) : undefined;
  let lastError: string | undefined;
  try {
    const result = await runLoad(
      {
        clock: deps.clock,
        generator,
        target: setup.target,
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
    const summary = buildSummary(generator, run.target, result, { provisioned: setup.provisioned, unique: truth?.uniqueEvents, lastError });
    const { world, options: generatorOptions } = generator;
    const report = truth?.report({ target: run.target, seed: generatorOptions.seed, prefix: world.prefix, eventIdPrefix: generator.eventIdPrefix, startMs: generatorOptions.startMs, serverStampedTimes: run.target === 'redirect' });
    return { summary, truth: report };
  } finally {
    progress?.finish();
    await setup.target.close().catch((error: unknown) => deps.logger.warn({ err: errorMessage(error) }, 'closing the target failed'));
    await setup.cleanup().catch((error: unknown) => deps.logger.warn({ err: errorMessage(error) }, 'cleaning up after the run failed (write keys may be left unrevoked)'));
  }
}
