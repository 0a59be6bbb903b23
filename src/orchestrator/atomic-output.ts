// Outputs that appear whole or not at all (DESIGN.md: batch partitions are written to a temporary
// name and renamed into place). A job writes to a temporary path beside the final one; only after
// the file is flushed to disk (fsync) is it renamed over the final name, and the folder is synced
// so the rename itself survives a crash. A process killed mid-write leaves only the temporary file,
// which `removeAbandonedOutputs` clears once its writer is gone.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InternalError, UserError } from '../core/index.js';

export interface AtomicOutput {
  /** The final path. */
  path: string;
  bytes: number;
  /** `sha256:<hex>` of the file's bytes: an output hash for run history. */
  hash: string;
}

export interface AtomicWriteOptions {
  /** When aborted before the rename, the temporary file is removed and the abort reason thrown. */
  signal?: AbortSignal;
}

const temporaryPattern = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.partial$/;

/**
 * The temporary path an output `name` is written under in `dir` before its rename:
 * `.name.<pid>.<random>.partial`, which `removeAbandonedOutputs` recognises.
 */
export function temporaryOutputPath(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.partial`);
}

/** fsyncs a file (`r+`) or a folder (`r`). */
export async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `sha256:<hex>` of a file's bytes, read as a stream. */
export async function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash: `sha256:${hash.digest('hex')}`, bytes };
}

/** `sha256:<hex>` over several parts (hashes, names, bytes), each length-prefixed so that no two lists collide. */
export function combineHashes(parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.length));
    hash.update(length).update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Writes `dir/name` atomically: `write` gets a temporary path in `dir` and must leave the complete
 * file there (any writer works: a stream, DuckDB's COPY TO, fs.writeFile); it is then fsynced,
 * hashed, renamed into place and the folder synced. On any failure or abort the temporary file is
 * removed and the final name keeps whatever it had before.
 */
export async function writeOutputAtomically(dir: string, name: string, write: (temporaryPath: string) => Promise<void>, options: AtomicWriteOptions = {}): Promise<AtomicOutput> {
  if (name !== basename(name) || name.startsWith('.') || name === '') {
    throw new UserError(`output name ${JSON.stringify(name)} must be a plain file name, not a path or a dot file`, { code: 'invalid_output_name' });
  }
  await mkdir(dir, { recursive: true });
  const temporary = temporaryOutputPath(dir, name);
  const final = join(dir, name);
  let content: { hash: string; bytes: number };
  try {
    options.signal?.throwIfAborted();
    await write(temporary);
    options.signal?.throwIfAborted();
    await fsyncPath(temporary, 'r+').catch((error: unknown) => {
      throw new InternalError(`the writer of ${final} left no file at its temporary path`, { cause: error });
    });
    content = await hashFile(temporary);
    // The last moment an abort (timeout, stop) can keep this output from replacing the current one.
    options.signal?.throwIfAborted();
    await rename(temporary, final);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await fsyncPath(dir, 'r');
  return { path: final, ...content };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files in `dir` whose writing process is gone; returns their names. */
export async function removeAbandonedOutputs(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = temporaryPattern.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
