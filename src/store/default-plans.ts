// The plans every new store starts with (seeded by migration 1 of each backend). Prices are in
// euro cents per 1,000 billable clicks; docs/store.md says why these numbers.
import type { Plan } from './types.js';

export const defaultPlans: readonly Plan[] = Object.freeze([
  {
    id: 'free',
    name: 'Free',
    currency: 'EUR',
    monthlyFeeMinor: 0,
    tiers: [
      { upToClicks: 10_000, pricePerThousandMinor: 0 },
      { upToClicks: null, pricePerThousandMinor: 50 },
    ],
  },
  {
    id: 'pro',
    name: 'Pro',
    currency: 'EUR',
    monthlyFeeMinor: 2_900,
    tiers: [
      { upToClicks: 1_000_000, pricePerThousandMinor: 0 },
      { upToClicks: null, pricePerThousandMinor: 5 },
    ],
  },
  {
    id: 'business',
    name: 'Business',
    currency: 'EUR',
    monthlyFeeMinor: 19_900,
    tiers: [
      { upToClicks: 20_000_000, pricePerThousandMinor: 0 },
      { upToClicks: 100_000_000, pricePerThousandMinor: 3 },
      { upToClicks: null, pricePerThousandMinor: 2 },
    ],
  },
]);
