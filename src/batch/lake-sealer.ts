// The sealer: mirrors the archiver's committed manifest into the store's lake tables and seals
// every hour whose end plus the allowed lateness the global watermark has passed. The global
// watermark is the minimum over ALL log partitions of the archiver's committed watermarks, read
// before the manifest: every ordinary (`part`) file of a sealable hour was committed with offsets
// at or before those positions, so once the manifest is read to its end the hour is complete.
// Any click of it processed later is behind its partition's watermark, goes to a late file, and
// re-opens the hour (docs/lake.md).
import { limits, namespaced, parseOptions, type Clock, type Logger, type OptionsInput, type OptionsOf, type TimerHandle } from '../core/index.js';
import type { LakeFileInput, LakeSeal, Store, StreamPartitionPosition } from '../store/index.js';
import { hourMs } from './lake-layout.js';
import { lakeManifestCodec, lakeManifestKey, lakeManifestView } from './lake-manifest.js';

export const lakeSealerOptionsSpec = {
  job: { kind: 'string', nonEmpty: true, default: 'archiver', doc: 'the archiver job whose committed watermarks and manifest the sealer reads' },
  partitions: { kind: 'integer', default: 1, min: 1, max: limits.partitionsMax, doc: 'log partitions: an hour is sealed only when every one of them is past it' },
  allowedLatenessMs: {
    kind: 'integer',
    default: limits.lakeAllowedLatenessMsDefault,
    min: 0,
    max: limits.lakeAllowedLatenessMsMax,
    doc: "ms after an hour's end before it is sealed; must equal the archiver's",
  },
  intervalMs: { kind: 'integer', default: limits.lakeSealIntervalMsDefault, min: 10, max: 3_600_000, doc: 'ms between runs when started' },
} as const;

export type LakeSealerOptionsInput = OptionsInput<typeof lakeSealerOptionsSpec>;

export interface LakeSealerDeps {
  store: Pick<Store, 'streamCheckpoints' | 'views' | 'lakeSeals'>;
  clock: Clock;
  logger: Logger;
  /** An hour was sealed (version 1): its batch partition may run. */
  onSeal?(seal: LakeSeal): void | Promise<void>;
  /** Late files re-opened a sealed hour: `seal` is the new version, `files` the files that did it. */
  onReopen?(seal: LakeSeal, files: readonly LakeFileInput[]): void | Promise<void>;
}

export interface LakeSealerReport {
  /** Null while some partition has no committed archiver position. */
  globalWatermarkMs: number | null;
  filesRecorded: number;
  sealed: LakeSeal[];
  reopened: LakeSeal[];
  /** False when a bound cut the run short; the next run goes on. */
  complete: boolean;
}

export interface LakeSealer {
  runOnce(): Promise<LakeSealerReport>;
  /** Runs every `intervalMs` on the clock until stopped; a failed run is logged and retried. */
  start(): void;
  stop(): Promise<void>;
}

type Options = OptionsOf<typeof lakeSealerOptionsSpec>;

/** The minimum committed watermark over partitions 0..n-1, or null when one never committed. */
export function globalWatermarkMs(positions: readonly StreamPartitionPosition[], partitions: number): number | null {
  const byPartition = new Map(positions.map((position) => [position.partition, position.watermarkMs]));
  let lowest = Number.POSITIVE_INFINITY;
  for (let partition = 0; partition < partitions; partition++) {
    const watermarkMs = byPartition.get(partition);
    if (watermarkMs === undefined) return null;
    lowest = Math.min(lowest, watermarkMs);
  }
  return lowest;
}

async function readManifest(deps: LakeSealerDeps, partition: number, afterSequence: number): Promise<LakeFileInput[]> {
  const files: LakeFileInput[] = [];
  for (let sequence = afterSequence + 1; files.length < limits.lakeManifestEntriesPerRunMax; sequence++) {
    const rows = await deps.store.views.get(lakeManifestView, lakeManifestKey(partition, sequence));
    if (rows.length === 0) break;
    files.push(lakeManifestCodec.decode(rows[0]!.value));
  }
  return files;
}

async function notify(deps: LakeSealerDeps, logger: Logger, what: string, hook: () => void | Promise<void>): Promise<void> {
  try {
    await hook();
  } catch (error) {
    logger.error({ err: error }, `the ${what} hook failed`);
  }
}

