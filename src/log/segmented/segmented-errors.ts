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

/**
 * Another live process (or another log object of this one) holds the folder's writer lock.
 * `advice` says what to do about the holder; following the log read-only is always possible.
 */
export function writerLockedError(dir: string, holder: string, advice: string): LogError {
  return new LogError(
    `the log in ${dir} is already open for writing by ${holder}, and a log folder has one writer at a time: ` +
      `${advice}, or open the log with readOnly: true to follow it`,
    { domain: 'user', code: 'log_locked' },
  );
}

/** A write was asked of a log opened with `readOnly: true`. */
export function readOnlyError(dir: string, operation: string): LogError {
  return new LogError(
    `${operation} is not possible on a read-only follower of the log in ${dir}; ` +
      `only the process holding ${dir}/writer.lock writes to it`,
    { domain: 'user', code: 'log_read_only' },
  );
}

/** A follower was opened on a folder no writer has created yet. */
export function logNotFoundError(dir: string): LogError {
  return new LogError(
    `there is no log in ${dir} yet (no log.json): a read-only follower does not create one; ` +
      `open the writer on this folder first, then the followers`,
    { domain: 'user', code: 'log_not_found', retryable: true },
  );
}

/**
 * What a writer published contradicts what a follower already showed: the acknowledged end moved
 * backwards or does not end in its commit frame. The folder was replaced or damaged under the
 * follower; its reads of the partition fail until it is reopened.
 */
export function followerDivergedError(partition: number, detail: string): LogError {
  return new LogError(`partition ${partition}: the log changed under this follower (${detail}); reopen the follower`, {
    domain: 'internal',
    code: 'log_follower_diverged',
    partition,
  });
}
