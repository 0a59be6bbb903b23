// One rule per log partition of the worker (per-address state is whole in one partition: clicks are
// partitioned by network), and the named keyed states that checkpoint them. An address's state key
// is its numeric key in base 36 (7 characters for IPv4: a short string per checkpointed address);
// its value is a small integer naming (partition, slot), and its codec reads and writes the rule's
// record, so a checkpoint copies only the addresses marked dirty and the engine holds no copy of
// their state.
import type { KeyedState, OperatorContext, StateCodec } from '../../stream/index.js';
import { createFraudRuleFromOptions, type FraudRule } from './fraud-rule.js';
import type { FraudRuleOptions } from './options.js';
import { partitionOfIpValue, partitionOfSummary } from './rule-snapshot.js';

export interface PartitionRules {
  ruleFor(partition: number): FraudRule;
  forEach(callback: (rule: FraudRule, partition: number) => void): void;
  /** Declares the checkpointed states (in onStart). */
  declare(context: OperatorContext): void;
  /** Puts the dirty addresses and summaries in the states, and deletes the rows of removed addresses. */
  checkpoint(): void;
}

/** The state key of an address key. */
export function ipStateKey(ipKey: number): string {
  return ipKey.toString(36);
}

export function createPartitionRules(options: FraudRuleOptions): PartitionRules {
  const rules = new Map<number, FraudRule>();
  // The worker's partitions by position: a value is position * ipsPerPartition + slot, below ipsMax (a small integer).
  const positions = new Map<number, number>();
  let partitionsByPosition: readonly number[] = [0];
  let ipsPerPartition = options.ipsMax;
  let ips: KeyedState<number> | undefined;
  let summaries: KeyedState<number> | undefined;

  const ruleFor = (partition: number): FraudRule => {
    let rule = rules.get(partition);
    if (rule === undefined) {
      const networksMax = Math.max(16, Math.floor(options.networksMax / partitionsByPosition.length));
      rule = createFraudRuleFromOptions({ ...options, ipsMax: ipsPerPartition, networksMax });
      rules.set(partition, rule);
    }
    return rule;
  };
  const valueOf = (partition: number, slot: number): number => positions.get(partition)! * ipsPerPartition + slot;
  const ipCodec: StateCodec<number> = {
    encode(value) {
      const partition = partitionsByPosition[Math.floor(value / ipsPerPartition)]!;
      return ruleFor(partition).encodeIp(value % ipsPerPartition, partition);
    },
    decode(bytes) {
      const partition = partitionOfIpValue(bytes);
      return valueOf(partition, ruleFor(partition).restoreIp(bytes));
    },
  };
  const summaryCodec: StateCodec<number> = {
    encode: (partition) => ruleFor(partition).encodeSummary(partition),
    decode(bytes) {
      const partition = partitionOfSummary(bytes);
      ruleFor(partition).restoreSummary(bytes);
      return partition;
    },
  };
  return {
    ruleFor,
    forEach: (callback) => rules.forEach(callback),
    declare(context) {
      partitionsByPosition = context.partitions.length > 0 ? context.partitions : [0];
      partitionsByPosition.forEach((partition, position) => positions.set(partition, position));
      // The worker's bound is split evenly over its partitions.
      ipsPerPartition = Math.max(16, Math.floor(options.ipsMax / partitionsByPosition.length));
      ips = context.keyedState('ips', { codec: ipCodec, keysMax: ipsPerPartition * partitionsByPosition.length });
      summaries = context.keyedState('summaries', { codec: summaryCodec, keysMax: partitionsByPosition.length });
    },
    checkpoint() {
      rules.forEach((rule, partition) => {
        const state = ips!.partition(partition);
        // Deletions first: a removed address that came back is deleted, then written afresh.
        rule.drainRemoved((ipKey) => state.delete(ipStateKey(ipKey)));
        rule.forEachDirty((slot, ipKey) => state.set(ipStateKey(ipKey), valueOf(partition, slot)));
        if (rule.summaryDirty()) summaries!.set(partition, 'summary', partition);
      });
    },
  };
}
