// How partitions are split across worker processes, and how many workers a machine runs.
import { availableParallelism } from 'node:os';
import { assert } from '../core/index.js';

/** Worker `i` of `workers` gets every partition `p` with `p % workers === i`: disjoint and covering. */
export function assignPartitions(partitions: number, workers: number): number[][] {
  assert(Number.isInteger(workers) && workers >= 1 && workers <= partitions, () => `workers must be 1 to ${partitions} (the partition count), not ${workers}`);
  return Array.from({ length: workers }, (_, worker) => Array.from({ length: partitions }, (_, partition) => partition).filter((partition) => partition % workers === worker));
}

/**
 * Half the cores, at least one: the stream shares the machine with ingest and the HTTP server,
 * and on two cores one worker leaves a core for them.
 */
export function defaultStreamWorkerCount(cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}
