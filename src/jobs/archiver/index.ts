// The archiver's public names: the stream job that writes the log into the lake, its options, its
// registry module's environment, and the late-ledger reason it records. docs/lake.md explains it.
export { archiverJobName, createArchiverJob, archiverStreamJobs, archiverWorkerOptions } from './archiver-job.js';
export { archiverLateReason } from './archiver-operator.js';
export { archiverOptionsSpec, parseArchiverOptions } from './options.js';
export type { ArchiverOptions, ArchiverOptionsInput } from './options.js';
export { archiverConfigVariable, archiverEnvironment, archiverOptionsFromEnvironment } from './registry.js';
export type { ClickRecordBatch } from './click-record-decoder.js';
