// Click fraud as it looks on the wire: one address clicking one link hundreds of times within
// seconds, then silence until its next burst. Each fraud address is a lane with its own bursts,
// so several can burst at once when the configured share needs it (a high rate). Bursts run on
// their own event-time schedule and are merged with regular traffic by time; they are not shaped
// by the diurnal curve, so fraud stands out most at night, as it does in practice.
import type { AliasTable } from './alias-table.js';
import type { Random } from './random.js';

export interface FraudBurstOptions {
  startMs: number;
  /** Fraud clicks per second of event time, over all addresses. */
  clicksPerSecond: number;
  burstClicks: number;
  burstDurationMs: number;
  /** Visitor index of the first fraud address, and how many there are (0: no fraud). */
  firstVisitor: number;
  visitors: number;
}

export interface FraudBursts {
  /** Time of the next fraud click; Infinity when there is no fraud. */
  peekMs(): number;
  /** The next click: its time, and its visitor and link through `into`. */
  take(into: { visitor: number; link: number }): number;
}

/** The mean ms from one burst's start to the next of the same address. */
export function burstPeriodMs(options: FraudBurstOptions): number {
  return (1000 * options.burstClicks * options.visitors) / options.clicksPerSecond;
}

export function createFraudBursts(random: Random, links: AliasTable, options: FraudBurstOptions): FraudBursts {
  const lanes = options.clicksPerSecond > 0 ? options.visitors : 0;
  const periodMs = lanes > 0 ? burstPeriodMs(options) : Infinity;
  const spacingMs = options.burstDurationMs / options.burstClicks;
  const burstStartMs = new Float64Array(lanes);
  const nextMs = new Float64Array(lanes);
  const clicksDone = new Int32Array(lanes);
  const link = new Int32Array(lanes);
  let soonest = 0;

  const startBurst = (lane: number, startMs: number): void => {
    burstStartMs[lane] = startMs;
    clicksDone[lane] = 0;
    link[lane] = links.sample(random);
    nextMs[lane] = startMs + random.float() * spacingMs;
  };
  const findSoonest = (): void => {
    soonest = 0;
    for (let lane = 1; lane < lanes; lane++) if (nextMs[lane]! < nextMs[soonest]!) soonest = lane;
  };
  /** The start of the burst after one that started at `startMs`: uniform in [0.5, 1.5] periods, never before it ends. */
  const nextStart = (startMs: number): number => Math.max(startMs + periodMs * (0.5 + random.float()), startMs + options.burstDurationMs);

  // Each lane starts in its steady state: its last burst began somewhere in the period before
  // the first event, so it may be mid-burst (its earlier clicks skipped) or between bursts, and
  // the configured rate holds from the first second, not after a ramp.
  for (let lane = 0; lane < lanes; lane++) {
    let start = options.startMs - random.float() * periodMs;
    while (start + options.burstDurationMs <= options.startMs) start = nextStart(start);
    startBurst(lane, start);
    const skipped = Math.max(0, Math.ceil((options.startMs - start) / spacingMs));
    clicksDone[lane] = skipped;
    nextMs[lane] = start + (skipped + random.float()) * spacingMs;
  }
  findSoonest();

  return {
    peekMs: () => (lanes === 0 ? Infinity : nextMs[soonest]!),
    take(into) {
      const lane = soonest;
      const timeMs = nextMs[lane]!;
      into.visitor = options.firstVisitor + lane;
      into.link = link[lane]!;
      const done = ++clicksDone[lane]!;
      if (done === options.burstClicks) {
        startBurst(lane, nextStart(burstStartMs[lane]!));
      } else {
        // Each click falls at a random point of its own slice of the burst: times only increase.
        nextMs[lane] = burstStartMs[lane]! + (done + random.float()) * spacingMs;
      }
      findSoonest();
      return timeMs;
    },
  };
}
