// Removing what a crashed archiver left behind. The archiver renames a file into place before the
// checkpoint that commits its offsets; a file of a partition whose first offset is at or past the
// partition's committed offset was therefore never committed (its rows will be read and written
// again) and goes, with any temp file of the partition. A committed file never straddles the
// committed offset (the archiver writes every open file at each checkpoint): one that does is a
// broken invariant, not something to tidy away.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../core/index.js';
import { parseLakeFileName, parseTempFileName } from './lake-file-names.js';
import { rawHourPath } from './lake-layout.js';

function listFolder(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Removes `partition`'s uncommitted and temp files from the given hours' folders under
 * `lakeDir`; returns the removed paths, relative to the lake folder.
 */
export function removeUncommittedFiles(lakeDir: string, partition: number, committedNextOffset: number, hours: Iterable<number>): string[] {
  const removed: string[] = [];
  for (const hour of hours) {
    const folder = rawHourPath(hour);
    for (const name of listFolder(join(lakeDir, folder))) {
      const temp = parseTempFileName(name);
      const file = temp ?? parseLakeFileName(name);
      if (file === undefined || file.partition !== partition) continue;
      if (temp === undefined && file.firstOffset < committedNextOffset) {
        assert(file.lastOffset < committedNextOffset, () => `${folder}/${name} straddles the committed offset ${committedNextOffset} of partition ${partition}`);
        continue;
      }
      rmSync(join(lakeDir, folder, name), { force: true });
      removed.push(`${folder}/${name}`);
    }
  }
  return removed;
}
