// Thin promise wrappers over the callback fs API on raw descriptors: the hot path (writev, pread,
// fdatasync) allocates no FileHandle objects, and short writes or reads are completed here so
// callers see all-or-error.
import fs from 'node:fs';
import path from 'node:path';

function settle<T>(resolve: (value: T) => void, reject: (error: unknown) => void) {
  return (error: NodeJS.ErrnoException | null, value: T) => (error ? reject(error) : resolve(value));
}

export function openFile(filePath: string, flags: string | number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(filePath, flags, 0o644, settle(resolve, reject)));
}

/**
 * O_DSYNC where the platform has it (Linux, macOS), else 0: each write to a file opened with it
 * returns once its data is durable, as a write then an fdatasync would, in one system call.
 */
export const dataSyncFlag: number = fs.constants.O_DSYNC ?? 0;

/**
 * Opens a file for reading and positional writing, creating it when missing (never O_APPEND).
 * `extraFlags` are or-ed in (e.g. `dataSyncFlag`).
 */
export async function openReadWrite(filePath: string, extraFlags = 0): Promise<number> {
  const { O_RDWR, O_CREAT, O_TRUNC } = fs.constants;
  try {
    return await openFile(filePath, O_RDWR | extraFlags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return openFile(filePath, O_RDWR | O_CREAT | O_TRUNC | extraFlags);
  }
}

/** Creates a new file for reading and positional writing; fails when the name exists. */
export function createExclusive(filePath: string, extraFlags = 0): Promise<number> {
  const { O_RDWR, O_CREAT, O_EXCL } = fs.constants;
  return openFile(filePath, O_RDWR | O_CREAT | O_EXCL | extraFlags);
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (error) => (error ? reject(error) : resolve())));
}

export function syncData(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

export function truncateFile(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, length, (error) => (error ? reject(error) : resolve())));
}

export function fileSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fs.fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats.size))));
}

function writevOnce(fd: number, buffers: readonly Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, buffers, position, settle(resolve, reject)));
}

/** Writes every byte of `buffers` at `position`, in one writev unless the kernel writes short. */
export async function writeAllAt(fd: number, buffers: readonly Buffer[], position: number): Promise<number> {
  let remaining = buffers.filter((buffer) => buffer.length > 0);
  let at = position;
  while (remaining.length > 0) {
    let written = await writevOnce(fd, remaining, at);
    at += written;
    const rest: Buffer[] = [];
    for (const buffer of remaining) {
      if (written >= buffer.length) written -= buffer.length;
      else {
        rest.push(written > 0 ? buffer.subarray(written) : buffer);
        written = 0;
      }
    }
    remaining = rest;
  }
  return at - position;
}

/** Reads up to `length` bytes at `position` into `buffer`; fewer only at the end of the file. */
export async function readAt(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const bytesRead = await new Promise<number>((resolve, reject) =>
      fs.read(fd, buffer, done, length - done, position + done, settle(resolve, reject)),
    );
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Makes a rename or an unlink in `directory` durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const fd = await openFile(directory, 'r');
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
  } finally {
    await closeFile(fd);
  }
}

let temporarySequence = 0;

/** Replaces `filePath` with `bytes` atomically: a temporary name, fsynced, renamed, directory fsynced. */
export async function writeFileDurably(filePath: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${filePath}.tmp-${process.pid}-${temporarySequence++}`;
  const fd = await openFile(temporary, 'w');
  try {
    await writeAllAt(fd, [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], 0);
    await syncData(fd);
  } finally {
    await closeFile(fd);
  }
  await fs.promises.rename(temporary, filePath);
  await syncDirectory(path.dirname(filePath));
}

/** The whole file, or undefined when it does not exist. */
export async function readWholeFile(filePath: string): Promise<Buffer | undefined> {
  try {
    return await fs.promises.readFile(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
