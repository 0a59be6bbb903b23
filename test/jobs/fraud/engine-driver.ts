// Runs a job in a bare job engine (no log, no store), as the stream benchmarks do: batches of
// encoded clicks in, a checkpoint every so many batches collected and dropped (a worker would
// commit it to SQLite on disk). For measuring the fraud operator's memory and time per click.
import { createSilentLogger, createTestClock } from '../../../src/core/index.js';
import { encodeClick, sampleClickEvent } from '../../../src/events/index.js';
import type { LogRecord } from '../../../src/log/index.js';
import { createJobEngine, type JobDefinition, type JobEngine } from '../../../src/stream/index.js';

export const batchSize = 4_096;

export interface DrivenEngine {
  engine: JobEngine;
  /** Live messages received so far. */
  liveMessages: number;
  /** Feeds one batch to partition 0. */
  feed(records: readonly LogRecord[]): void;
  checkpoint(): { stateRows: number; bytes: number };
}

export function driveEngine(job: JobDefinition, startMs: number): DrivenEngine {
  const clock = createTestClock(startMs + 3_600_000);
  const driven: DrivenEngine = {
    engine: createJobEngine(
      job,
      { clock, logger: createSilentLogger(), onLive: (messages) => void (driven.liveMessages += messages.length) },
      { partitions: [0], batchCapacity: batchSize, outOfOrdernessMs: 3_000, idleTimeoutMs: 2_000, lateRowsPerCheckpointMax: 10_000, liveMessagesPerBatchMax: 10_000 },
    ),
    liveMessages: 0,
    feed(records) {
      driven.engine.processRecords(0, records, records[records.length - 1]!.offset + 1);
    },
    checkpoint() {
      const checkpoint = driven.engine.barrier();
      const bytes = checkpoint.stateUpserts.reduce((sum, row) => sum + row.key.length + row.value.byteLength, 0);
      driven.engine.committed(checkpoint, { checkpointId: checkpoint.checkpointId, rows: 0, bytes, committedAtMs: clock.nowMs() }, { durationMs: 0, commitMs: 0 });
      return { stateRows: checkpoint.stateUpserts.length + checkpoint.stateDeletions.length, bytes };
    },
  };
  driven.engine.start({ checkpointId: 0, positions: [], state: [] }, [0]);
  return driven;
}

/** Whether crowd address `visitor` is IPv6 (15 % are, one per /64; the rest IPv4, four per /24). */
const isIpv6 = (visitor: number): boolean => visitor % 100 < 15;

/** Writes crowd address `visitor` (all distinct) at `out[at..]`. */
function writeAddress(visitor: number, out: Uint8Array, at: number): void {
  if (isIpv6(visitor)) {
    out[at] = 0x20;
    out[at + 1] = 0x01;
    out[at + 2] = 0x0d;
    out[at + 3] = 0xb8;
    for (let byte = 0; byte < 4; byte++) out[at + 4 + byte] = (visitor >>> (24 - 8 * byte)) & 255;
    return;
  }
  const network = visitor >>> 2;
  out[at] = 11 + (network >>> 16);
  out[at + 1] = (network >>> 8) & 255;
  out[at + 2] = network & 255;
  out[at + 3] = (visitor & 3) + 10;
}

export interface ClickStreamOptions {
  startMs: number;
  /** Distinct addresses, each clicking once in turn. */
  distinct: number;
  perSecond: number;
  /** One more address clicking every `heavyEvery`-th click. */
  heavy?: Uint8Array;
  heavyEvery?: number;
}

/**
 * Batches of encoded clicks made by patching the address and time of two templates in a reused
 * buffer: no garbage per click, so what the process holds afterwards is what the job holds.
 */
export function createClickStream(options: ClickStreamOptions): { batch(number: number): LogRecord[] } {
  const templates = [encodeClick(sampleClickEvent(1, { ip: '11.0.0.10' })), encodeClick(sampleClickEvent(1, { ip: '2001:db8::1' }))];
  const stride = Math.max(...templates.map((template) => template.length));
  const buffer = new Uint8Array(stride * batchSize);
  const records: LogRecord[] = Array.from({ length: batchSize }, () => ({ offset: 0, value: new Uint8Array(0) }));
  const heavyEvery = options.heavyEvery ?? Number.POSITIVE_INFINITY;
  return {
    batch(number) {
      for (let row = 0; row < batchSize; row++) {
        const index = number * batchSize + row;
        const heavy = options.heavy !== undefined && index % heavyEvery === 0;
        // Visitors in a scrambled order (7,919 is prime: a bijection unless it divides `distinct`).
        const regular = heavy ? 0 : index - Math.floor(index / heavyEvery) - (options.heavy === undefined ? 0 : 1);
        const visitor = ((regular % options.distinct) * 7_919) % options.distinct;
        const template = templates[heavy ? (options.heavy!.length === 4 ? 0 : 1) : isIpv6(visitor) ? 1 : 0]!;
        const value = buffer.subarray(row * stride, row * stride + template.length);
        value.set(template);
        const eventTimeMs = options.startMs + Math.floor((index * 1_000) / options.perSecond);
        for (let byte = 0; byte < 6; byte++) value[5 + byte] = Math.floor(eventTimeMs / 2 ** (8 * (5 - byte))) & 255;
        if (heavy) value.set(options.heavy!, 11);
        else writeAddress(visitor, value, 11);
        records[row]!.offset = index;
        records[row]!.value = value;
      }
      return records;
    },
  };
}
