// Restoring a job from its checkpoint: state rows into the tables the operators declared, then
// each partition's offset and watermark. Windows need nothing more: a window fired exactly when
// the restored watermark is at or past its end.
import type { RestoredStreamCheckpoint } from '../store/index.js';
import type { JobShared, OperatorRuntime } from './operator-runtime.js';
import type { StateTable } from './state-table.js';
import { noWatermarkMs, type BatchColumns } from './types.js';

export interface RestoredPositions {
  offsets: Map<number, number>;
  committedOffsets: Map<number, number>;
  committedWatermarks: Map<number, number>;
}

function restoreState<B extends BatchColumns>(shared: JobShared, runtimes: readonly OperatorRuntime<B>[], restored: RestoredStreamCheckpoint): void {
  const tables = new Map<string, StateTable<unknown>>();
  for (const runtime of runtimes) for (const [name, table] of runtime.tables) tables.set(name, table);
  const orphans = new Map<string, number>();
  for (const row of restored.state) {
    const table = tables.get(row.state);
    if (table === undefined) orphans.set(row.state, (orphans.get(row.state) ?? 0) + 1);
    else table.restore(row);
  }
  // States stored as views: their entries are the view rows, touched at the partition's restored
  // watermark (a view row carries no touch time; a time-to-live counts from the restore).
  const byView = new Map<string, StateTable<unknown>>();
  for (const table of tables.values()) if (table.storedInView !== undefined) byView.set(table.storedInView, table);
  if (byView.size > 0) {
    const watermarks = new Map(restored.positions.map((position) => [position.partition, position.watermarkMs]));
    for (const row of restored.views ?? []) {
      byView.get(row.view)?.restoreFromView(row.partition, row.key, row.value, watermarks.get(row.partition) ?? noWatermarkMs);
    }
  }
  for (const table of tables.values()) table.finishRestore();
  for (const runtime of runtimes) runtime.timers.finishRestore();
  if (orphans.size > 0) {
    // A state renamed or removed since the checkpoint: its rows stay in the store untouched.
    shared.logger.warn({ job: shared.job, states: Object.fromEntries(orphans) }, 'checkpointed state that no operator declares was not restored');
  }
}

export function restoreEngineState<B extends BatchColumns>(
  shared: JobShared,
  runtimes: readonly OperatorRuntime<B>[],
  restored: RestoredStreamCheckpoint,
  startOffsets: readonly number[],
  positions: RestoredPositions,
): void {
  restoreState(shared, runtimes, restored);
  const byPartition = new Map(restored.positions.map((position) => [position.partition, position]));
  for (const partition of shared.partitions) {
    const position = byPartition.get(partition);
    if (position === undefined) {
      // Never committed: read the partition from its first stored record.
      positions.offsets.set(partition, startOffsets[partition] ?? 0);
      continue;
    }
    positions.offsets.set(partition, position.nextOffset);
    positions.committedOffsets.set(partition, position.nextOffset);
    positions.committedWatermarks.set(partition, position.watermarkMs);
    shared.watermarks.restore(partition, position.watermarkMs);
  }
}
