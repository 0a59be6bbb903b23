// Creates the log's stream if absent and checks it if present. The partition count is written in
// the stream's description (stream metadata needs server 2.10; this must run on 2.9), so a process
// opening the stream with another count is told so instead of writing to subjects no reader expects.
import { DiscardPolicy, RetentionPolicy, StorageType, nanos, type JetStreamManager, type StreamConfig, type StreamInfo } from 'nats';
import type { Logger } from '../../core/index.js';
import { LogError } from '../errors.js';
import { classified, isApiError } from './nats-errors.js';
import { allPartitionsSubject, type ParsedNatsLogOptions } from './options.js';

function description(options: ParsedNatsLogOptions): string {
  return `clickflow event log; partitions=${options.partitions}; partition p is subject ${options.subjectPrefix}.p.<p>`;
}

function streamConfig(options: ParsedNatsLogOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: options.stream,
    description: description(options),
    subjects: [allPartitionsSubject(options)],
    storage: StorageType.File,
    num_replicas: options.replicas,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    // No server-side age or size limit: applyRetention removes data per partition and records the
    // cut points readers check (docs/log-nats.md, "Retention").
    max_age: 0,
    max_bytes: -1,
    max_msgs: -1,
    duplicate_window: nanos(options.duplicateWindowMs),
    allow_direct: true,
  };
}

function mismatch(message: string, code = 'log_stream_mismatch'): LogError {
  return new LogError(message, { domain: 'user', code });
}

function checkExisting(info: StreamInfo, options: ParsedNatsLogOptions): void {
  const found = /partitions=(\d+)/.exec(info.config.description ?? '');
  if (!found) {
    throw mismatch(`stream ${options.stream} exists but was not made by clickflow (no partition count in its description); choose another stream name`);
  }
  const partitions = Number(found[1]);
  if (partitions !== options.partitions) {
    throw mismatch(
      `stream ${options.stream} has ${partitions} partitions but the options say ${options.partitions}; the count is fixed when a log is created`,
      'log_partitions_mismatch',
    );
  }
  const subjects = info.config.subjects ?? [];
  if (subjects.length !== 1 || subjects[0] !== allPartitionsSubject(options)) {
    throw mismatch(`stream ${options.stream} holds subjects ${subjects.join(', ')}, not ${allPartitionsSubject(options)}; check subjectPrefix`);
  }
  if (info.config.storage !== StorageType.File) throw mismatch(`stream ${options.stream} is not file-backed`);
}

async function loadOrCreate(jsm: JetStreamManager, options: ParsedNatsLogOptions, logger: Logger): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(options.stream);
  } catch (error) {
    if (!isApiError(error, 404)) throw error;
  }
  try {
    const created = await jsm.streams.add(streamConfig(options));
    logger.info({ stream: options.stream, partitions: options.partitions }, 'created the JetStream stream of the event log');
    return created;
  } catch (error) {
    // Another process may have created it at the same moment: then check theirs like any existing
    // stream. Otherwise the server's reason (e.g. subjects overlapping another stream's) stands.
    if (!isApiError(error, 400)) throw error;
    return jsm.streams.info(options.stream).catch(() => Promise.reject(error));
  }
}

export async function ensureStream(jsm: JetStreamManager, options: ParsedNatsLogOptions, logger: Logger): Promise<void> {
  const info = await classified({ action: `open stream ${options.stream}` }, () => loadOrCreate(jsm, options, logger));
  checkExisting(info, options);
  const wanted = streamConfig(options);
  if (info.config.duplicate_window !== wanted.duplicate_window || info.config.num_replicas !== wanted.num_replicas) {
    // The dedupe window and replicas follow the options; the rest of the stream is fixed.
    await classified({ action: `update stream ${options.stream}` }, () =>
      jsm.streams.update(options.stream, { ...info.config, duplicate_window: wanted.duplicate_window, num_replicas: wanted.num_replicas }),
    );
  }
}
