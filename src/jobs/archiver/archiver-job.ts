// The archiver stream job: the log, every field of every click, into the lake's raw Parquet files
// by event hour. Run it with a long checkpoint interval (`archiverWorkerOptions`): it writes its
// open files at every checkpoint, so the interval sets how many files an hour gets.
import { limits } from '../../core/index.js';
import type { JobDefinition, JobRegistry, StreamWorkerOptionsInput } from '../../stream/index.js';
import { ArchiverOperator } from './archiver-operator.js';
import { clickRecordDecoder, type ClickRecordBatch } from './click-record-decoder.js';
import { parseArchiverOptions, type ArchiverOptionsInput } from './options.js';

export const archiverJobName = 'archiver';

export function createArchiverJob(input: ArchiverOptionsInput): JobDefinition<ClickRecordBatch> {
  const options = parseArchiverOptions(input);
  return { name: archiverJobName, decoder: clickRecordDecoder(), operators: [new ArchiverOperator(options)] };
}

/** A registry holding the archiver, for `startStreamWorkers` (merge it with the other jobs'). */
export function archiverStreamJobs(input: ArchiverOptionsInput): JobRegistry {
  return { [archiverJobName]: () => createArchiverJob(input) };
}

/**
 * Stream worker options the archiver should run with: checkpoints every 30 s instead of 100 ms
 * (each writes a file per open hour and partition), with the row trigger out of the way.
 */
export const archiverWorkerOptions: StreamWorkerOptionsInput = {
  checkpointIntervalMs: limits.archiverCheckpointIntervalMsDefault,
  checkpointRowsMax: limits.streamCheckpointRowsMax,
};
