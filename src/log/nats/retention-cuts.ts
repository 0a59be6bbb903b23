// Per partition, the stream sequence below which applyRetention removed that partition's data:
// a partition's start offset, and what a reader checks so that a read behind retention is an
// error, never a silent skip. Kept in the KV bucket (key `<stream>.retention-cuts`) so every
// process sees the cuts of every other; written before the purge it announces.
import { StringCodec } from 'nats';
import { LogError } from '../errors.js';
import { classified } from './nats-errors.js';
import type { NatsSession } from './session.js';

export interface RetentionCuts {
  /** Fresh from the server: per partition, the first stream sequence it may still hold (0: none removed). */
  load(): Promise<number[]>;
  /** Raises the cuts (never lowers them), merging with what other processes wrote; returns the result. */
  raise(cuts: ReadonlyMap<number, number>): Promise<number[]>;
}

const codec = StringCodec();
const conflictRetriesMax = 20;

function parseCuts(text: string, partitions: number): number[] {
  const stored = JSON.parse(text) as { cuts?: unknown };
  const cuts = stored.cuts;
  if (!Array.isArray(cuts) || cuts.length !== partitions || !cuts.every((cut) => Number.isSafeInteger(cut) && cut >= 0)) {
    throw new LogError(`the retention cuts of the log are damaged: ${text.slice(0, 200)}`, { domain: 'external', code: 'log_corrupt' });
  }
  return cuts as number[];
}

export function createRetentionCuts(session: NatsSession): RetentionCuts {
  const { kv, options } = session;
  const key = `${options.stream}.retention-cuts`;

  const read = async (): Promise<{ cuts: number[]; revision: number }> => {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') return { cuts: new Array<number>(options.partitions).fill(0), revision: 0 };
    return { cuts: parseCuts(codec.decode(entry.value), options.partitions), revision: entry.revision };
  };

  const raiseOnce = async (raised: ReadonlyMap<number, number>): Promise<number[] | undefined> => {
    const current = await read();
    const cuts = current.cuts.map((cut, partition) => Math.max(cut, raised.get(partition) ?? 0));
    const value = codec.encode(JSON.stringify({ cuts }));
    try {
      // Compare-and-set on the entry's revision: a concurrent writer's cuts are merged, not lost.
      if (current.revision === 0) await kv.create(key, value);
      else await kv.update(key, value, current.revision);
      return cuts;
    } catch (error) {
      if (/wrong last sequence|key exists/i.test(String(error))) return undefined;
      throw error;
    }
  };

  return {
    load: () => classified({ action: 'read the retention cuts' }, async () => (await read()).cuts),
    raise: (raised) =>
      classified({ action: 'record the retention cuts' }, async () => {
        for (let attempt = 0; attempt < conflictRetriesMax; attempt++) {
          const cuts = await raiseOnce(raised);
          if (cuts) return cuts;
        }
        throw new LogError('the retention cuts kept changing under concurrent writers', { domain: 'external', retryable: true, code: 'nats_conflict' });
      }),
  };
}
