// Drives a target with generated events. Paced (a rate): each batch is handed over when the wall
// clock reaches its events' due time, so event times track the clock, and a server that cannot
// keep up shows as lag rather than as lost events. Unpaced (a count, as fast as possible): bodies
// are built ahead, up to a byte bound, before the clock starts, so the measured run spends the
// client's CPU on sending, not on generating.
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { type Clock } from '../core/index.js';
import { LoadgenError } from './errors.js';
import type { LoadGenerator } from './generator.js';
import type { GroundTruth } from './ground-truth.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { createRequestPump, type RequestPump } from './request-pump.js';
import { createRunStats, type RunStats, type RunTotals, type WindowSnapshot } from './run-stats.js';
import type { LoadTarget } from './types.js';

export interface RunPlan {
  /** Events per second to hold; 0 sends as fast as the target takes them. */
  ratePerSecond: number;
  /** Events to send; 0 for no bound (then `durationMs` bounds the run). */
  count: number;
  /** Event-time length of a paced run, ms; 0 for no bound. */
  durationMs: number;
  /** Events per generated batch. */
  batchEvents: number;
  /** Requests in flight at most. */
  inFlight: number;
  /** Bytes of queued requests built ahead at most. */
  prebuildBytes: number;
  /** Partly filled requests are sent at least this often, ms. */
  flushIntervalMs: number;
}

export interface RunLoadDeps {
  clock: Clock;
  generator: LoadGenerator;
  target: LoadTarget;
  truth?: GroundTruth;
  /** Called about once a second with the last second's numbers. */
  onProgress?: (snapshot: WindowSnapshot) => void;
  /** Stops generating; what is in flight still settles. */
  signal?: AbortSignal;
}

export interface RunResult {
  totals: RunTotals;
  latency: LatencyHistogram;
  /** From the first request to the last settling, ms. */
  elapsedMs: number;
  /** Time spent building requests before the clock started (unpaced runs), ms. */
  prebuildMs: number;
  /** Send slots generated, duplicates included. */
  generated: number;
  /** How far behind its schedule a paced run finished generating, ms (0 when on time). */
  lagMs: number;
  stoppedEarly: boolean;
}

interface RunContext {
  deps: RunLoadDeps;
  plan: RunPlan;
  stats: RunStats;
  pump: RequestPump;
  stopped: () => boolean;
}

/** Events of the next batch: at most `size`, and none once the count is reached. */
function nextSize(context: RunContext, size: number): number {
  const { count } = context.plan;
  return count === 0 ? size : Math.min(size, count - context.deps.generator.generated);
}

function acceptNext(context: RunContext, size: number): boolean {
  const { generator, target, truth } = context.deps;
  const events = nextSize(context, size);
  if (events <= 0 || context.stopped()) return false;
  const { durationMs } = context.plan;
  if (durationMs > 0 && generator.peekScheduledMs() - generator.options.startMs >= durationMs) return false;
  const batch = generator.nextBatch(events);
  truth?.noteSent(batch);
  target.accept(batch);
  return true;
}

async function runUnpaced(context: RunContext, startClock: () => void): Promise<void> {
  const { target } = context.deps;
  const { plan, pump } = context;
  let more = true;
  while (more && target.queuedBytes < plan.prebuildBytes) more = acceptNext(context, plan.batchEvents);
  if (!more) target.flush();
  startClock();
  pump.pump();
  for (let batches = 0; more; batches++) {
    if (target.queuedBytes >= plan.prebuildBytes || target.queuedRequests > plan.inFlight * 4) {
      await pump.nextSettle();
    } else {
      more = acceptNext(context, plan.batchEvents);
      pump.pump();
      // Let responses in between batches: generating must not starve the sockets.
      if (batches % 4 === 3) await yieldToIo();
    }
    if (pump.fatalError !== undefined) return;
  }
  target.flush();
}

/** Runs paced; returns how far behind schedule it ended, ms. */
async function runPaced(context: RunContext, startClock: () => void): Promise<number> {
  const { clock, generator, target } = context.deps;
  const { plan, pump } = context;
  // Slices of 10 ms of events keep pacing smooth without a timer per event.
  const slice = Math.max(1, Math.min(plan.batchEvents, Math.round(plan.ratePerSecond / 100)));
  startClock();
  const wallStartMs = clock.monotonicMs();
  let lastFlushMs = wallStartMs;
  let lagMs = 0;
  while (pump.fatalError === undefined) {
    const dueMs = generator.peekScheduledMs() - generator.options.startMs;
    const waitMs = dueMs - (clock.monotonicMs() - wallStartMs);
    // Behind schedule there is no sleep: yield anyway, or answers would wait for the backlog.
    if (waitMs > 1) await clock.sleep(waitMs);
    else await yieldToIo();
    lagMs = Math.max(0, -waitMs);
    if (!acceptNext(context, slice)) break;
    const nowMs = clock.monotonicMs();
    if (nowMs - lastFlushMs >= plan.flushIntervalMs) {
      target.flush();
      lastFlushMs = nowMs;
    }
    pump.pump();
    // A target that cannot keep up holds the schedule back (reported as lag), not a growing queue.
    while ((target.queuedBytes >= plan.prebuildBytes || target.queuedRequests > plan.inFlight * 4) && context.stats.inFlight > 0) await pump.nextSettle();
  }
  target.flush();
  return lagMs;
}

function startProgress(deps: RunLoadDeps, stats: RunStats): () => void {
  const { clock, onProgress } = deps;
  if (!onProgress) return () => undefined;
  let timer = clock.setTimer(1000, function tick() {
    onProgress(stats.takeWindow(clock.monotonicMs()));
    timer = clock.setTimer(1000, tick);
  });
  return () => timer.cancel();
}

export async function runLoad(deps: RunLoadDeps, plan: RunPlan): Promise<RunResult> {
  const { clock, generator, target } = deps;
  const prebuildStartMs = clock.monotonicMs();
  let startMs = prebuildStartMs;
  const runStats = createRunStats();
  const pump = createRequestPump({ clock, target, stats: runStats, truth: deps.truth }, plan.inFlight);
  const context: RunContext = { deps, plan, stats: runStats, pump, stopped: () => deps.signal?.aborted === true };
  let stopProgress = (): void => undefined;
  const startClock = (): void => {
    startMs = clock.monotonicMs();
    runStats.start(startMs);
    stopProgress = startProgress(deps, runStats);
  };
  try {
    const lagMs = plan.ratePerSecond > 0 ? await runPaced(context, startClock) : (await runUnpaced(context, startClock), 0);
    await pump.drain();
    stopProgress();
    deps.onProgress?.(runStats.takeWindow(clock.monotonicMs()));
    if (pump.fatalError !== undefined) throw new LoadgenError(`the run stopped: ${pump.fatalError}`, 'target_refused');
    return {
      totals: { ...runStats.totals },
      latency: runStats.latency,
      elapsedMs: clock.monotonicMs() - startMs,
      prebuildMs: startMs - prebuildStartMs,
      generated: generator.generated,
      lagMs,
      stoppedEarly: context.stopped(),
    };
  } finally {
    stopProgress();
  }
}
