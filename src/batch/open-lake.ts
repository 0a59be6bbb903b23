// Reading the lake, for batch jobs and people: an hour's folder and files, the files of an hour's
// current seal (the input a batch job must read, so that a re-run reads the same bytes), the
// change feed of sealed and re-opened hours, and the DuckDB source expressions over them.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { limits } from '../core/index.js';
import type { LakeFile, LakeSeal, Store } from '../store/index.js';
import { rawColumns } from './click-csv.js';
import { LakeError } from './errors.js';
import { parseLakeFileName, type LakeFileName } from './lake-file-names.js';
import { hourLabel, lakeFolders, rawHourPath } from './lake-layout.js';
import { sqlString } from './sql-files.js';

export interface OpenLakeOptions {
  /** The lake folder, `<dataDir>/lake`. */
  dir: string;
  /** For seals and the change feed; the disk-only helpers work without it. */
  store?: Pick<Store, 'lakeSeals'>;
}

export interface LakeHourFile extends LakeFileName {
  /** Relative to the lake folder. */
  path: string;
}

export interface SealedHour {
  seal: LakeSeal;
  /** Every file of this version of the hour (sealed and late), in path order. */
  files: LakeFile[];
}

export interface RawSourceOptions {
  /** Adds the `date` and `hour` columns from the folder names (default false: the raw schema only). */
  hivePartitioning?: boolean;
}

export interface Lake {
  /** Absolute. */
  readonly dir: string;
  /** Absolute path of an hour's folder of raw clicks. */
  hourPath(hourStartMs: number): string;
  /** The hour's lake files on disk now, in name order (temp files left out; uncommitted ones may be in). */
  listHourFiles(hourStartMs: number): LakeHourFile[];
  /** The hour's seal and its files, or undefined while it is not sealed. Needs the store. */
  sealedHour(hourStartMs: number): Promise<SealedHour | undefined>;
  /** Hours sealed or re-opened after `afterSequence` (a seal's `changeSequence`), in change order. */
  hoursChangedSince(afterSequence: number, limit?: number): Promise<LakeSeal[]>;
  /**
   * A DuckDB relation over lake files (paths relative to the lake folder): `read_parquet([...])`,
   * or an empty relation of the raw schema when there are none (DuckDB refuses an empty list).
   */
  rawSourceSql(paths: readonly string[], options?: RawSourceOptions): string;
  /** `read_parquet` over every raw file of the lake, for exploring (never for a batch job: it may see uncommitted files). */
  rawGlobSql(): string;
}

function needStore(store: OpenLakeOptions['store']): Pick<Store, 'lakeSeals'> {
  if (store === undefined) throw new LakeError('invalid', 'this lake was opened without a store; seals need one');
  return store;
}

function emptyRawRelation(hivePartitioning: boolean): string {
  const columns = rawColumns.map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`);
  if (hivePartitioning) columns.push('CAST(NULL AS DATE) AS date', 'CAST(NULL AS BIGINT) AS hour');
  return `(SELECT ${columns.join(', ')} WHERE false)`;
}

async function sealedHour(store: Pick<Store, 'lakeSeals'>, hourStartMs: number): Promise<SealedHour | undefined> {
  const seal = await store.lakeSeals.get(hourStartMs);
  if (seal === undefined) return undefined;
  const files: LakeFile[] = [];
  let after: string | undefined;
  do {
    const page = await store.lakeSeals.listFiles(hourStartMs, { after, limit: limits.storeListMax });
    files.push(...page.items.filter((file) => file.version <= seal.version));
    after = page.next;
  } while (after !== undefined);
  return { seal, files };
}

/** The lake at `options.dir` (or at the folder given as a string, without a store). */
export function openLake(input: OpenLakeOptions | string): Lake {
  const options = typeof input === 'string' ? { dir: input } : input;
  const dir = resolve(options.dir);
  return {
    dir,
    hourPath: (hourStartMs) => join(dir, rawHourPath(hourStartMs)),
    listHourFiles(hourStartMs) {
      const folder = rawHourPath(hourStartMs);
      let names: string[];
      try {
        names = readdirSync(join(dir, folder)).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new LakeError('bad_layout', `cannot list ${hourLabel(hourStartMs)}`, { path: folder, cause: error });
      }
      return names.flatMap((name) => {
        const file = parseLakeFileName(name);
        return file === undefined ? [] : [{ ...file, path: `${folder}/${name}` }];
      });
    },
    sealedHour: async (hourStartMs) => sealedHour(needStore(options.store), hourStartMs),
    hoursChangedSince: async (afterSequence, limit) => needStore(options.store).lakeSeals.changedSince(afterSequence, limit),
    rawSourceSql(paths, sourceOptions = {}) {
      const hive = sourceOptions.hivePartitioning ?? false;
      if (paths.length === 0) return emptyRawRelation(hive);
      const list = paths.map((path) => sqlString(join(dir, path))).join(', ');
      return `read_parquet([${list}], hive_partitioning = ${hive}, union_by_name = false)`;
    },
    rawGlobSql: () => `read_parquet(${sqlString(join(dir, lakeFolders.raw, '*', '*', '*.parquet'))}, hive_partitioning = true)`,
  };
}
