// One attempt at one partition: the job's run with a timeout. The job gets an AbortSignal that
// fires on timeout or stop; from that moment its result is discarded, whatever it later returns.
// A job that ignores the signal is given `abortGraceMs` to settle, then left behind (and logged).
import type { Clock, Logger } from '../core/index.js';
import { OrchestratorError } from './errors.js';
import type { JobDefinition, JobRunContext, JobRunResult } from './types.js';

export type AttemptOutcome = { ok: true; result: JobRunResult } | { ok: false; error: unknown };

export interface AttemptInput {
  definition: JobDefinition;
  /** Everything but the signal, which the attempt makes. */
  context: Omit<JobRunContext, 'signal'>;
  timeoutMs: number;
  abortGraceMs: number;
  /** Aborted when the orchestrator stops. */
  stopSignal: AbortSignal;
  clock: Clock;
  logger: Logger;
}

/** A result the store can record: a non-empty output hash at least. */
function checkResult(result: unknown, job: string): JobRunResult {
  const hash = (result as JobRunResult | undefined)?.outputHash;
  if (typeof hash !== 'string' || hash.length === 0) {
    throw new OrchestratorError('job_failed', `job ${job} returned no outputHash; a run must return { outputHash, inputHashes?, outputs? }`, { job });
  }
  return result as JobRunResult;
}

/** Resolves when `promise` settles or `ms` pass on the clock, whichever is first; false on the latter. */
function settlesWithin(promise: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimer(ms, () => resolve(false));
    void promise.then(
      () => (timer.cancel(), resolve(true)),
      () => (timer.cancel(), resolve(true)),
    );
  });
}

export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { context, clock } = input;
  const controller = new AbortController();
  const timer = clock.setTimer(input.timeoutMs, () =>
    controller.abort(new OrchestratorError('timed_out', `the attempt ran longer than its timeout of ${input.timeoutMs} ms and was aborted`, { job: context.job, partition: context.partition, runId: context.runId })),
  );
  const onStop = () =>
    controller.abort(new OrchestratorError('interrupted', 'the orchestrator stopped during the attempt', { job: context.job, partition: context.partition, runId: context.runId }));
  if (input.stopSignal.aborted) onStop();
  input.stopSignal.addEventListener('abort', onStop, { once: true });
  const aborted = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  const running = Promise.resolve().then(() => input.definition.run({ ...context, signal: controller.signal }));
  try {
    const settled = await Promise.race([
      running.then(
        (result): AttemptOutcome => ({ ok: true, result }),
        (error: unknown): AttemptOutcome => ({ ok: false, error }),
      ),
      aborted.then(() => undefined),
    ]);
    if (settled === undefined || controller.signal.aborted) {
      if (!(await settlesWithin(running, input.abortGraceMs, clock))) {
        input.logger.warn({ graceMs: input.abortGraceMs }, 'an aborted attempt did not settle within its grace; its result will be discarded whenever it comes');
      }
      return { ok: false, error: controller.signal.reason };
    }
    return settled.ok ? { ok: true, result: checkResult(settled.result, context.job) } : settled;
  } catch (error) {
    return { ok: false, error };
  } finally {
    timer.cancel();
    input.stopSignal.removeEventListener('abort', onStop);
  }
}
