// Plans of generated accounts, by share of accounts: the ids of the store's default plans
// (src/store/default-plans.ts), so billing sees every tier shape.
import type { Weighted } from './catalog-traffic.js';

export const accountPlans: readonly Weighted<string>[] = [
  { value: 'free', weight: 6 },
  { value: 'pro', weight: 3 },
  { value: 'business', weight: 1 },
];
