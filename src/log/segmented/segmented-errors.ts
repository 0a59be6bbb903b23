// Errors particular to the segmented backend, all LogErrors carrying partition and offset.
import { errorMessage } from '../../core/index.js';
import { LogError } from '../errors.js';

/** A stored frame failed its checksum or framing on read: it is never returned. */
export function logCorruptError(partition: number, offset: number, detail: string): LogError {
  return new LogError(`partition ${partition}: the record at offset ${offset} is damaged (${detail}); it is not returned`, {
    domain: 'internal',
    code: 'log_corrupt',
    partition,
    offset,
  });
}

/** The folder was created with another partition count. */
export function partitionsMismatchError(dir: string, stored: number, requested: number): LogError {
  return new LogError(
    `the log in ${dir} was created with ${stored} partitions and cannot be opened with ${requested}; ` +
      `open it with partitions: ${stored}, or use a new folder`,
    { domain: 'user', code: 'log_partitions_mismatch' },
  );
}

/** The folder's metadata file is not one this version wrote. */
export function metadataCorruptError(filePath: string, detail: string): LogError {
  return new LogError(`the log metadata ${filePath} is unreadable: ${detail}`, { domain: 'internal', code: 'log_metadata_corrupt' });
}

/**
 * A write or fsync failed. The partition stops taking appends until the log is reopened: after a
 * failed fsync the kernel may have dropped the dirty pages, so a retry could ack lost data.
 */
export function partitionFailedError(partition: number, cause: unknown): LogError {
  return new LogError(`partition ${partition}: a write to disk failed (${errorMessage(cause)}); reopen the log`, {
    domain: 'external',
    retryable: false,
    code: 'log_write_failed',
    partition,
    cause,
  });
}

/** A consumer's offsets file is unreadable. */
export function consumerOffsetsCorruptError(consumer: string, detail: string): LogError {
  return new LogError(`the stored offsets of consumer ${JSON.stringify(consumer)} are unreadable: ${detail}`, {
    domain: 'internal',
    code: 'consumer_offsets_corrupt',
  });
}