/** Records every partition's new manifest entries; false when a partition had more than one run reads. */
async function mirrorManifest(deps: LakeSealerDeps, options: Options, logger: Logger, watermarkMs: number, report: LakeSealerReport): Promise<boolean> {
  const cursors = new Map((await deps.store.lakeSeals.state()).cursors.map((cursor) => [cursor.partition, cursor.sequence]));
  let complete = true;
  for (let partition = 0; partition < options.partitions; partition++) {
    const after = cursors.get(partition) ?? 0;
    const files = await readManifest(deps, partition, after);
    if (files.length === 0) continue;
    if (files.length >= limits.lakeManifestEntriesPerRunMax) complete = false;
    const { added, reopened } = await deps.store.lakeSeals.addFiles(files, { partition, sequence: after + files.length }, watermarkMs);
    report.filesRecorded += added;
    for (const seal of reopened) {
      report.reopened.push(seal);
      logger.info({ hourStartMs: seal.hourStartMs, version: seal.version }, 'late files re-opened a sealed hour');
      const late = files.filter((file) => file.hourStartMs === seal.hourStartMs);
      await notify(deps, logger, 'onReopen', () => deps.onReopen?.(seal, late));
    }
  }
  return complete;
}

async function sealHour(deps: LakeSealerDeps, logger: Logger, input: { hourStartMs: number; watermarkMs: number; frontierMs: number }, report: LakeSealerReport): Promise<void> {
  const { seal, created } = await deps.store.lakeSeals.seal(input);
  if (!created) return;
  report.sealed.push(seal);
  logger.info({ hourStartMs: seal.hourStartMs, files: seal.files, rows: seal.rows }, 'hour sealed');
  await notify(deps, logger, 'onSeal', () => deps.onSeal?.(seal));
}

/** Seals the hours the watermark has passed, from the frontier on, and stray hours behind it. */
async function sealDue(deps: LakeSealerDeps, options: Options, logger: Logger, watermarkMs: number, report: LakeSealerReport): Promise<void> {
  const state = await deps.store.lakeSeals.state();
  let frontierMs = state.frontierMs ?? (await deps.store.lakeSeals.firstHour());
  if (frontierMs === undefined) return;
  // Late files for hours before the lake's first seal have nobody else to seal them.
  for (const hourStartMs of await deps.store.lakeSeals.unsealedHours(frontierMs, limits.storeListMax)) {
    await sealHour(deps, logger, { hourStartMs, watermarkMs, frontierMs }, report);
  }
  for (let count = 0; frontierMs + hourMs + options.allowedLatenessMs <= watermarkMs; count++) {
    if (count >= limits.lakeSealHoursPerRunMax) {
      report.complete = false;
      return;
    }
    await sealHour(deps, logger, { hourStartMs: frontierMs, watermarkMs, frontierMs: frontierMs + hourMs }, report);
    frontierMs += hourMs;
  }
}

async function runOnce(deps: LakeSealerDeps, options: Options, logger: Logger): Promise<LakeSealerReport> {
  // Positions first: the manifest read after them holds every file their offsets committed.
  const watermarkMs = globalWatermarkMs(await deps.store.streamCheckpoints.positions(options.job), options.partitions);
  const report: LakeSealerReport = { globalWatermarkMs: watermarkMs, filesRecorded: 0, sealed: [], reopened: [], complete: true };
  report.complete = await mirrorManifest(deps, options, logger, watermarkMs ?? Number.MIN_SAFE_INTEGER, report);
  // A partly read manifest may miss files of a due hour: seal nothing until it is read to its end.
  if (watermarkMs !== null && report.complete) await sealDue(deps, options, logger, watermarkMs, report);
  return report;
}

export function createLakeSealer(deps: LakeSealerDeps, input: LakeSealerOptionsInput = {}): LakeSealer {
  const options = parseOptions('lake sealer', lakeSealerOptionsSpec, input);
  const logger = namespaced(deps.logger, 'lake.sealer');
  let timer: TimerHandle | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  const loop = (): void => {
    running = runOnce(deps, options, logger)
      .catch((error: unknown) => logger.error({ err: error }, 'a sealer run failed; it is tried again'))
      .finally(() => {
        if (!stopped) timer = deps.clock.setTimer(options.intervalMs, loop);
      });
  };
  return {
    runOnce: () => runOnce(deps, options, logger),
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      await running;
    },
  };
}
