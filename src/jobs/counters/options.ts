// The counters operator's options: each field's default, unit and bounds (CONVENTIONS.md rule 10).
// docs/counters.md explains the defaults.
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';
import { hourMs, visitorHoursKept } from './counter-rows.js';

export const countersOperatorSpec = {
  linksMax: {
    kind: 'integer',
    default: limits.countersLinksDefault,
    min: 1,
    max: limits.countersLinksMax,
    doc: "links whose counters the operator keeps over its partitions; beyond, the least recently clicked link's state is evicted",
  },
  linkIdleTtlMs: {
    kind: 'integer',
    default: limits.countersLinkIdleTtlMsDefault,
    min: visitorHoursKept * hourMs,
    max: 10 * 365 * 24 * hourMs,
    doc: 'event-time ms without a click after which a link leaves the state (its last view row stays)',
  },
  visitorSlicesMax: {
    kind: 'integer',
    default: limits.countersVisitorSlicesDefault,
    min: 1,
    max: limits.countersVisitorSlicesMax,
    doc: 'hourly visitor sketches (link × hour) the operator keeps; beyond, the least recently updated is evicted',
  },
} as const;

export type CountersOperatorOptions = OptionsOf<typeof countersOperatorSpec>;
export type CountersOperatorOptionsInput = OptionsInput<typeof countersOperatorSpec>;

export function parseCountersOperatorOptions(input: CountersOperatorOptionsInput = {}): CountersOperatorOptions {
  return parseOptions('counters operator', countersOperatorSpec, input, (options) => {
    if (options.linksMax + options.visitorSlicesMax > limits.streamStateKeysPerJobMax) {
      throw new OptionsError('counters operator', 'visitorSlicesMax', `linksMax + visitorSlicesMax must stay within ${limits.streamStateKeysPerJobMax}`);
    }
  });
}
