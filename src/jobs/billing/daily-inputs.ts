// Where the daily rollup's utc file of a day is: the location its run recorded (the upstream
// output), else the contract's path `<dataDir>/rollups/daily/<day>.utc.parquet` (docs/batch-contract.md).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ExternalError } from '../../core/index.js';
import type { UpstreamOutput } from '../../orchestrator/index.js';

export function utcDailyFiles(upstream: readonly UpstreamOutput[], dataDir: string): string[] {
  return upstream.map((output) => {
    const name = `${output.partition}.utc.parquet`;
    const listed = output.outputs.find((item) => item.location.endsWith(`/${name}`) || item.location === name);
    const path = listed ? (isAbsolute(listed.location) ? listed.location : resolve(dataDir, listed.location)) : join(dataDir, 'rollups', 'daily', name);
    if (!existsSync(path)) throw new ExternalError(`the daily rollup file ${path} is missing`, { code: 'input_missing', retryable: false });
    return path;
  });
}
