// Validation of what the lake sealer hands the store, shared by every backend: a batch of files
// is checked whole before its transaction begins.
import { invalidField } from './errors.js';
import { lakeFileKinds, type LakeFileInput, type LakeManifestCursor } from './types.js';

const hourMs = 3_600_000;
/** Relative, forward slashes, no `.` or `..` segments, no leading slash. */
const pathPattern = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[\x21-\x7e]{1,1024}$/;
const sha256Pattern = /^[0-9a-f]{64}$/;

function checkWhole(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidField(field, `must be a whole number of at least ${min} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Watermarks may be below zero (none yet is Number.MIN_SAFE_INTEGER). */
export function validateLakeWatermark(value: unknown, field = 'watermarkMs'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidField(field, `must be a safe integer (got ${JSON.stringify(value)})`);
  return value;
}

export function validateLakeHour(value: unknown, field = 'hourStartMs'): number {
  const hour = checkWhole(value, field);
  if (hour % hourMs !== 0) throw invalidField(field, `must be the start of a UTC hour, a multiple of ${hourMs} (got ${hour})`);
  return hour;
}

export function validateLakeFile(file: LakeFileInput, index: number): void {
  const field = (name: string): string => `files[${index}].${name}`;
  if (typeof file.path !== 'string' || !pathPattern.test(file.path)) throw invalidField(field('path'), 'must be a relative path of printable ASCII without . or .. segments');
  validateLakeHour(file.hourStartMs, field('hourStartMs'));
  if (!lakeFileKinds.includes(file.kind)) throw invalidField(field('kind'), `must be one of ${lakeFileKinds.join(', ')}`);
  checkWhole(file.partition, field('partition'));
  checkWhole(file.firstOffset, field('firstOffset'));
  if (checkWhole(file.lastOffset, field('lastOffset')) < file.firstOffset) throw invalidField(field('lastOffset'), 'must be at least firstOffset');
  checkWhole(file.rows, field('rows'), 1);
  checkWhole(file.bytes, field('bytes'), 1);
  if (typeof file.sha256 !== 'string' || !sha256Pattern.test(file.sha256)) throw invalidField(field('sha256'), 'must be 64 lower-case hex digits');
  checkWhole(file.minEventTimeMs, field('minEventTimeMs'));
  if (checkWhole(file.maxEventTimeMs, field('maxEventTimeMs')) < file.minEventTimeMs) throw invalidField(field('maxEventTimeMs'), 'must be at least minEventTimeMs');
}

export function validateLakeCursor(cursor: LakeManifestCursor | null): void {
  if (cursor === null) return;
  checkWhole(cursor.partition, 'cursor.partition');
  checkWhole(cursor.sequence, 'cursor.sequence');
}
