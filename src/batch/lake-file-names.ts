// Names of raw lake files. A file holds one log partition's clicks of one hour, and its name says
// which offsets it covers: `part-p3-o1200-4095.parquet` (first and last offset of its rows). The
// archiver commits a partition's offsets only after the files holding them are renamed into place,
// so on a restart a file whose first offset is at or past the committed offset was never committed
// and is removed; no click can be in two committed files (docs/lake.md). Late clicks, for an hour
// whose end plus the allowed lateness had passed, go to `late-p3-o….parquet` in the same folder.
import { LakeError } from './errors.js';

export type LakeFileKind = 'part' | 'late';
export const lakeFileKinds: readonly LakeFileKind[] = ['part', 'late'];

export interface LakeFileName {
  kind: LakeFileKind;
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

const namePattern = /^(part|late)-p(0|[1-9]\d*)-o(0|[1-9]\d*)-(0|[1-9]\d*)\.parquet$/;
const tempPrefix = '.';
const tempSuffix = '.tmp';

function checkName(name: LakeFileName): void {
  const { partition, firstOffset, lastOffset } = name;
  const whole = [partition, firstOffset, lastOffset].every((value) => Number.isSafeInteger(value) && value >= 0);
  if (!whole || firstOffset > lastOffset || !lakeFileKinds.includes(name.kind)) {
    throw new LakeError('invalid', `not a lake file: ${JSON.stringify(name)} (whole numbers, first offset at most the last)`);
  }
}

export function lakeFileName(name: LakeFileName): string {
  checkName(name);
  return `${name.kind}-p${name.partition}-o${name.firstOffset}-${name.lastOffset}.parquet`;
}

/** What a lake file's name says, or undefined for any other name (temp files included). */
export function parseLakeFileName(fileName: string): LakeFileName | undefined {
  const match = namePattern.exec(fileName);
  if (match === null) return undefined;
  const [kind, partition, firstOffset, lastOffset] = [match[1] as LakeFileKind, Number(match[2]), Number(match[3]), Number(match[4])];
  if (![partition, firstOffset, lastOffset].every(Number.isSafeInteger) || firstOffset > lastOffset) return undefined;
  return { kind, partition, firstOffset, lastOffset };
}

/**
 * The name a file is written under before it is renamed into place: hidden and not ending in
 * `.parquet`, so no reader's glob ever picks up a half-written file.
 */
export function tempFileName(fileName: string): string {
  return `${tempPrefix}${fileName}${tempSuffix}`;
}

/** The lake file a temp name stands for, or undefined when `fileName` is not a temp name. */
export function parseTempFileName(fileName: string): LakeFileName | undefined {
  if (!fileName.startsWith(tempPrefix) || !fileName.endsWith(tempSuffix)) return undefined;
  return parseLakeFileName(fileName.slice(tempPrefix.length, -tempSuffix.length));
}
