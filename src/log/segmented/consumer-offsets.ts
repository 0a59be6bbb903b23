// Consumers' committed positions: one JSON file per consumer under `<dir>/consumers/`, replaced
// atomically (temporary name, fsync, rename). Commits of one consumer are applied in call order
// within a process; across processes (the writer and its followers) the last rename wins, and a
// reader always sees one whole commit.
import fs from 'node:fs/promises';
import path from 'node:path';
import { limits } from '../../core/index.js';
import { logUsageError } from '../errors.js';
import { readWholeFile, writeFileDurably } from './file-io.js';
import { pidExists } from './process-liveness.js';
import { checkPartition } from '../request-checks.js';
import { consumerOffsetsCorruptError } from './segmented-errors.js';

export interface ConsumerOffsetStore {
  commit(consumer: string, offsets: ReadonlyMap<number, number>): Promise<void>;
  read(consumer: string): Promise<Map<number, number>>;
}

function checkConsumer(consumer: string): void {
  const bytes = typeof consumer === 'string' ? Buffer.byteLength(consumer) : 0;
  // The name becomes a file name: percent-encoding may triple it, and names stop at 255 bytes.
  if (bytes === 0 || bytes > limits.logConsumerNameBytesMax || encodeURIComponent(consumer).length > 240) {
    throw logUsageError(`a consumer name is a string of 1 to ${limits.logConsumerNameBytesMax} bytes (at most 240 once percent-encoded)`);
  }
}

function parseOffsets(consumer: string, bytes: Buffer, partitions: number): Map<number, number> {
  let stored: unknown;
  try {
    stored = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw consumerOffsetsCorruptError(consumer, (error as Error).message);
  }
  const offsets = (stored as { offsets?: unknown } | null)?.offsets;
  if (typeof offsets !== 'object' || offsets === null) throw consumerOffsetsCorruptError(consumer, 'no offsets object');
  const result = new Map<number, number>();
  for (const [key, value] of Object.entries(offsets)) {
    const partition = Number(key);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions || !Number.isSafeInteger(value) || (value as number) < 0) {
      throw consumerOffsetsCorruptError(consumer, `bad entry ${key}: ${JSON.stringify(value)}`);
    }
    result.set(partition, value as number);
  }
  return result;
}

export async function createConsumerOffsetStore(dir: string, partitions: number): Promise<ConsumerOffsetStore> {
  const folder = path.join(dir, 'consumers');
  await fs.mkdir(folder, { recursive: true });
  // Followers in other processes commit here too: remove only what a process that is gone left.
  for (const name of await fs.readdir(folder)) {
    const owner = /\.tmp-(\d+)-/.exec(name);
    if (owner && !pidExists(Number(owner[1]))) await fs.rm(path.join(folder, name), { force: true });
  }
  const fileOf = (consumer: string) => path.join(folder, `consumer-${encodeURIComponent(consumer)}.json`);
  // The latest commit of each consumer, so a later commit never lands before an earlier one.
  const chains = new Map<string, Promise<void>>();

  return {
    commit(consumer, offsets) {
      checkConsumer(consumer);
      const entries: Record<string, number> = {};
      for (const [partition, offset] of offsets) {
        checkPartition(partition, partitions);
        if (!Number.isSafeInteger(offset) || offset < 0) throw logUsageError(`offset ${offset} is not a valid offset`, partition, offset);
        entries[String(partition)] = offset;
      }
      const bytes = Buffer.from(`${JSON.stringify({ consumer, offsets: entries })}\n`);
      const previous = chains.get(consumer) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => writeFileDurably(fileOf(consumer), bytes));
      chains.set(consumer, next);
      void next.finally(() => chains.get(consumer) === next && chains.delete(consumer)).catch(() => undefined);
      return next;
    },
    async read(consumer) {
      checkConsumer(consumer);
      const bytes = await readWholeFile(fileOf(consumer));
      return bytes === undefined ? new Map() : parseOffsets(consumer, bytes, partitions);
    },
  };
}
