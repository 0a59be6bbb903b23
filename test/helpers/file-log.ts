// A read-only EventLog over files, one per partition (`<partition>.log`: [u32 length][record]
// frames), for tests where several processes read one pre-filled log at once.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LogError, type EventLog } from '../../src/log/index.js';

export async function writeFileLog(dir: string, partitions: readonly (readonly Uint8Array[])[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'partitions'), String(partitions.length));
  for (const [partition, records] of partitions.entries()) {
    const frames = records.map((record) => {
      const frame = Buffer.alloc(4 + record.byteLength);
      frame.writeUInt32BE(record.byteLength, 0);
      frame.set(record, 4);
      return frame;
    });
    await writeFile(join(dir, `${partition}.log`), Buffer.concat(frames));
  }
}

export async function openFileLog(dir: string): Promise<EventLog> {
  const partitions = Number(await readFile(join(dir, 'partitions'), 'utf8'));
  const data: Uint8Array[][] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const bytes = await readFile(join(dir, `${partition}.log`));
    const records: Uint8Array[] = [];
    for (let position = 0; position < bytes.length; ) {
      const length = bytes.readUInt32BE(position);
      records.push(bytes.subarray(position + 4, position + 4 + length));
      position += 4 + length;
    }
    data.push(records);
  }
  const refuse = (): never => {
    throw new LogError('this test log is read-only', { domain: 'user', code: 'log_usage' });
  };
  return {
    kind: 'file',
    partitions,
    append: async () => refuse(),
    async read(partition, fromOffset, options = {}) {
      const records = data[partition] ?? refuse();
      const end = Math.min(records.length, fromOffset + (options.maxRecords ?? 10_000));
      const batch = [];
      for (let offset = fromOffset; offset < end; offset++) batch.push({ offset, value: records[offset]! });
      // Nothing is ever appended: a read at the end waits its long-poll out, as a real log would.
      if (batch.length === 0 && (options.waitMs ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(options.waitMs ?? 0, 50)));
      return { partition, records: batch, nextOffset: Math.max(fromOffset, end) };
    },
    endOffsets: async () => data.map((records) => records.length),
    startOffsets: async () => data.map(() => 0),
    stats: async () => data.map((records, partition) => ({ partition, startOffset: 0, endOffset: records.length, records: records.length, bytes: 0 })),
    commitConsumerOffsets: async () => refuse(),
    consumerOffsets: async () => new Map(),
    applyRetention: async () => ({ removedUnits: 0, removedRecords: 0, removedBytes: 0 }),
    close: async () => undefined,
  };
}

/** The worker-main entry for `{ kind: 'module' }` logs. */
export function openEventLog(options: unknown): Promise<EventLog> {
  return openFileLog((options as { dir: string }).dir);
}
