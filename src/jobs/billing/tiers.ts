// Tiered prices (src/store/types.ts PlanTier): billable clicks fill the tiers in order, each tier
// priced per 1,000 clicks in integer minor units, each tier's amount rounded half up on its own.
import { assert } from '../../core/index.js';
import type { Plan } from '../../store/index.js';

export interface TierUsage {
  /** 1-based tier number. */
  tier: number;
  /** The first and last click of the tier (1-based, inclusive); `lastClick` null for the open tier. */
  firstClick: number;
  lastClick: number | null;
  clicks: number;
  pricePerThousandMinor: number;
  amountMinor: number;
}

/** `clicks × pricePerThousand / 1000`, rounded half up, in integer arithmetic. */
export function tierAmountMinor(clicks: number, pricePerThousandMinor: number): number {
  const product = clicks * pricePerThousandMinor;
  assert(Number.isSafeInteger(product), () => `${clicks} clicks at ${pricePerThousandMinor} per 1,000 overflow a safe integer`);
  return Math.floor((product + 500) / 1000);
}

/** The tiers `billable` clicks reach (at least the first), with their amounts. */
export function tierUsage(plan: Plan, billable: number): TierUsage[] {
  assert(Number.isSafeInteger(billable) && billable >= 0, () => `billable clicks must be a non-negative integer (got ${billable})`);
  const usage: TierUsage[] = [];
  let from = 0;
  for (const [index, tier] of plan.tiers.entries()) {
    const to = tier.upToClicks ?? Number.POSITIVE_INFINITY;
    const clicks = Math.max(0, Math.min(billable, to) - from);
    if (clicks > 0 || index === 0) {
      usage.push({ tier: index + 1, firstClick: from + 1, lastClick: tier.upToClicks, clicks, pricePerThousandMinor: tier.pricePerThousandMinor, amountMinor: tierAmountMinor(clicks, tier.pricePerThousandMinor) });
    }
    if (billable <= to) break;
    from = to;
  }
  return usage;
}

/** The usage price of `billable` clicks (the fee not included). */
export function usageAmountMinor(plan: Plan, billable: number): number {
  return tierUsage(plan, billable).reduce((sum, tier) => sum + tier.amountMinor, 0);
}
