// Runs every golden file in ./golden through the operator harness and compares what came out
// (window firings in order, committed view rows, the late ledger and the final job watermark)
// with the file's expected output. A file is a job (window kind, size, slide, allowed lateness),
// harness settings, and steps: records (consecutive ones of a partition are one read), an empty
// read, a clock advance, an explicit watermark, or an expected watermark at that point.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../src/core/index.js';
import {
  createOperatorHarness,
  createWindowAggregateOperator,
  encodeKeyedRecord,
  jsonCodec,
  keyedRecordDecoder,
  noWatermarkMs,
  slidingWindows,
  tumblingWindows,
  type JobDefinition,
  type KeyedBatch,
  type OperatorHarness,
} from '../../src/stream/index.js';

interface GoldenRecord {
  partition: number;
  timeMs: number;
  key: string;
  value?: number;
}

type GoldenStep =
  | { records: GoldenRecord[] }
  | { readEmpty: number }
  | { advanceClockMs: number }
  | { watermark: number; partition?: number }
  | { expectWatermarkMs: number | null };

interface GoldenFile {
  description: string;
  job: { window: 'tumbling' | 'sliding'; sizeMs: number; slideMs?: number; allowedLatenessMs: number };
  harness: { partitions: number[]; outOfOrdernessMs: number; idleTimeoutMs: number; clockStartMs: number };
  steps: GoldenStep[];
  expected: {
    firings: string[];
    views: Record<string, number>;
    late: { partition: number; offset: number; key: string; eventTimeMs: number; watermarkMs: number; reason: string }[];
    lateCounts: Record<string, number>;
    watermarkMs: number;
  };
}

const folder = new URL('./golden/', import.meta.url);
const files = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();

function goldenJob(spec: GoldenFile['job']): () => JobDefinition {
  const assigner = spec.window === 'tumbling' ? tumblingWindows(spec.sizeMs) : slidingWindows(spec.sizeMs, spec.slideMs ?? spec.sizeMs);
  return () => ({
    name: 'golden',
    decoder: keyedRecordDecoder(),
    operators: [
      createWindowAggregateOperator<number, KeyedBatch>({
        name: 'sum',
        key: (batch, row) => batch.keys[row]!,
        assigner,
        allowedLatenessMs: spec.allowedLatenessMs,
        aggregate: { create: () => 0, add: (sum, batch, row) => sum + batch.amounts[row]! },
        codec: jsonCodec<number>(),
        view: 'golden',
        liveChannel: 'fired',
      }),
    ],
  });
}

/** Consecutive records of one partition, as one read each. */
function reads(records: readonly GoldenRecord[]): { partition: number; records: GoldenRecord[] }[] {
  const groups: { partition: number; records: GoldenRecord[] }[] = [];
  for (const record of records) {
    const last = groups[groups.length - 1];
    if (last?.partition === record.partition) last.records.push(record);
    else groups.push({ partition: record.partition, records: [record] });
  }
  return groups;
}

function runStep(harness: OperatorHarness, step: GoldenStep, index: number): void {
  if ('records' in step) {
    for (const read of reads(step.records)) harness.process(read.partition, read.records.map(({ timeMs, key, value }) => encodeKeyedRecord({ timeMs, key, value })));
  } else if ('readEmpty' in step) {
    harness.readEmpty(step.readEmpty);
  } else if ('advanceClockMs' in step) {
    harness.advanceClock(step.advanceClockMs);
  } else if ('watermark' in step) {
    harness.watermark(step.watermark, step.partition);
  } else {
    expect(harness.engine.watermarkMs(), `watermark after step ${index}`).toBe(step.expectWatermarkMs ?? noWatermarkMs);
  }
}

function firings(harness: OperatorHarness): string[] {
  return harness.live.map((message) => {
    const { partition, key, startMs, endMs, firing, value } = message.payload as { partition: number; key: string; startMs: number; endMs: number; firing: string; value: number };
    return `${partition}/${key}[${startMs},${endMs})=${value} ${firing}`;
  });
}

describe('golden files', () => {
  it('exist for tumbling, sliding, late data and idle partitions', () => {
    expect(files).toEqual(['idle-partition.json', 'late-data.json', 'sliding-windows.json', 'tumbling-windows.json']);
  });

  for (const file of files) {
    const golden = JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as GoldenFile;
    it(`${file}: ${golden.description}`, () => {
      const { partitions, outOfOrdernessMs, idleTimeoutMs, clockStartMs } = golden.harness;
      const harness = createOperatorHarness(goldenJob(golden.job), { partitions, outOfOrdernessMs, idleTimeoutMs, clock: createTestClock(clockStartMs) });
      golden.steps.forEach((step, index) => runStep(harness, step, index));
      harness.snapshot();
      const text = new TextDecoder();
      const views = Object.fromEntries(harness.store.viewRows('golden').map((row) => [`${row.partition}/${row.key}`, JSON.parse(text.decode(row.value)) as number]));
      const late = harness.store.lateEvents().map(({ partition, offset, key, eventTimeMs, watermarkMs, reason }) => ({ partition, offset, key, eventTimeMs, watermarkMs, reason }));
      expect({ firings: firings(harness), views, late, lateCounts: harness.store.lateCounts('golden'), watermarkMs: harness.engine.watermarkMs() }).toEqual(golden.expected);
    });
  }
});
