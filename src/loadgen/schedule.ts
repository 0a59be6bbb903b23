// When regular events are due, in event time: a steady rate, optionally shaped over the day.
// The diurnal multiplier 1 + A·cos(2π(h − peak)/24) averages 1 over a day, so the mean rate is
// kept; it is recomputed once a minute of event time, not per event.

export interface ScheduleOptions {
  startMs: number;
  /** Mean regular events per second of event time. */
  eventsPerSecond: number;
  diurnalAmplitude: number;
  diurnalPeakHourUtc: number;
}

export interface Schedule {
  /** The due time of the next event (fractional ms). */
  peekMs(): number;
  /** Returns the next due time and moves past it. */
  take(): number;
}

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;

/** The rate multiplier at `timeMs`: 1 + A·cos of the distance to the peak hour. */
export function diurnalMultiplier(timeMs: number, amplitude: number, peakHourUtc: number): number {
  if (amplitude === 0) return 1;
  const hour = (((timeMs % dayMs) + dayMs) % dayMs) / 3_600_000;
  return 1 + amplitude * Math.cos((2 * Math.PI * (hour - peakHourUtc)) / 24);
}

export function createSchedule(options: ScheduleOptions): Schedule {
  const meanGapMs = 1000 / options.eventsPerSecond;
  let nextMs = options.startMs;
  let minute = Number.NaN;
  let gapMs = meanGapMs;
  return {
    peekMs: () => nextMs,
    take() {
      const dueMs = nextMs;
      const dueMinute = Math.floor(dueMs / minuteMs);
      if (dueMinute !== minute) {
        minute = dueMinute;
        gapMs = meanGapMs / diurnalMultiplier(dueMinute * minuteMs + minuteMs / 2, options.diurnalAmplitude, options.diurnalPeakHourUtc);
      }
      nextMs = dueMs + gapMs;
      return dueMs;
    },
  };
}
