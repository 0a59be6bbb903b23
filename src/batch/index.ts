// The lake layer's public names: the layout and file names of the lake, deterministic Parquet
// writing with DuckDB (and the writer thread the archiver uses), the archiver's manifest, the
// sealer and its hooks, and the helpers batch jobs read the lake with. docs/lake.md explains them.
export { LakeError } from './errors.js';
export type { LakeErrorCode } from './errors.js';
export { hourMs, lakeFolders, hourStartOf, isHourStart, hourFolder, hourLabel, parseHourFolder, rawHourPath } from './lake-layout.js';
export { lakeFileName, parseLakeFileName, tempFileName, parseTempFileName } from './lake-file-names.js';
export type { LakeFileName } from './lake-file-names.js';
export { rawColumns, clickCsvLineBytesMax, writeClickCsvLine, clickEventLine } from './click-csv.js';
export type { CsvLine } from './click-csv.js';
export { clickSpanSlots, readClickSpans, ClickRecordLine } from './click-record-csv.js';
export { createCsvSpool } from './csv-spool.js';
export type { CsvSpool } from './csv-spool.js';
export { parquetCopyOptions, writeParquetFile } from './parquet-writer.js';
export type { ParquetWriteOptions, WrittenParquetFile } from './parquet-writer.js';
export { fileSha256 } from './file-sync.js';
export { loadSql, renderSql, sqlString } from './sql-files.js';
export { createLakeWriter } from './lake-writer.js';
export type { LakeWriter, LakeWriterOptions, LakeWrite } from './lake-writer.js';
export { lakeManifestView, lakeManifestKey, lakeManifestCodec } from './lake-manifest.js';
export { removeUncommittedFiles } from './lake-cleanup.js';
export { createLakeSealer, lakeSealerOptionsSpec, globalWatermarkMs } from './lake-sealer.js';
export type { LakeSealer, LakeSealerDeps, LakeSealerOptionsInput, LakeSealerReport } from './lake-sealer.js';
export { openLake } from './open-lake.js';
export type { Lake, OpenLakeOptions, LakeHourFile, SealedHour, RawSourceOptions } from './open-lake.js';
