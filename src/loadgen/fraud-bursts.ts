// Click fraud as it looks on the wire: one address clicking one link hundreds of times within
// seconds, then silence until the next burst (from the next fraud address). Bursts run on their
// own event-time schedule and are merged with regular traffic by time; they are not shaped by
// the diurnal curve, so fraud stands out most at night, as it does in practice.
import type { AliasTable } from './alias-table.js';
import type { Random } from './random.js';

export interface FraudBurstOptions {
  startMs: number;
  /** Mean ms from one burst's start to the next; bursts never overlap. */
  meanStartGapMs: number;
  burstClicks: number;
  burstDurationMs: number;
  /** Visitor index of the first fraud address, and how many there are. */
  firstVisitor: number;
  visitors: number;
}

export interface FraudBursts {
  /** Time of the next fraud click; Infinity when there is no fraud. */
  peekMs(): number;
  /** The next click: its time, and its visitor and link through `into`. */
  take(into: { visitor: number; link: number }): number;
}

export function createFraudBursts(random: Random, links: AliasTable, options: FraudBurstOptions): FraudBursts {
  const spacingMs = options.burstDurationMs / options.burstClicks;
  let burst = 0;
  let burstStartMs = options.startMs + random.float() * options.meanStartGapMs;
  let clicksLeft = options.burstClicks;
  let visitor = options.firstVisitor;
  let link = links.sample(random);
  let nextMs = burstStartMs + random.float() * spacingMs;

  const startNextBurst = (): void => {
    // Uniform in [0.5, 1.5] of the mean gap, never before this burst has ended.
    burstStartMs = Math.max(burstStartMs + options.meanStartGapMs * (0.5 + random.float()), burstStartMs + options.burstDurationMs);
    burst++;
    clicksLeft = options.burstClicks;
    visitor = options.firstVisitor + (burst % options.visitors);
    link = links.sample(random);
  };

  return {
    peekMs: () => (options.visitors === 0 ? Infinity : nextMs),
    take(into) {
      const timeMs = nextMs;
      into.visitor = visitor;
      into.link = link;
      clicksLeft--;
      if (clicksLeft === 0) startNextBurst();
      // Each click falls at a random point of its own slice of the burst: times only increase.
      const slice = options.burstClicks - clicksLeft;
      nextMs = burstStartMs + (slice + random.float()) * spacingMs;
      return timeMs;
    },
  };
}
