// A partition's journal of the hours the archiver wrote into since its last checkpoint: the only
// folders that can hold its uncommitted files after a crash, so a restart looks in those and not
// in every hour of the lake. An hour is recorded (and fsynced) before the first file of the
// interval is started in it; the journal is emptied once a checkpoint has committed.
import { closeSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { assert } from '../../core/index.js';

export interface HourJournal {
  hours(): number[];
  /** Records `hourStartMs` durably, unless it is recorded already. */
  add(hourStartMs: number): void;
  /** Empties the journal (after a checkpoint committed every file it names). */
  clear(): void;
}

function readHours(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // A crash may cut the last line short: it was not synced, so nothing was written in that hour yet.
  const lines = text.split('\n').slice(0, -1);
  return lines.map((line) => {
    const hour = Number(line);
    assert(Number.isSafeInteger(hour), () => `${path}: the line ${JSON.stringify(line)} is not an hour`);
    return hour;
  });
}

export function openHourJournal(path: string): HourJournal {
  const recorded = new Set(readHours(path));
  return {
    hours: () => [...recorded].sort((a, b) => a - b),
    add(hourStartMs) {
      if (recorded.has(hourStartMs)) return;
      const fd = openSync(path, 'a');
      try {
        writeSync(fd, `${hourStartMs}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      recorded.add(hourStartMs);
    },
    clear() {
      if (recorded.size === 0) return;
      writeFileSync(path, '');
      recorded.clear();
    },
  };
}
