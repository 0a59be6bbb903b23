// Tier pricing: clicks fill tiers in order, each tier rounded half up on its own, boundaries exact.
import { describe, expect, it } from 'vitest';
import { defaultPlans, type Plan } from '../../store/index.js';
import { tierAmountMinor, tierUsage, usageAmountMinor } from './tiers.js';

const plan: Plan = {
  id: 'tiered', name: 'Tiered', currency: 'EUR', monthlyFeeMinor: 1_000,
  tiers: [{ upToClicks: 100, pricePerThousandMinor: 0 }, { upToClicks: 300, pricePerThousandMinor: 2_000 }, { upToClicks: null, pricePerThousandMinor: 1_500 }],
};

describe('tiers', () => {
  it('fills the tiers in order and stops at the clicks', () => {
    expect(tierUsage(plan, 0).map((t) => [t.tier, t.clicks, t.amountMinor])).toEqual([[1, 0, 0]]);
    expect(tierUsage(plan, 100).map((t) => [t.tier, t.clicks])).toEqual([[1, 100]]);
    expect(tierUsage(plan, 101).map((t) => [t.tier, t.clicks, t.amountMinor])).toEqual([[1, 100, 0], [2, 1, 2]]);
    expect(tierUsage(plan, 301).map((t) => [t.tier, t.firstClick, t.lastClick, t.clicks, t.amountMinor])).toEqual([[1, 1, 100, 100, 0], [2, 101, 300, 200, 400], [3, 301, null, 1, 2]]);
    expect(usageAmountMinor(plan, 1_000)).toBe(400 + 1_050);
  });

  it('rounds each tier half up in whole minor units', () => {
    expect(tierAmountMinor(1, 500)).toBe(1); // 0.5 → 1
    expect(tierAmountMinor(1, 499)).toBe(0);
    expect(tierAmountMinor(999, 1)).toBe(1);
    expect(tierAmountMinor(1_499, 1)).toBe(1);
    expect(tierAmountMinor(1_500, 1)).toBe(2);
  });

  it('prices the default business plan across its three tiers', () => {
    const business = defaultPlans.find((p) => p.id === 'business')!;
    expect(usageAmountMinor(business, 20_000_000)).toBe(0);
    expect(usageAmountMinor(business, 150_000_000)).toBe(80_000_000 * 3 / 1_000 + 50_000_000 * 2 / 1_000);
    expect(() => tierUsage(business, -1)).toThrow(/non-negative/);
  });
});
