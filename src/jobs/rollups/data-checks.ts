// Data checks, as dbt tests are: a check is a query returning the rows that break its rule, so an
// empty answer passes. The checks of a job live in one .sql file, each after a `-- check: <name>`
// line. A failing check fails the run with the check's name and the first offending rows, before
// anything is published.
import type { DuckDBConnection } from '@duckdb/node-api';
import { renderSql } from '../../batch/index.js';
import { RollupError } from './errors.js';
import { rollupLimits } from './options.js';

export interface DataCheck {
  name: string;
  sql: string;
}

/** The checks of a .sql file's text: each `-- check: <name>` line starts one. */
export function parseChecks(text: string): DataCheck[] {
  const checks: DataCheck[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const finish = (): void => {
    if (current !== undefined) checks.push({ name: current.name, sql: current.lines.join('\n').trim() });
  };
  for (const line of text.split('\n')) {
    const header = /^-- check: (.+)$/.exec(line);
    if (header !== null) {
      finish();
      current = { name: header[1]!.trim(), lines: [] };
    } else if (current !== undefined && !line.startsWith('--')) {
      current.lines.push(line);
    }
  }
  finish();
  return checks;
}

function quote(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Runs every check; throws a `data_check_failed` RollupError on the first that returns rows. */
export async function runDataChecks(connection: DuckDBConnection, partition: string, checks: readonly DataCheck[], parameters: Readonly<Record<string, string | number>>): Promise<number> {
  for (const check of checks) {
    const used = Object.fromEntries(Object.entries(parameters).filter(([name]) => check.sql.includes(`{{${name}}}`)));
    const sql = renderSql(check.sql, used);
    const result = await connection.runAndReadAll(`SELECT * FROM (${sql}) LIMIT ${rollupLimits.checkRowsQuoted}`);
    const rows = result.getRowObjects();
    if (rows.length > 0) {
      const shown = rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([key, value]) => [key, quote(value)])))).join('; ');
      throw new RollupError('data_check_failed', partition, `data check "${check.name}" failed, nothing was published: ${shown}`, { check: check.name });
    }
  }
  return checks.length;
}
