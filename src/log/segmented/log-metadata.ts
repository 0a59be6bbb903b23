// The folder's metadata, `<dir>/log.json`: written once when the log is created, so that a
// reopen with another partition count fails clearly instead of scattering records.
import fs from 'node:fs/promises';
import path from 'node:path';
import { readWholeFile, writeFileDurably } from './file-io.js';
import { logNotFoundError, metadataCorruptError, partitionsMismatchError } from './segmented-errors.js';

const format = 'clickflow-segmented-log';
const version = 1;

interface StoredMetadata {
  format: typeof format;
  version: typeof version;
  partitions: number;
  createdAtMs: number;
}

function parseMetadata(filePath: string, bytes: Buffer): StoredMetadata {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw metadataCorruptError(filePath, `not JSON (${(error as Error).message})`);
  }
  const stored = value as Partial<StoredMetadata> | null;
  if (stored?.format !== format) throw metadataCorruptError(filePath, `format is not ${format}`);
  if (stored.version !== version) throw metadataCorruptError(filePath, `version ${String(stored.version)} is not ${version}`);
  if (!Number.isInteger(stored.partitions) || stored.partitions! < 1) throw metadataCorruptError(filePath, 'bad partition count');
  return stored as StoredMetadata;
}

/** Creates the folder and its metadata, or checks the metadata of an existing log. */
export async function openLogMetadata(dir: string, partitions: number, nowMs: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const filePath = path.join(dir, 'log.json');
  const bytes = await readWholeFile(filePath);
  if (bytes === undefined) {
    const metadata: StoredMetadata = { format, version, partitions, createdAtMs: nowMs };
    await writeFileDurably(filePath, Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`));
    return;
  }
  const stored = parseMetadata(filePath, bytes);
  if (stored.partitions !== partitions) throw partitionsMismatchError(dir, stored.partitions, partitions);
}

/**
 * A follower's look at an existing log: its partition count, checked against `requested` when
 * the caller gave one. Creates nothing; a folder without metadata is `log_not_found`.
 */
export async function readLogMetadata(dir: string, requested: number | undefined): Promise<number> {
  const filePath = path.join(dir, 'log.json');
  const bytes = await readWholeFile(filePath);
  if (bytes === undefined) throw logNotFoundError(dir);
  const stored = parseMetadata(filePath, bytes);
  if (requested !== undefined && stored.partitions !== requested) throw partitionsMismatchError(dir, stored.partitions, requested);
  return stored.partitions;
}
