// Live progress on stderr, once a second: events sent, the rate over the last second, request
// latency p50/p99 and errors, with a bar when the end is known (a count or a duration). On a
// terminal the line is redrawn in place; otherwise (a file, CI) each second is its own line.
import type { WindowSnapshot } from './run-stats.js';

export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressReporter {
  update(snapshot: WindowSnapshot): void;
  /** Ends the redrawn line, so what follows starts on its own. */
  finish(): void;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const barWidth = 24;

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatMs(value: number): string {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : integer.format(value);
}

function bar(fraction: number): string {
  const clamped = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(clamped * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%`;
}

/** One progress line; `end` is the count or the duration that ends the run, when known. */
export function formatProgress(snapshot: WindowSnapshot, end: { count: number; durationMs: number }): string {
  const { totals } = snapshot;
  const fraction = end.count > 0 ? totals.sent / end.count : end.durationMs > 0 ? snapshot.elapsedMs / end.durationMs : undefined;
  const parts = [
    ...(fraction === undefined ? [] : [bar(fraction)]),
    `${(snapshot.elapsedMs / 1000).toFixed(0)}s`,
    `sent ${formatCount(totals.sent)}`,
    `rate ${formatCount(snapshot.ratePerSecond)}/s`,
    `p50 ${formatMs(snapshot.p50Ms)} ms`,
    `p99 ${formatMs(snapshot.p99Ms)} ms`,
    `in flight ${snapshot.inFlight}`,
    `errors ${formatCount(totals.requestErrors)}`,
  ];
  return parts.join('  ');
}

export function createProgressReporter(output: ProgressOutput, end: { count: number; durationMs: number }): ProgressReporter {
  let drawn = false;
  let lastError: string | undefined;
  return {
    update(snapshot) {
      const line = formatProgress(snapshot, end);
      if (output.isTTY) {
        output.write(`\r\x1b[K${line}`);
        drawn = true;
      } else {
        output.write(`${line}\n`);
      }
      // A new kind of error is worth a line of its own, once.
      if (snapshot.lastError !== undefined && snapshot.lastError !== lastError) {
        lastError = snapshot.lastError;
        output.write(`${output.isTTY ? '\n' : ''}last error: ${lastError}\n`);
        drawn = false;
      }
    },
    finish() {
      if (drawn) output.write('\n');
      drawn = false;
    },
  };
}
