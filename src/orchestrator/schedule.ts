// Cron schedules in a time zone. croner only computes fire times here; it never runs a timer
// (no callback is given), so time stays with the injected Clock (CONVENTIONS.md rule 7).
import { Cron } from 'croner';
import { OptionsError } from '../core/index.js';

export interface Schedule {
  readonly cron: string;
  readonly timeZone: string;
  /** The first fire strictly after `afterMs`, or undefined when the pattern never fires again. */
  nextAfter(afterMs: number): number | undefined;
  /**
   * Fires in (afterMs, untilMs], oldest first. When there are more than `max`, the newest `max`:
   * after long downtime the recent partitions matter most.
   */
  firesBetween(afterMs: number, untilMs: number, max: number): number[];
}

/** Parses a schedule; a bad pattern or zone is an OptionsError naming `field`. */
export function createSchedule(cron: string, timeZone: string, field: string): Schedule {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new OptionsError('orchestrator', `${field}.timeZone`, `${JSON.stringify(timeZone)} is not an IANA time zone; use e.g. UTC or Europe/Berlin`);
  }
  let pattern: Cron;
  try {
    pattern = new Cron(cron, { timezone: timeZone });
  } catch (error) {
    throw new OptionsError('orchestrator', `${field}.cron`, `${JSON.stringify(cron)} is not a cron pattern: ${error instanceof Error ? error.message : String(error)}`);
  }
  const nextAfter = (afterMs: number): number | undefined => pattern.nextRun(new Date(afterMs))?.getTime();
  return {
    cron,
    timeZone,
    nextAfter,
    firesBetween(afterMs, untilMs, max) {
      const fires: number[] = [];
      for (let fire = nextAfter(afterMs); fire !== undefined && fire <= untilMs; fire = nextAfter(fire)) {
        if (fires.length === max) {
          // Too many to walk forward: take the newest `max`, counted back from the end.
          return pattern.previousRuns(max, new Date(untilMs + 1)).map((date) => date.getTime()).filter((time) => time > afterMs).reverse();
        }
        fires.push(fire);
      }
      return fires;
    },
  };
}
