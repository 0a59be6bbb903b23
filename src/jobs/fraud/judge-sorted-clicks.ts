// The fraud rule over a bounded, sorted input: the batch layer calls this over a sealed hour so
// bills use a deterministic verdict. It runs exactly the rule the stream operator runs (one rule
// per log partition, as the stream keeps one per partition), so the same clicks in the same order
// get the same verdicts in both.
import { ValidationError } from '../../core/index.js';
import { createFraudRuleFromOptions, type FraudRule } from './fraud-rule.js';
import { parseFraudRuleOptions, type FraudRuleOptionsInput } from './options.js';

export interface SortedClick {
  /** The click's id: the tie-breaker of the order. */
  id: string;
  eventTimeMs: number;
  /** `ipKey(ip)` from src/events. */
  ipKey: number;
  /** `networkKey(ip)` from src/events. */
  networkKey: number;
  /**
   * The log partition the click was appended to (`partitionForIp(ip, partitions)`); default 0.
   * Heavy hitters are counted per partition, as in the stream.
   */
  partition?: number;
}

function outOfOrder(index: number, previous: SortedClick, click: SortedClick): ValidationError {
  return new ValidationError(
    'clicks',
    `must be sorted by (eventTimeMs, id): click ${index} (${click.eventTimeMs}, ${JSON.stringify(click.id)}) comes after (${previous.eventTimeMs}, ${JSON.stringify(previous.id)})`,
  );
}

/**
 * Each click's verdict code (`fraudFlagOk`, `fraudFlagSuspicious`, `fraudFlagBlocked`), in input
 * order. Throws a ValidationError when the clicks are not sorted by (eventTimeMs, id).
 */
export function judgeSortedClicks(clicks: readonly SortedClick[], thresholds: FraudRuleOptionsInput = {}): Uint8Array {
  const options = parseFraudRuleOptions(thresholds);
  const rules = new Map<number, FraudRule>();
  const verdicts = new Uint8Array(clicks.length);
  let previous: SortedClick | undefined;
  for (let index = 0; index < clicks.length; index++) {
    const click = clicks[index]!;
    if (previous !== undefined && (click.eventTimeMs < previous.eventTimeMs || (click.eventTimeMs === previous.eventTimeMs && click.id < previous.id))) {
      throw outOfOrder(index, previous, click);
    }
    previous = click;
    const partition = click.partition ?? 0;
    let rule = rules.get(partition);
    if (rule === undefined) {
      rule = createFraudRuleFromOptions(options);
      rules.set(partition, rule);
    }
    verdicts[index] = rule.observe(click.ipKey, click.networkKey, click.eventTimeMs);
  }
  return verdicts;
}
