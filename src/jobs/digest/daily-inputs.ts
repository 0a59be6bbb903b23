// Where the daily rollup's files of a day are: the location its run recorded (the upstream
// output), else where the daily rollup writes them, `<dataDir>/rollups/daily/<day>/<name>`
// (docs/rollups.md).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ExternalError } from '../../core/index.js';
import type { UpstreamOutput } from '../../orchestrator/index.js';
import { dailyOutputDir } from '../rollups/index.js';

/** The daily rollup's files the digest reads. */
export type DailyFileName = 'zone-links.parquet' | 'zone-breakdowns.parquet';

export function dailyFilePath(upstream: readonly UpstreamOutput[], dataDir: string, day: string, name: DailyFileName): string {
  const listed = upstream
    .filter((output) => output.partition === day)
    .flatMap((output) => output.outputs)
    .find((output) => output.location.endsWith(`/${name}`));
  const path = listed ? (isAbsolute(listed.location) ? listed.location : resolve(dataDir, listed.location)) : join(dailyOutputDir(dataDir, day), name);
  if (!existsSync(path)) throw new ExternalError(`the daily rollup file ${path} is missing`, { code: 'input_missing', retryable: false });
  return path;
}
