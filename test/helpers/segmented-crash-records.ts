// The crash test's records and batches: every record's bytes follow from its header, so a
// checker can tell a record the writer could have written from a damaged or invented one.
import type { SegmentedLogOptions } from '../../src/log/index.js';

/** Options the crash child and the checker both open the log with. */
export const crashLogOptions = (dir: string): SegmentedLogOptions => ({
  dir,
  partitions: 4,
  segmentBytes: 256 * 1024,
  indexIntervalBytes: 1024,
  groupCommitIntervalMs: 2,
  checkpointIntervalMs: 20,
});

/** A batch is named `round.worker.sequence`; its records are numbered 0 to count - 1. */
export interface CrashBatch {
  id: string;
  partition: number;
  count: number;
  key: string | undefined;
}

function fillerByte(seed: number, index: number): number {
  // A small LCG: deterministic, cheap, and varied enough that a flipped byte shows.
  const value = (Math.imul(seed ^ index, 1_103_515_245) + 12_345) >>> 0;
  return 97 + (value % 26);
}

function seedOf(header: string): number {
  let hash = 2_166_136_261;
  for (let i = 0; i < header.length; i++) hash = Math.imul(hash ^ header.charCodeAt(i), 16_777_619) >>> 0;
  return hash;
}

function fillerBytesOf(seed: number): number {
  return 16 + (seed % 120);
}

export function crashRecord(batchId: string, index: number, count: number): Uint8Array {
  const header = `${batchId}/${index}/${count}|`;
  const seed = seedOf(header);
  const fillerBytes = fillerBytesOf(seed);
  const bytes = Buffer.alloc(header.length + fillerBytes);
  bytes.write(header, 'latin1');
  for (let i = 0; i < fillerBytes; i++) bytes[header.length + i] = fillerByte(seed, i);
  return bytes;
}

export function crashRecords(batch: CrashBatch): Uint8Array[] {
  return Array.from({ length: batch.count }, (_, index) => crashRecord(batch.id, index, batch.count));
}

const headerPattern = /^([0-9]+\.[0-9]+\.[0-9]+)\/([0-9]+)\/([0-9]+)\|/;

/** The batch and index a record claims, if its bytes are exactly what the writer makes for them. */
export function parseCrashRecord(value: Uint8Array): { batchId: string; index: number; count: number } | undefined {
  const bar = value.indexOf(0x7c);
  if (bar < 0 || bar > 64) return undefined;
  const header = Buffer.from(value.buffer, value.byteOffset, bar + 1).toString('latin1');
  const match = headerPattern.exec(header);
  if (!match) return undefined;
  const seed = seedOf(header);
  if (value.length !== header.length + fillerBytesOf(seed)) return undefined;
  for (let i = header.length; i < value.length; i++) if (value[i] !== fillerByte(seed, i - header.length)) return undefined;
  return { batchId: match[1]!, index: Number(match[2]), count: Number(match[3]) };
}
