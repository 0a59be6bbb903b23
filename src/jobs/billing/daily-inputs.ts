// Where the daily rollup's utc-links file of each day is: the location its run recorded (the
// upstream output), else where the daily rollup writes it, `<dataDir>/rollups/daily/<day>/utc-links.parquet`
// (docs/rollups.md).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ExternalError } from '../../core/index.js';
import type { UpstreamOutput } from '../../orchestrator/index.js';
import { dailyOutputDir } from '../rollups/index.js';

const utcFileName = 'utc-links.parquet';

export function utcDailyFiles(upstream: readonly UpstreamOutput[], dataDir: string): string[] {
  return upstream.map((output) => {
    const listed = output.outputs.find((item) => item.location.endsWith(`/${utcFileName}`));
    const path = listed ? (isAbsolute(listed.location) ? listed.location : resolve(dataDir, listed.location)) : join(dailyOutputDir(dataDir, output.partition), utcFileName);
    if (!existsSync(path)) throw new ExternalError(`the daily rollup file ${path} is missing`, { code: 'input_missing', retryable: false });
    return path;
  });
}
