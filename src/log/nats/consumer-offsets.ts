// Consumers' committed positions, one KV entry per consumer (key `<stream>.consumers.<name>`,
// the name base64url-encoded so any name is a valid key). A commit replaces the consumer's entry;
// the KV stream applies one connection's puts in the order they were sent.
import { StringCodec } from 'nats';
import { LogError, logUsageError } from '../errors.js';
import { classified } from './nats-errors.js';
import { checkConsumerName, checkPartition } from '../request-checks.js';
import type { NatsSession } from './session.js';

export interface ConsumerOffsetStore {
  commit(consumer: string, offsets: ReadonlyMap<number, number>): Promise<void>;
  read(consumer: string): Promise<Map<number, number>>;
}

const codec = StringCodec();

function damaged(consumer: string, problem: string): LogError {
  return new LogError(`the committed offsets of consumer ${consumer} are damaged: ${problem}`, { domain: 'external', code: 'consumer_offsets_corrupt' });
}

function parseOffsets(consumer: string, text: string, partitions: number): Map<number, number> {
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (error) {
    throw damaged(consumer, (error as Error).message);
  }
  const offsets = (stored as { offsets?: unknown } | null)?.offsets;
  if (typeof offsets !== 'object' || offsets === null) throw damaged(consumer, 'no offsets object');
  const result = new Map<number, number>();
  for (const [key, value] of Object.entries(offsets)) {
    const partition = Number(key);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions || !Number.isSafeInteger(value) || (value as number) < 0) {
      throw damaged(consumer, `bad entry ${key}: ${JSON.stringify(value)}`);
    }
    result.set(partition, value as number);
  }
  return result;
}

export function createConsumerOffsetStore(session: NatsSession): ConsumerOffsetStore {
  const { kv, options } = session;
  const keyOf = (consumer: string) => `${options.stream}.consumers.${Buffer.from(consumer).toString('base64url')}`;
  return {
    async commit(consumer, offsets) {
      checkConsumerName(consumer);
      const entries: Record<string, number> = {};
      for (const [partition, offset] of offsets) {
        checkPartition(partition, options.partitions);
        if (!Number.isSafeInteger(offset) || offset < 0) throw logUsageError(`offset ${offset} is not a valid offset`, partition, offset);
        entries[String(partition)] = offset;
      }
      const value = codec.encode(JSON.stringify({ consumer, offsets: entries }));
      await classified({ action: `commit the offsets of consumer ${consumer}` }, () => kv.put(keyOf(consumer), value));
    },
    async read(consumer) {
      checkConsumerName(consumer);
      const entry = await classified({ action: `read the offsets of consumer ${consumer}` }, () => kv.get(keyOf(consumer)));
      if (!entry || entry.operation !== 'PUT') return new Map();
      return parseOffsets(consumer, codec.decode(entry.value), options.partitions);
    },
  };
}
