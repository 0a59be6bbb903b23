// Time is injected: engines take a Clock, tests drive a TestClock (CONVENTIONS.md rule 7).

/** A cancellable timer handle returned by {@link Clock.setTimer}. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock time in milliseconds since the Unix epoch. */
  nowMs(): number;
  /** A monotonic reading in milliseconds, for measuring durations; never goes backwards. */
  monotonicMs(): number;
  /** Runs `callback` once after `delayMs` of this clock's time. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  /** Resolves after `delayMs` of this clock's time. */
  sleep(delayMs: number): Promise<void>;
}

/** The real clock. Timers are unref'd so they never keep a process alive on their own. */
export function createSystemClock(): Clock {
  return {
    nowMs: () => Date.now(),
    monotonicMs: () => performance.now(),
    setTimer(delayMs, callback) {
      const timer = setTimeout(callback, Math.max(0, delayMs));
      timer.unref();
      return { cancel: () => clearTimeout(timer) };
    },
    sleep(delayMs) {
      return new Promise((resolve) => {
        setTimeout(resolve, Math.max(0, delayMs));
      });
    },
  };
}

export interface TestClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in due order. */
  advance(deltaMs: number): void;
  /** Moves time forward to `timeMs` (never backwards). */
  advanceTo(timeMs: number): void;
  /** Number of timers waiting to fire. */
  pendingTimers(): number;
}

interface PendingTimer {
  dueMs: number;
  sequence: number;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to, for deterministic tests of time-driven code. */
export function createTestClock(startMs = Date.UTC(2026, 0, 1)): TestClock {
  let nowMs = startMs;
  let sequence = 0;
  const timers: PendingTimer[] = [];

  const takeDue = (limitMs: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined;
    for (const timer of timers) {
      if (timer.cancelled || timer.dueMs > limitMs) continue;
      if (!best || timer.dueMs < best.dueMs || (timer.dueMs === best.dueMs && timer.sequence < best.sequence)) {
        best = timer;
      }
    }
    if (best) timers.splice(timers.indexOf(best), 1);
    return best;
  };

  const clock: TestClock = {
    nowMs: () => nowMs,
    monotonicMs: () => nowMs - startMs,
    setTimer(delayMs, callback) {
      const timer: PendingTimer = { dueMs: nowMs + Math.max(0, delayMs), sequence: sequence++, callback, cancelled: false };
      timers.push(timer);
      return {
        cancel: () => {
          timer.cancelled = true;
        },
      };
    },
    sleep(delayMs) {
      return new Promise((resolve) => clock.setTimer(delayMs, resolve));
    },
    advance(deltaMs) {
      clock.advanceTo(nowMs + deltaMs);
    },
    advanceTo(timeMs) {
      if (timeMs < nowMs) throw new RangeError(`test clock cannot move backwards (${timeMs} < ${nowMs})`);
      for (let timer = takeDue(timeMs); timer; timer = takeDue(timeMs)) {
        nowMs = Math.max(nowMs, timer.dueMs);
        timer.callback();
      }
      nowMs = timeMs;
    },
    pendingTimers: () => timers.filter((timer) => !timer.cancelled).length,
  };
  return clock;
}
