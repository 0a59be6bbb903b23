// Backfill progress on stderr. On a terminal, one line redrawn in place: a bar, the count, the
// rate, the time left and the last partition; a partition that did not succeed also gets a line of
// its own. Elsewhere (a file, CI) one line per partition, so a log shows every one of them.
import type { BackfillProgress } from '../orchestrator/index.js';

export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface BackfillProgressReporter {
  update(progress: BackfillProgress): void;
  /** Ends the redrawn line, so what follows starts on its own. */
  finish(): void;
}

const barWidth = 24;

/** `350ms`, `4.2s`, `3m 05s`, `2h 01m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3_600)}h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
}

function rate(perMs: number): string {
  const perSecond = perMs * 1_000;
  return perSecond >= 1 ? `${perSecond.toFixed(1)}/s` : `${(perSecond * 60).toFixed(1)}/min`;
}

function outcome(progress: BackfillProgress): string {
  const { run } = progress;
  const took = run.durationMs === null ? '' : ` in ${formatDuration(run.durationMs)}`;
  const why = run.status === 'succeeded' || run.message === null ? '' : `: ${run.message}`;
  return `${progress.job} ${progress.partition} ${run.status}${took}${why}`;
}

/** The redrawn line: bar, count, percentage, rate, time left, last partition. */
export function formatProgressLine(progress: BackfillProgress): string {
  const fraction = progress.total === 0 ? 1 : progress.done / progress.total;
  const filled = Math.round(fraction * barWidth);
  const perMs = progress.elapsedMs > 0 ? progress.done / progress.elapsedMs : 0;
  const left = progress.total - progress.done;
  const eta = left === 0 ? 'done' : perMs > 0 ? `ETA ${formatDuration(left / perMs)}` : 'ETA ?';
  const parts = [
    `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`,
    `${progress.done}/${progress.total}`,
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    perMs > 0 ? rate(perMs) : '-',
    eta,
    `${progress.job} ${progress.partition} ${progress.run.status}`,
  ];
  return parts.join('  ');
}

export function createBackfillProgressReporter(output: ProgressOutput): BackfillProgressReporter {
  let drawn = false;
  return {
    update(progress) {
      if (!output.isTTY) {
        output.write(`${progress.done}/${progress.total} ${outcome(progress)}\n`);
        return;
      }
      if (progress.run.status !== 'succeeded' && progress.run.status !== 'skipped') {
        output.write(`${drawn ? '\r\x1b[K' : ''}${outcome(progress)}\n`);
      }
      output.write(`\r\x1b[K${formatProgressLine(progress)}`);
      drawn = true;
    },
    finish() {
      if (drawn) output.write('\n');
      drawn = false;
    },
  };
}
