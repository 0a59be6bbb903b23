// Names on disk: `<dir>/partition-0000/<base offset, 20 digits>.log` and `.index` beside it,
// plus one `checkpoint` and one `committed-end` per partition. Zero-padded names sort in offset order.
import fs from 'node:fs/promises';
import path from 'node:path';

const baseDigits = 20;
const segmentPattern = /^(\d{20})\.log$/;
const indexPattern = /^(\d{20})\.index$/;

export function partitionDirectory(dir: string, partition: number): string {
  return path.join(dir, `partition-${String(partition).padStart(4, '0')}`);
}

export function segmentPath(partitionDir: string, baseOffset: number): string {
  return path.join(partitionDir, `${String(baseOffset).padStart(baseDigits, '0')}.log`);
}

export function indexPath(partitionDir: string, baseOffset: number): string {
  return path.join(partitionDir, `${String(baseOffset).padStart(baseDigits, '0')}.index`);
}

export function checkpointPath(partitionDir: string): string {
  return path.join(partitionDir, 'checkpoint');
}

export const committedEndName = 'committed-end';

export function committedEndPath(partitionDir: string): string {
  return path.join(partitionDir, committedEndName);
}

export interface PartitionListing {
  /** Base offsets of the segment files, ascending. */
  segmentBases: number[];
  /** Index files whose segment is gone (left by a crash during retention). */
  orphanIndexBases: number[];
}

export async function listPartition(partitionDir: string): Promise<PartitionListing> {
  const names = await fs.readdir(partitionDir);
  const segments = new Set<number>();
  const indexes: number[] = [];
  for (const name of names) {
    const segment = segmentPattern.exec(name);
    if (segment) segments.add(Number(segment[1]));
    const index = indexPattern.exec(name);
    if (index) indexes.push(Number(index[1]));
  }
  return {
    segmentBases: [...segments].sort((a, b) => a - b),
    orphanIndexBases: indexes.filter((base) => !segments.has(base)),
  };
}
