// Lake seals on SQLite: the committed raw files of each hour, the hours' seals with their versions,
// and where the sealer stands (its frontier and per-partition manifest cursors). Recording a file
// of a sealed hour re-opens it in the same transaction, so a re-open can never be lost between
// two steps.
import { createHash } from 'node:crypto';
import { limits } from '../../core/index.js';
import { invalidField } from '../errors.js';
import { validateLakeCursor, validateLakeFile, validateLakeHour, validateLakeWatermark } from '../lake-validate.js';
import type { LakeFile, LakeFileInput, LakeManifestCursor, LakeSeal, LakeSealRepository, Page } from '../types.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext, type SqliteStatement } from './database.js';

interface FileRow {
  hour_start_ms: number;
  path: string;
  kind: LakeFile['kind'];
  partition: number;
  first_offset: number;
  last_offset: number;
  rows: number;
  bytes: number;
  sha256: string;
  min_event_time_ms: number;
  max_event_time_ms: number;
  version: number;
  recorded_at_ms: number;
}

interface SealRow {
  hour_start_ms: number;
  version: number;
  sealed_at_ms: number;
  changed_at_ms: number;
  watermark_ms: number;
  files: number;
  rows: number;
  bytes: number;
  manifest_sha256: string;
  change_sequence: number;
}

const sql = {
  insertFile: `INSERT INTO lake_files (hour_start_ms, path, kind, partition, first_offset, last_offset, rows, bytes, sha256,
    min_event_time_ms, max_event_time_ms, version, recorded_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  countFiles: 'SELECT count(*) FROM lake_files WHERE hour_start_ms = ?',
  summary: 'SELECT count(*) AS files, coalesce(sum(rows), 0) AS rows, coalesce(sum(bytes), 0) AS bytes FROM lake_files WHERE hour_start_ms = ?',
  manifest: 'SELECT path, sha256 FROM lake_files WHERE hour_start_ms = ? ORDER BY path',
  listFiles: 'SELECT * FROM lake_files WHERE hour_start_ms = ? AND path > ? ORDER BY path LIMIT ?',
  includeFiles: 'UPDATE lake_files SET version = ? WHERE hour_start_ms = ? AND version = 0',
  getSeal: 'SELECT * FROM lake_seals WHERE hour_start_ms = ?',
  nextSequence: 'SELECT coalesce(max(change_sequence), 0) + 1 FROM lake_seals',
  insertSeal: `INSERT INTO lake_seals (hour_start_ms, version, sealed_at_ms, changed_at_ms, watermark_ms, files, rows, bytes, manifest_sha256, change_sequence)
    VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  reopenSeal: `UPDATE lake_seals SET version = ?, changed_at_ms = ?, watermark_ms = ?, files = ?, rows = ?, bytes = ?, manifest_sha256 = ?,
    change_sequence = ? WHERE hour_start_ms = ? RETURNING *`,
  changedSince: 'SELECT * FROM lake_seals WHERE change_sequence > ? ORDER BY change_sequence LIMIT ?',
  unsealedHours: `SELECT DISTINCT f.hour_start_ms FROM lake_files f LEFT JOIN lake_seals s ON s.hour_start_ms = f.hour_start_ms
    WHERE s.hour_start_ms IS NULL AND f.hour_start_ms < ? ORDER BY f.hour_start_ms LIMIT ?`,
  firstHour: 'SELECT min(hour_start_ms) FROM lake_files',
  upsertCursor: `INSERT INTO lake_manifest_cursors (partition, sequence) VALUES (?, ?)
    ON CONFLICT (partition) DO UPDATE SET sequence = max(sequence, excluded.sequence)`,
  cursors: 'SELECT partition, sequence FROM lake_manifest_cursors ORDER BY partition',
  upsertFrontier: `INSERT INTO lake_frontier (singleton, hour_start_ms) VALUES (1, ?)
    ON CONFLICT (singleton) DO UPDATE SET hour_start_ms = max(hour_start_ms, excluded.hour_start_ms)`,
  frontier: 'SELECT hour_start_ms FROM lake_frontier WHERE singleton = 1',
};

type Statements = Record<keyof typeof sql, SqliteStatement>;

function toFile(row: FileRow): LakeFile {
  return {
    path: row.path,
    hourStartMs: row.hour_start_ms,
    kind: row.kind,
    partition: row.partition,
    firstOffset: row.first_offset,
    lastOffset: row.last_offset,
    rows: row.rows,
    bytes: row.bytes,
    sha256: row.sha256,
    minEventTimeMs: row.min_event_time_ms,
    maxEventTimeMs: row.max_event_time_ms,
    version: row.version,
    recordedAtMs: row.recorded_at_ms,
  };
}

function toSeal(row: SealRow): LakeSeal {
  return {
    hourStartMs: row.hour_start_ms,
    version: row.version,
    sealedAtMs: row.sealed_at_ms,
    changedAtMs: row.changed_at_ms,
    watermarkMs: row.watermark_ms,
    files: row.files,
    rows: row.rows,
    bytes: row.bytes,
    manifestSha256: row.manifest_sha256,
    changeSequence: row.change_sequence,
  };
}

/** The hour's files as they stand: counts, and the hash naming its content. */
function hourContent(statements: Statements, hourStartMs: number): { files: number; rows: number; bytes: number; manifestSha256: string } {
  const summary = statements.summary.get(hourStartMs) as { files: number; rows: number; bytes: number };
  const hash = createHash('sha256');
  for (const row of statements.manifest.iterate(hourStartMs) as Iterable<{ path: string; sha256: string }>) hash.update(`${row.path} ${row.sha256}\n`);
  return { ...summary, manifestSha256: hash.digest('hex') };
}

