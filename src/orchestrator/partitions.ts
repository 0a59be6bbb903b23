// The built-in partition kinds (UTC hour, day and month) and the helpers every kind shares.
// A kind maps ids to half-open time ranges; all the orchestrator needs follows from that: which
// partition an instant falls in, which partitions of another kind cover one, the one before.
import { assert, limits } from '../core/index.js';
import { OrchestratorError } from './errors.js';
import type { PartitionBounds, PartitionKind } from './types.js';

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

function invalid(kind: string, text: string, shape: string): OrchestratorError {
  return new OrchestratorError('invalid_partition', `${JSON.stringify(text)} is not a valid ${kind}: write ${shape}`);
}

/** The epoch ms of a UTC date, or undefined when the fields name no real date (2026-02-30). */
function utcDate(year: number, month: number, day: number, hour = 0): number | undefined {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || hour > 23) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour);
  const date = new Date(ms);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? ms : undefined;
}

function isoPrefix(ms: number, length: number): string {
  assert(Number.isFinite(ms) && ms >= 0, () => `a partition instant must be a time after 1970 (got ${ms})`);
  return new Date(ms).toISOString().slice(0, length);
}

/** A kind whose partitions are fixed-length UTC ranges named by a prefix of the ISO timestamp. */
function fixedUtcKind(name: string, shape: string, pattern: RegExp, prefixLength: number, lengthMs: number): PartitionKind {
  const startOf = (id: string): number => {
    const match = pattern.exec(id);
    const ms = match ? utcDate(Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4] ?? 0)) : undefined;
    if (ms === undefined) throw invalid(name, id, shape);
    return ms;
  };
  return {
    name,
    shape,
    parse: (text) => isoPrefix(startOf(text.trim()), prefixLength),
    format: (instantMs) => isoPrefix(instantMs, prefixLength),
    next: (id) => isoPrefix(startOf(id) + lengthMs, prefixLength),
    bounds: (id) => {
      const startMs = startOf(id);
      return { startMs, endMs: startMs + lengthMs };
    },
  };
}

/** UTC hours, `2026-11-25T08`: the hour from 08:00 (inclusive) to 09:00 UTC. */
export const hourPartitions: PartitionKind = fixedUtcKind('hour', 'YYYY-MM-DDTHH (a UTC hour), e.g. 2026-11-25T08', /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/, 13, hourMs);

/** UTC days, `2026-11-25`. */
export const dayPartitions: PartitionKind = fixedUtcKind('day', 'YYYY-MM-DD (a UTC day), e.g. 2026-11-25', /^(\d{4})-(\d{2})-(\d{2})$/, 10, dayMs);

const monthPattern = /^(\d{4})-(\d{2})$/;
const monthShape = 'YYYY-MM (a UTC month), e.g. 2026-11';

function monthStart(id: string): number {
  const match = monthPattern.exec(id);
  const ms = match ? utcDate(Number(match[1]), Number(match[2]), 1) : undefined;
  if (ms === undefined) throw invalid('month', id, monthShape);
  return ms;
}

function monthAfter(startMs: number): number {
  const date = new Date(startMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** UTC calendar months, `2026-11` (28 to 31 days). */
export const monthPartitions: PartitionKind = {
  name: 'month',
  shape: monthShape,
  parse: (text) => isoPrefix(monthStart(text.trim()), 7),
  format: (instantMs) => isoPrefix(instantMs, 7),
  next: (id) => isoPrefix(monthAfter(monthStart(id)), 7),
  bounds: (id) => {
    const startMs = monthStart(id);
    return { startMs, endMs: monthAfter(startMs) };
  },
};

/** True when the instant falls in the partition (its start inclusive, its end exclusive). */
export function partitionContains(kind: PartitionKind, id: string, instantMs: number): boolean {
  const { startMs, endMs } = kind.bounds(id);
  return instantMs >= startMs && instantMs < endMs;
}

/** The partition just before `id`: the one holding the instant before its start. */
export function previousPartition(kind: PartitionKind, id: string): string {
  return kind.format(kind.bounds(id).startMs - 1);
}

/** The latest partition that has ended by `instantMs`, the default partition a schedule fire builds. */
export function latestEndedPartition(kind: PartitionKind, instantMs: number): string {
  const current = kind.format(instantMs);
  const { startMs, endMs } = kind.bounds(current);
  assert(instantMs >= startMs && instantMs < endMs, () => `partition kind ${kind.name}: format(${instantMs}) gave ${current}, whose bounds do not hold it`);
  return kind.format(startMs - 1);
}

/**
 * The partitions of `kind` that overlap `bounds`, in order: the hours of a day, the days of a
 * month, the UTC hours of a time-zone day. More than `max` is an error (a declaration mistake).
 */
export function partitionsCovering(kind: PartitionKind, bounds: PartitionBounds, max: number = limits.orchestratorUpstreamPartitionsMax): string[] {
  const ids: string[] = [];
  for (let id = kind.format(bounds.startMs); kind.bounds(id).startMs < bounds.endMs; id = kind.next(id)) {
    if (ids.length >= max) {
      throw new OrchestratorError('invalid_range', `more than ${max} ${kind.name} partitions cover ${new Date(bounds.startMs).toISOString()} to ${new Date(bounds.endMs).toISOString()}`);
    }
    ids.push(id);
  }
  return ids;
}

/** The partitions from `from` to `to`, both included, in order; at most `max`. */
export function partitionRange(kind: PartitionKind, from: string, to: string, max: number): string[] {
  const last = kind.bounds(to);
  if (kind.bounds(from).startMs > last.startMs) {
    throw new OrchestratorError('invalid_range', `the range starts at ${from}, after its end ${to}; the start must not come after the end`);
  }
  return partitionsCovering(kind, { startMs: kind.bounds(from).startMs, endMs: last.endMs }, max);
}

/** Checks that a kind keeps its contract at `instantMs`: format, bounds and next agree. */
export function checkPartitionKind(kind: PartitionKind, instantMs: number): void {
  const id = kind.format(instantMs);
  const { startMs, endMs } = kind.bounds(id);
  assert(startMs <= instantMs && instantMs < endMs, () => `partition kind ${kind.name}: ${id} does not hold the instant it was formatted from`);
  assert(kind.parse(id) === id, () => `partition kind ${kind.name}: parse(${id}) is not ${id}`);
  assert(kind.bounds(kind.next(id)).startMs === endMs, () => `partition kind ${kind.name}: next(${id}) does not start where ${id} ends`);
}
