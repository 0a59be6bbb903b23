// Rows of a query into JavaScript objects, read straight from each chunk's column vectors: cheaper
// than the generic row conversion for the hundreds of thousands of rows an hour publishes.
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';

export async function readRows<T>(connection: DuckDBConnection, sql: string, build: (columns: readonly DuckDBVector[], row: number) => T): Promise<T[]> {
  const result = await connection.stream(sql);
  const rows: T[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return rows;
    const columns = Array.from({ length: chunk.columnCount }, (_, index) => chunk.getColumnVector(index));
    for (let row = 0; row < chunk.rowCount; row++) rows.push(build(columns, row));
  }
}

/** A text column's value (never null in the rollups' outputs). */
export function text(column: DuckDBVector, row: number): string {
  return column.getItem(row) as string;
}

/** A DOUBLE column's value. */
export function number(column: DuckDBVector, row: number): number {
  return column.getItem(row) as number;
}
