// Options of the load generator: the world (accounts, users, links, visitors) and the traffic
// (rates, shares of bots, fraud, duplicates, late and out-of-order events). Typed, documented and
// validated once (CONVENTIONS.md rule 10); the CLI builds its flags and help from this spec.
// Shares are fractions of all events sent.
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../core/index.js';

const dayMs = 24 * 60 * 60 * 1000;

export const loadGeneratorSpec = {
  seed: { kind: 'integer', default: 1, min: 0, max: 2 ** 32 - 1, doc: 'seed of every random choice: the same seed and options give the same world and events' },
  prefix: {
    kind: 'string',
    default: '',
    pattern: /^(?:[a-z][a-z0-9]{0,15})?$/,
    doc: "names the world's accounts, users and slugs, so runs with the same prefix share a world ('' = lg<seed>)",
  },
  startMs: { kind: 'integer', default: Date.UTC(2026, 0, 1), min: 0, max: 2 ** 47, doc: 'event time of the first event, ms since the epoch' },
  eventsPerSecond: { kind: 'number', default: 1_000, min: 0.001, max: 100_000_000, doc: 'mean events per second of event time (the diurnal shape varies it over the day)' },
  accounts: { kind: 'integer', default: 20, min: 1, max: limits.loadgenAccountsMax, doc: 'accounts in the world, on the free, pro and business plans' },
  usersPerAccount: { kind: 'integer', default: 5, min: 1, max: limits.loadgenUsersPerAccountMax, doc: 'users (link owners) per account, each in an IANA time zone' },
  links: { kind: 'integer', default: 5_000, min: 1, max: limits.loadgenLinksMax, doc: 'links in the world, spread over its users' },
  zipfExponent: { kind: 'number', default: 1.0, min: 0, max: 3, doc: 'link popularity: the link of rank k gets clicks in proportion to 1/k^exponent' },
  visitors: { kind: 'integer', default: 200_000, min: 1, max: limits.loadgenVisitorsMax, doc: 'distinct human visitor addresses' },
  networks: { kind: 'integer', default: 20_000, min: 1, max: limits.loadgenVisitorsMax, doc: 'IPv4 /24 and IPv6 /64 networks the human visitors live in' },
  ipv6Share: { kind: 'number', default: 0.15, min: 0, max: 1, doc: 'share of human visitors with an IPv6 address' },
  botShare: { kind: 'number', default: 0.06, min: 0, max: 0.9, doc: 'share of events from bots: crawlers and link-preview fetchers' },
  fraudIps: { kind: 'integer', default: 64, min: 0, max: limits.loadgenFraudIpsMax, doc: 'addresses that click in bursts (click fraud)' },
  fraudShare: { kind: 'number', default: 0.02, min: 0, max: 0.5, doc: 'share of events from fraud bursts' },
  burstClicks: { kind: 'integer', default: 300, min: 1, max: 1_000_000, doc: 'clicks in one fraud burst, all from one address on one link' },
  burstDurationMs: { kind: 'integer', default: 3_000, min: 1, max: dayMs, doc: 'event-time length of one fraud burst, ms' },
  duplicateShare: { kind: 'number', default: 0.01, min: 0, max: 0.5, doc: 'share of events that re-send a recent event with the same id (client retries)' },
  lateShare: { kind: 'number', default: 0.005, min: 0, max: 0.5, doc: 'share of events sent late: event time between lateMinMs and lateMaxMs before their send time' },
  lateMinMs: { kind: 'integer', default: 60_000, min: 1, max: 20 * dayMs, doc: 'least lateness of a late event, ms' },
  lateMaxMs: { kind: 'integer', default: 2 * dayMs, min: 1, max: 20 * dayMs, doc: 'most lateness of a late event, ms (log-uniform between the two)' },
  outOfOrderShare: { kind: 'number', default: 0.05, min: 0, max: 0.9, doc: 'share of events out of order: event time up to outOfOrderMaxMs before their send time' },
  outOfOrderMaxMs: { kind: 'integer', default: 5_000, min: 1, max: 60 * 60 * 1000, doc: 'most out-of-orderness, ms' },
  diurnalAmplitude: { kind: 'number', default: 0, min: 0, max: 0.95, doc: 'daily rate swing: the rate is mean × (1 + amplitude × cos(hour from peak)); 0 is flat' },
  diurnalPeakHourUtc: { kind: 'number', default: 17, min: 0, max: 24, doc: 'UTC hour of the busiest moment of the day' },
  headShare: { kind: 'number', default: 0.01, min: 0, max: 1, doc: 'share of bot and human events that are HEAD requests' },
} as const;

export type LoadGeneratorOptions = OptionsOf<typeof loadGeneratorSpec>;
export type LoadGeneratorOptionsInput = OptionsInput<typeof loadGeneratorSpec>;

const component = 'load generator';

function checkShares(options: LoadGeneratorOptions): void {
  const special = options.fraudShare + options.duplicateShare + options.botShare;
  if (special >= 0.95) throw new OptionsError(component, 'botShare', `fraudShare + duplicateShare + botShare is ${special}; it must stay below 0.95`);
  // Late and out-of-order times are given to new, regular events only.
  const regular = 1 - options.fraudShare - options.duplicateShare;
  if (options.lateShare + options.outOfOrderShare > regular) {
    throw new OptionsError(component, 'lateShare', `lateShare + outOfOrderShare must not exceed the share of new regular events (${regular.toFixed(3)})`);
  }
  if (options.fraudShare > 0 && options.fraudIps === 0) throw new OptionsError(component, 'fraudIps', 'must be at least 1 when fraudShare is above 0');
  // Each fraud address bursts on its own; at a high rate the share needs several bursting at once.
  const burstingAtOnce = Math.ceil((options.fraudShare * options.eventsPerSecond * options.burstDurationMs) / 1000 / options.burstClicks);
  if (burstingAtOnce > options.fraudIps) {
    throw new OptionsError(component, 'fraudIps', `fraudShare ${options.fraudShare} at ${options.eventsPerSecond} events/s needs ${burstingAtOnce} addresses bursting at once; raise fraudIps or burstClicks, or shorten burstDurationMs`);
  }
}

function check(options: LoadGeneratorOptions): void {
  checkShares(options);
  if (options.lateMinMs > options.lateMaxMs) throw new OptionsError(component, 'lateMinMs', `must not exceed lateMaxMs (${options.lateMaxMs})`);
  if (options.lateMaxMs > options.startMs) throw new OptionsError(component, 'lateMaxMs', 'would put late events before the epoch; lower it or move startMs');
  if (options.networks > options.visitors) throw new OptionsError(component, 'networks', `must not exceed visitors (${options.visitors})`);
  const users = options.accounts * options.usersPerAccount;
  if (users > options.links) throw new OptionsError(component, 'links', `must be at least the number of users (${users}), so every user owns a link`);
}

export function parseLoadGeneratorOptions(input: LoadGeneratorOptionsInput = {}): LoadGeneratorOptions {
  return parseOptions(component, loadGeneratorSpec, input, check);
}

/** The prefix of the world's names: the option, or `lg<seed>` in base 36. */
export function worldPrefix(options: LoadGeneratorOptions): string {
  return options.prefix === '' ? `lg${options.seed.toString(36)}` : options.prefix;
}
