// Where the daily rollup's files of a day are: the location its run recorded (the upstream
// output), else the contract's path `<dataDir>/rollups/daily/<day>.<suffix>` (docs/batch-contract.md).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ExternalError } from '../../core/index.js';
import type { UpstreamOutput } from '../../orchestrator/index.js';

/** `zone.parquet`, `zone-visitors.parquet` or `utc.parquet`. */
export type DailySuffix = 'zone.parquet' | 'zone-visitors.parquet' | 'utc.parquet';

export function dailyFilePath(upstream: readonly UpstreamOutput[], dataDir: string, day: string, suffix: DailySuffix): string {
  const name = `${day}.${suffix}`;
  const listed = upstream
    .filter((output) => output.partition === day)
    .flatMap((output) => output.outputs)
    .find((output) => output.location.endsWith(`/${name}`) || output.location === name);
  const path = listed ? (isAbsolute(listed.location) ? listed.location : resolve(dataDir, listed.location)) : join(dataDir, 'rollups', 'daily', name);
  if (!existsSync(path)) throw new ExternalError(`the daily rollup file ${path} is missing`, { code: 'input_missing', retryable: false });
  return path;
}
