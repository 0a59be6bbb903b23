// The archiver's options: each field's default, unit and bounds (CONVENTIONS.md rule 10).
// docs/lake.md explains the defaults.
import { limits, parseOptions, type OptionsInput, type OptionsOf } from '../../core/index.js';

export const archiverOptionsSpec = {
  lakeDir: { kind: 'string', nonEmpty: true, default: '', doc: 'the lake folder, usually <dataDir>/lake' },
  allowedLatenessMs: {
    kind: 'integer',
    default: limits.lakeAllowedLatenessMsDefault,
    min: 0,
    max: limits.lakeAllowedLatenessMsMax,
    doc: "ms after an hour's end during which its clicks still go to ordinary files; must equal the sealer's",
  },
  fileRowsMax: {
    kind: 'integer',
    default: limits.archiverFileRowsDefault,
    min: 1,
    max: limits.archiverFileRowsMax,
    doc: 'rows of one lake file before it is written out, checkpoint or not (the writer thread works on it while reading goes on)',
  },
  spoolBytesMax: {
    kind: 'integer',
    default: limits.archiverSpoolBytesMax,
    min: 64 * 1024,
    max: limits.archiverSpoolBytesMax,
    doc: 'CSV bytes of one spool (on disk) before its file is written out',
  },
  spoolBufferBytes: {
    kind: 'integer',
    default: limits.archiverSpoolBufferBytes,
    min: 64 * 1024,
    max: 64 * 1024 * 1024,
    doc: 'memory of one open spool, in bytes, written to its file when full',
  },
  openSpoolsMax: { kind: 'integer', default: limits.archiverOpenSpoolsMax, min: 1, max: 4_096, doc: 'spools open at once; one more writes out the largest first' },
  writesInFlightMax: {
    kind: 'integer',
    default: limits.archiverWritesInFlightMax,
    min: 1,
    max: 64,
    doc: 'files handed to the writer thread and not yet written; one more waits',
  },
  writeTimeoutMs: { kind: 'integer', default: limits.archiverWriteTimeoutMs, min: 1_000, max: 3_600_000, doc: 'longest wait for the writer thread, in ms' },
  duckdbThreads: { kind: 'integer', default: limits.archiverDuckdbThreadsDefault, min: 1, max: 256, doc: "threads of the writer's DuckDB" },
  duckdbMemoryMib: { kind: 'integer', default: limits.archiverDuckdbMemoryMibDefault, min: 64, max: 1024 * 1024, doc: "memory of the writer's DuckDB, in MiB" },
} as const;

export type ArchiverOptions = OptionsOf<typeof archiverOptionsSpec>;
export type ArchiverOptionsInput = OptionsInput<typeof archiverOptionsSpec>;

export function parseArchiverOptions(input: ArchiverOptionsInput): ArchiverOptions {
  return parseOptions('archiver', archiverOptionsSpec, input);
}
