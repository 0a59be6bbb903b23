// One rule per log partition of the worker (per-address state is whole in one partition: clicks are
// partitioned by network), and the named keyed states that checkpoint them. A checkpoint with few
// changed addresses gives each its own row in `ips`: the key is its numeric key in base 64 (8
// characters for IPv4), the value a small integer naming (partition, slot) whose codec reads the
// rule's record at collect, so the engine holds no copy of the state. A checkpoint with many writes
// them as a changelog in `ipChunks` (ip-changelog.ts): a few megabyte rows instead of an entry,
// a key and an upsert per address.
import type { KeyedState, OperatorContext, StateCodec } from '../../stream/index.js';
import { createFraudRuleFromOptions, type FraudRule } from './fraud-rule.js';
import type { FraudRuleOptions } from './options.js';
import { readChunkHeader, rangeCount, recordsPerChunk, type AddressSink } from './ip-changelog.js';
import { partitionOfIpValue, partitionOfSummary } from './rule-snapshot.js';

export interface PartitionRules {
  ruleFor(partition: number): FraudRule;
  forEach(callback: (rule: FraudRule, partition: number) => void): void;
  /** Declares the checkpointed states (in onStart). */
  declare(context: OperatorContext): void;
  /** Puts the dirty addresses and summaries in the states, and deletes the rows of removed addresses. */
  checkpoint(): void;
}

const digits = Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', (digit) => digit.charCodeAt(0));
const low24 = 2 ** 24;

/**
 * The state key of an address key: its base-64 digits (URL-safe alphabet), 4 characters below
 * 2^24, 8 below 2^48 (every IPv4 key), 9 above (IPv6). Made for every address at every checkpoint,
 * so made in one call: ten times faster than `toString(36)`, and short strings.
 */
export function ipStateKey(ipKey: number): string {
  const low = ipKey % low24;
  const high = Math.floor(ipKey / low24);
  const d0 = digits[(low >>> 18) & 63]!;
  const d1 = digits[(low >>> 12) & 63]!;
  const d2 = digits[(low >>> 6) & 63]!;
  const d3 = digits[low & 63]!;
  if (high === 0) return String.fromCharCode(d0, d1, d2, d3);
  const h0 = digits[(high >>> 18) & 63]!;
  const h1 = digits[(high >>> 12) & 63]!;
  const h2 = digits[(high >>> 6) & 63]!;
  const h3 = digits[high & 63]!;
  if (high < low24) return String.fromCharCode(h0, h1, h2, h3, d0, d1, d2, d3);
  return String.fromCharCode(digits[Math.floor(high / low24) & 63]!, h0, h1, h2, h3, d0, d1, d2, d3);
}

export function createPartitionRules(options: FraudRuleOptions): PartitionRules {
  const rules = new Map<number, FraudRule>();
  // The worker's partitions by position: a value is position * ipsPerPartition + slot, below ipsMax (a small integer).
  const positions = new Map<number, number>();
  let partitionsByPosition: readonly number[] = [0];
  let ipsPerPartition = options.ipsMax;
  let ips: KeyedState<number> | undefined;
  let chunks: KeyedState<number> | undefined;
  let summaries: KeyedState<number> | undefined;
  // Chunk bytes made at the barrier, handed to the engine when it encodes the row right after.
  const chunkBytes = new Map<number, Uint8Array>();
  let chunkHandle = 0;

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
      // Applied after every chunk of the partition, at the rule's first use.
      ruleFor(partitionOfIpValue(bytes)).queueRestoredIp(bytes);
      return 0;
    },
  };
  const chunkCodec: StateCodec<number> = {
    encode(handle) {
      const bytes = chunkBytes.get(handle);
      if (bytes === undefined) throw new Error(`fraud changelog: chunk ${handle} was encoded twice or never made`);
      chunkBytes.delete(handle);
      return bytes;
    },
    decode(bytes) {
      ruleFor(readChunkHeader(bytes).partition).queueRestoredChunk(bytes);
      return 0;
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
      // Base parts of every range, and the deltas of about one turn of the ranges (each delta rewrites at least one range).
      const partsPerRange = Math.ceil(ipsPerPartition / rangeCount / recordsPerChunk) + 1;
      const deltaParts = Math.ceil(ipsPerPartition / recordsPerChunk) + 1;
      chunks = context.keyedState('ipChunks', { codec: chunkCodec, keysMax: partitionsByPosition.length * (rangeCount * partsPerRange + (rangeCount + 2) * deltaParts), whenFull: 'fail' });
      summaries = context.keyedState('summaries', { codec: summaryCodec, keysMax: partitionsByPosition.length });
    },
    checkpoint() {
      rules.forEach((rule, partition) => {
        const own = ips!.partition(partition);
        const chunkState = chunks!.partition(partition);
        const sink: AddressSink = {
          putOwn: (ipKey, slot) => own.set(ipStateKey(ipKey), valueOf(partition, slot)),
          deleteOwn: (ipKey) => void own.delete(ipStateKey(ipKey)),
          putChunk(key, bytes) {
            chunkBytes.set(++chunkHandle, bytes);
            chunkState.set(key, chunkHandle);
          },
          deleteChunk: (key) => void chunkState.delete(key),
        };
        rule.checkpointAddresses(partition, sink);
        if (rule.summaryDirty()) summaries!.set(partition, 'summary', partition);
      });
    },
  };
}
