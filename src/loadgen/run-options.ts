// Options of a load run: where events go and how fast. Typed, documented and validated once
// (CONVENTIONS.md rule 10); the CLI builds its flags and help from this spec and the generator's.
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../core/index.js';
import { targetNames, type TargetName } from './types.js';

export const loadRunSpec = {
  target: { kind: 'enum', values: targetNames, default: 'ingest', doc: 'where events go: ingest (POST /v1/events), redirect (GET /:slug), log (the event log in the data folder), file (NDJSON)' },
  url: { kind: 'string', default: 'http://127.0.0.1:8080', pattern: /^https?:\/\/[^\s/]+\/?$/, doc: 'base URL of the server (ingest and redirect targets)' },
  out: { kind: 'string', default: 'loadgen.ndjson', nonEmpty: true, doc: 'file the file target writes import lines to' },
  rate: { kind: 'number', default: 0, min: 0, max: 100_000_000, doc: 'events per second to hold, with event times following the clock; 0 sends as fast as the target takes them' },
  count: { kind: 'integer', default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, doc: 'events to send (duplicates included); 0 for no bound' },
  durationMs: { kind: 'integer', default: 0, min: 0, max: 30 * 24 * 3_600_000, doc: 'how long a paced run lasts, ms; 0 for no bound' },
  batchSize: { kind: 'integer', default: 1_000, min: 1, max: limits.loadgenBatchEventsMax, doc: 'lines per POST /v1/events, events per log append, events per generated batch' },
  inFlight: { kind: 'integer', default: 0, min: 0, max: limits.loadgenInFlightMax, doc: 'requests in flight at most (connections); 0 picks per target: ingest 8, redirect 64, log 8, file 1' },
  flushIntervalMs: { kind: 'integer', default: 50, min: 1, max: 60_000, doc: 'a partly filled request body waits at most this long in a paced run, ms' },
  prebuildBytes: { kind: 'integer', default: limits.loadgenPrebuildBytesDefault, min: 1, max: limits.loadgenPrebuildBytesMax, doc: 'bytes of request bodies built ahead; an unpaced run builds this much before its clock starts' },
  traits: { kind: 'boolean', default: true, doc: 'send device, browser, os and bot with each import line; without them the server classifies the user agent' },
  retries: { kind: 'integer', default: 5, min: 0, max: 20, doc: 'retries of a POST that got no answer, 429 or 5xx (safe: events carry ids)' },
  requestTimeoutMs: { kind: 'integer', default: 30_000, min: 1, max: 600_000, doc: 'longest wait for an answer, ms' },
  countryHeader: { kind: 'string', default: 'cf-ipcountry', pattern: /^[a-z0-9-]*$/, doc: "header carrying the visitor's country on redirects ('' sends none); the server must be told to trust it" },
} as const;

export type LoadRunOptions = OptionsOf<typeof loadRunSpec>;
export type LoadRunOptionsInput = OptionsInput<typeof loadRunSpec>;

const component = 'load run';

const inFlightByTarget: Record<TargetName, number> = { ingest: 8, redirect: 64, log: 8, file: 1 };

function check(options: LoadRunOptions): void {
  if (options.count === 0 && options.durationMs === 0) throw new OptionsError(component, 'count', 'give a count of events, or a duration with a rate');
  if (options.durationMs > 0 && options.rate === 0) throw new OptionsError(component, 'durationMs', 'a duration needs a rate; without one, give a count');
  if (options.target === 'ingest' && options.batchSize > limits.ingestLinesMax) {
    throw new OptionsError(component, 'batchSize', `POST /v1/events takes at most ${limits.ingestLinesMax} lines`);
  }
}

export function parseLoadRunOptions(input: LoadRunOptionsInput = {}): LoadRunOptions {
  return parseOptions(component, loadRunSpec, input, check);
}

/** Requests in flight: the option, or the target's default. */
export function inFlightOf(options: LoadRunOptions): number {
  return options.inFlight > 0 ? options.inFlight : inFlightByTarget[options.target];
}