function insertFiles(statements: Statements, hourStartMs: number, files: readonly LakeFileInput[], version: number, nowMs: number): number {
  let added = 0;
  for (const file of files) {
    const { changes } = statements.insertFile.run(
      hourStartMs, file.path, file.kind, file.partition, file.firstOffset, file.lastOffset, file.rows, file.bytes, file.sha256,
      file.minEventTimeMs, file.maxEventTimeMs, version, nowMs,
    );
    added += changes;
  }
  const count = statements.countFiles.pluck().get(hourStartMs) as number;
  if (count > limits.lakeFilesPerHourMax) throw invalidField('files', `hour ${hourStartMs} would have ${count} files, over ${limits.lakeFilesPerHourMax}`);
  return added;
}

function groupByHour(files: readonly LakeFileInput[]): Map<number, LakeFileInput[]> {
  const byHour = new Map<number, LakeFileInput[]>();
  for (const file of files) byHour.set(file.hourStartMs, [...(byHour.get(file.hourStartMs) ?? []), file]);
  return byHour;
}

function addFiles(context: SqliteContext, statements: Statements, files: readonly LakeFileInput[], cursor: LakeManifestCursor | null, watermarkMs: number) {
  files.forEach(validateLakeFile);
  validateLakeCursor(cursor);
  validateLakeWatermark(watermarkMs);
  const nowMs = context.clock.nowMs();
  return context.write(() => {
    let added = 0;
    const reopened: LakeSeal[] = [];
    for (const [hourStartMs, hourFiles] of groupByHour(files)) {
      const seal = statements.getSeal.get(hourStartMs) as SealRow | undefined;
      const version = seal === undefined ? 0 : seal.version + 1;
      const hourAdded = insertFiles(statements, hourStartMs, hourFiles, version, nowMs);
      added += hourAdded;
      if (seal === undefined || hourAdded === 0) continue;
      const content = hourContent(statements, hourStartMs);
      const sequence = statements.nextSequence.pluck().get() as number;
      const row = statements.reopenSeal.get(version, nowMs, watermarkMs, content.files, content.rows, content.bytes, content.manifestSha256, sequence, hourStartMs) as SealRow;
      reopened.push(toSeal(row));
    }
    if (cursor !== null) statements.upsertCursor.run(cursor.partition, cursor.sequence);
    return { added, reopened };
  });
}

function seal(context: SqliteContext, statements: Statements, input: { hourStartMs: number; watermarkMs: number; frontierMs: number }) {
  const hourStartMs = validateLakeHour(input.hourStartMs);
  const watermarkMs = validateLakeWatermark(input.watermarkMs);
  const frontierMs = validateLakeHour(input.frontierMs, 'frontierMs');
  const nowMs = context.clock.nowMs();
  return context.write(() => {
    statements.upsertFrontier.run(frontierMs);
    const existing = statements.getSeal.get(hourStartMs) as SealRow | undefined;
    if (existing !== undefined) return { seal: toSeal(existing), created: false };
    statements.includeFiles.run(1, hourStartMs);
    const content = hourContent(statements, hourStartMs);
    const sequence = statements.nextSequence.pluck().get() as number;
    const row = statements.insertSeal.get(hourStartMs, nowMs, nowMs, watermarkMs, content.files, content.rows, content.bytes, content.manifestSha256, sequence) as SealRow;
    return { seal: toSeal(row), created: true };
  });
}

function decodePathCursor(after: string | undefined): string {
  if (after === undefined) return '';
  const path = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : '';
  if (path.length === 0 || Buffer.from(path, 'utf8').toString('base64url') !== after) {
    throw invalidField('after', 'is not a cursor from a previous page; pass the `next` value of the page before');
  }
  return path;
}

export function createSqliteLakeSeals(context: SqliteContext): LakeSealRepository {
  const { run } = context;
  const statements = prepareLazily(context.db, sql);
  return {
    addFiles: (files, cursor, watermarkMs) => run(() => addFiles(context, statements, files, cursor, watermarkMs)),
    seal: (input) => run(() => seal(context, statements, input)),
    get: (hourStartMs) =>
      run(() => {
        const row = statements.getSeal.get(validateLakeHour(hourStartMs)) as SealRow | undefined;
        return row === undefined ? undefined : toSeal(row);
      }),
    listFiles: (hourStartMs, options = {}) =>
      run((): Page<LakeFile> => {
        const limit = validateListLimit(options.limit);
        const rows = statements.listFiles.all(validateLakeHour(hourStartMs), decodePathCursor(options.after), limit + 1) as FileRow[];
        const items = rows.slice(0, limit).map(toFile);
        return rows.length > limit ? { items, next: Buffer.from(items[items.length - 1]!.path, 'utf8').toString('base64url') } : { items };
      }),
    changedSince: (afterSequence, limit) =>
      run(() => {
        if (!Number.isSafeInteger(afterSequence)) throw invalidField('afterSequence', 'must be a whole number');
        return (statements.changedSince.all(afterSequence, validateListLimit(limit)) as SealRow[]).map(toSeal);
      }),
    unsealedHours: (beforeMs, limit) =>
      run(() => {
        validateLakeWatermark(beforeMs, 'beforeMs');
        return statements.unsealedHours.pluck().all(beforeMs, validateListLimit(limit)) as number[];
      }),
    firstHour: () => run(() => (statements.firstHour.pluck().get() as number | null) ?? undefined),
    state: () =>
      run(() => ({
        frontierMs: (statements.frontier.pluck().get() as number | undefined) ?? null,
        cursors: statements.cursors.all() as LakeManifestCursor[],
      })),
  };
}
