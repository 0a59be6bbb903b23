// The fraud detector as a stream operator. For each click of a batch it runs the partition's fraud
// rule and writes the verdict in force into `flags[row]` (fraudFlagOk / Suspicious / Blocked), so an
// operator after it on the same batch (counters) reads it. It pushes verdict changes and the
// touched addresses' numbers as live messages after each batch, sends addresses that went quiet
// back to ok on the watermark, and checkpoints only the addresses that changed (partition-rules.ts,
// ip-changelog.ts).
// Per click it allocates nothing: numeric keys, typed-array records, no promise.
import { limits } from '../../core/index.js';
import type { ClickBatch, Operator, OperatorContext } from '../../stream/index.js';
import { noWatermarkMs } from '../../stream/index.js';
import type { FraudNumbers } from './fraud-numbers.js';
import type { FraudRuleStats } from './fraud-rule.js';
import { createLiveEmitter, type LiveEmitter } from './live-emitter.js';
import { parseFraudOperatorOptions, ruleOptionsOf, type FraudOperatorOptionsInput } from './options.js';
import { createPartitionRules, type PartitionRules } from './partition-rules.js';
import { createTouchedSlots } from './touched-slots.js';

/** The operator's name: its states are stored as `fraud.ips`, `fraud.ipChunks` and `fraud.summaries`. Keep it stable. */
export const fraudOperatorName = 'fraud';

/** Rows whose records are brought into the cache together before they are judged. */
const prefetchRows = 32;

export interface FraudOperator extends Operator<ClickBatch> {
  /** Each partition's rule counters (tracked addresses, evictions, expirations...). */
  stats(): Record<number, FraudRuleStats>;
  /** The numbers of a tracked address (from whichever partition holds it), for tests and debugging. */
  numbersOf(ipKey: number): FraudNumbers | undefined;
}

function processClicks(rules: PartitionRules, emitter: LiveEmitter, touched: ReturnType<typeof createTouchedSlots>, batch: ClickBatch, context: OperatorContext): void {
  const rule = rules.ruleFor(batch.partition);
  const { ipKeys, networkKeys, eventTimesMs, flags, length } = batch;
  const last = rule.last;
  touched.reset(length);
  for (let start = 0; start < length; start += prefetchRows) {
    const end = Math.min(length, start + prefetchRows);
    rule.prefetch(ipKeys, networkKeys, start, end);
    for (let row = start; row < end; row++) {
      const verdict = rule.observe(ipKeys[row]!, networkKeys[row]!, eventTimesMs[row]!);
      flags[row] = verdict;
      if (verdict !== last.previous) emitter.clickChange(rule, batch, row, last.previous);
      touched.add(last.slot, row);
    }
  }
  emitter.flushChanges(context);
  emitter.emitNumbers(context, rule, batch.partition, touched);
}

/** The fraud operator with `input` thresholds and bounds (defaults and reasons: docs/fraud.md). */
export function createFraudOperator(input: FraudOperatorOptionsInput = {}): FraudOperator {
  const options = parseFraudOperatorOptions(input);
  const rules = createPartitionRules(ruleOptionsOf(options));
  const touched = createTouchedSlots();
  const emitter = createLiveEmitter({
    alertUserAgents: options.alertUserAgents,
    ipNumbers: options.liveIpNumbers,
    ipsPerMessage: options.liveIpsPerMessage,
    changesPerMessage: limits.fraudLiveChangesPerMessageMax,
  });
  return {
    name: fraudOperatorName,
    onStart(context) {
      rules.declare(context);
    },
    processBatch(batch, context) {
      processClicks(rules, emitter, touched, batch, context);
    },
    onWatermark(_watermarkMs, context) {
      rules.forEach((rule, partition) => {
        const watermarkMs = context.partitionWatermarkMs(partition);
        if (watermarkMs === noWatermarkMs) return;
        rule.relaxQuiet(watermarkMs, (slot, previous) => emitter.quietChange(rule, partition, slot, previous, watermarkMs));
      });
      emitter.flushChanges(context);
    },
    onCheckpoint() {
      rules.checkpoint();
    },
    numbersOf(ipKey) {
      let found: FraudNumbers | undefined;
      rules.forEach((rule) => {
        const slot = rule.find(ipKey);
        if (slot >= 0 && found === undefined) found = rule.numbers(slot, undefined, Infinity);
      });
      return found;
    },
    stats() {
      const result: Record<number, FraudRuleStats> = {};
      rules.forEach((rule, partition) => (result[partition] = rule.stats()));
      return result;
    },
  };
}
