// Proves the engine decodes each record once for all operators (which share the batch and may
// pass columns along), checkpoints incrementally, restores to exactly the output of an
// uninterrupted run, ledgers undecodable records, and fails loudly, with context, on misuse.
import { describe, expect, it } from 'vitest';
import { createBatchColumns } from './batch-columns.js';
import { float64Codec, jsonCodec } from './codecs.js';
import { StreamError } from './errors.js';
import { createOperatorHarness, type OperatorHarness } from './harness.js';
import type { ViewStoredCodec } from './state-table.js';
import { encodeKeyedRecord, keyedRecordDecoder, type KeyedBatch } from './keyed-records.js';
import type { BatchColumns, BatchDecoder, JobDefinition, KeyedState, Operator, ViewWriter } from './types.js';
import { createWindowAggregateOperator } from './window-aggregate-operator.js';
import { tumblingWindows } from './window-assigners.js';

/** Per-key running totals in keyed state, published to a view at each checkpoint. */
function totalsOperator(): Operator<KeyedBatch> {
  let totals: KeyedState<number> | undefined;
  let view: ViewWriter<number> | undefined;
  return {
    name: 'totals',
    onStart(context) {
      totals = context.keyedState('totals', { codec: float64Codec() });
      view = context.view('totals', jsonCodec<number>());
    },
    processBatch(batch) {
      const state = totals!.partition(batch.partition);
      for (let row = 0; row < batch.length; row++) {
        const key = batch.keys[row]!;
        state.set(key, (state.get(key) ?? 0) + batch.amounts[row]!);
      }
    },
    onCheckpoint() {
      totals!.forEachUpdated((partition, key, value) => view!.put(partition, key, value));
    },
  };
}

function job(): JobDefinition {
  return {
    name: 'mixed',
    decoder: keyedRecordDecoder(),
    operators: [
      totalsOperator(),
      createWindowAggregateOperator<number, KeyedBatch>({
        name: 'minutes',
        key: (batch, row) => batch.keys[row]!,
        assigner: tumblingWindows(60_000),
        allowedLatenessMs: 0,
        aggregate: { create: () => 0, add: (count) => count + 1 },
        codec: jsonCodec<number>(),
        view: 'minutes',
      }),
    ],
  };
}

const text = new TextDecoder();
function views(harness: OperatorHarness): string[] {
  return ['totals', 'minutes'].flatMap((view) => harness.store.viewRows(view).map((row) => `${view}:${row.partition}:${row.key}=${text.decode(row.value)}`));
}

function batchOf(index: number): Uint8Array[] {
  return Array.from({ length: 50 }, (_, row) => encodeKeyedRecord({ timeMs: index * 20_000 + row * 300, key: `k${(row * 7 + index) % 5}`, value: row % 3 }));
}

describe('job engine', () => {
  it('restored from a checkpoint and replayed, ends with exactly the output of an uninterrupted run', () => {
    const options = { partitions: [0, 1], outOfOrdernessMs: 1_000, batchCapacity: 16 };
    const straight = createOperatorHarness(job, options);
    for (let index = 0; index < 6; index++) straight.process(index % 2, batchOf(index));
    straight.watermark(400_000);
    straight.snapshot();

    let crashing = createOperatorHarness(job, options);
    for (let index = 0; index < 3; index++) crashing.process(index % 2, batchOf(index));
    crashing.snapshot();
    // Processed, never committed: lost in the crash, then read again from the checkpoint.
    crashing.process(1, batchOf(3));
    crashing = crashing.restore();
    crashing.replay();
    for (let index = 4; index < 6; index++) crashing.process(index % 2, batchOf(index));
    crashing.watermark(400_000);
    crashing.snapshot();

    expect(views(crashing)).toEqual(views(straight));
    expect(views(straight).length).toBeGreaterThan(20);
    expect(crashing.metrics().eventsProcessed).toBe(150);
  });

  it('checkpoints incrementally: only keys changed since the last checkpoint, and positions', () => {
    const harness = createOperatorHarness(job, { outOfOrdernessMs: 0 });
    harness.process(0, [encodeKeyedRecord({ timeMs: 1_000, key: 'a' }), encodeKeyedRecord({ timeMs: 1_000, key: 'b' })]);
    const first = harness.snapshot();
    expect(first.stateUpserts.map((row) => `${row.state}/${row.namespace}/${row.key}`)).toEqual(['totals.totals/0/a', 'totals.totals/0/b', 'minutes.windows/0/a', 'minutes.windows/0/b']);
    expect(first.positions).toEqual([{ partition: 0, nextOffset: 2, watermarkMs: 1_000, expectedNextOffset: null }]);
    harness.process(0, [encodeKeyedRecord({ timeMs: 2_000, key: 'b' })]);
    const second = harness.snapshot();
    expect(second.stateUpserts.map((row) => `${row.state}/${row.key}`)).toEqual(['totals.totals/b', 'minutes.windows/b']);
    expect(second.views.map((change) => `${change.view}/${change.key}`)).toEqual(['totals/b', 'minutes/b@0']);
    expect(second.positions[0]).toMatchObject({ nextOffset: 3, expectedNextOffset: 2 });
    expect(harness.engine.hasChanges()).toBe(false);
  });

  it('a state stored as its view writes no state rows and is restored from the view rows', () => {
    const viewCodec = float64Codec();
    const stored: ViewStoredCodec<number> = { ...viewCodec, storedInView: 'sums' };
    const sums = (): JobDefinition => ({
      name: 'sums',
      decoder: keyedRecordDecoder(),
      operators: [
        ((): Operator<KeyedBatch> => {
          let state: KeyedState<number> | undefined;
          let view: ViewWriter<number> | undefined;
          return {
            name: 'sums',
            onStart(context) {
              state = context.keyedState('sums', { codec: stored });
              view = context.view('sums', viewCodec);
            },
            processBatch(batch) {
              const partition = state!.partition(batch.partition);
              for (let row = 0; row < batch.length; row++) partition.set(batch.keys[row]!, (partition.get(batch.keys[row]!) ?? 0) + batch.amounts[row]!);
            },
            onCheckpoint() {
              state!.forEachUpdated((partition, key, value) => view!.put(partition, key, value));
            },
          };
        })(),
      ],
    });
    const sumsOf = (harness: OperatorHarness) => harness.store.viewRows('sums').map((row) => `${row.partition}:${row.key}=${viewCodec.decode(row.value)}`);
    const straight = createOperatorHarness(sums, { partitions: [0, 1], outOfOrdernessMs: 0 });
    for (let index = 0; index < 4; index++) straight.process(index % 2, batchOf(index));
    straight.snapshot();

    let crashing = createOperatorHarness(sums, { partitions: [0, 1], outOfOrdernessMs: 0 });
    crashing.process(0, batchOf(0));
    crashing.process(1, batchOf(1));
    const first = crashing.snapshot();
    expect(first.stateUpserts).toEqual([]);
    expect(first.views.length).toBeGreaterThan(0);
    expect(crashing.engine.pendingRows()).toBe(0);
    crashing.process(0, batchOf(2));
    // The changed keys are rows the next barrier will write.
    expect(crashing.engine.pendingRows()).toBeGreaterThan(0);
    crashing = crashing.restore();
    crashing.replay();
    crashing.process(1, batchOf(3));
    crashing.snapshot();
    expect(sumsOf(crashing)).toEqual(sumsOf(straight));
  });

  it('ledgers a record the decoder refuses and processes the rest of its batch', () => {
    const harness = createOperatorHarness(job, { outOfOrdernessMs: 0 });
    harness.process(0, [encodeKeyedRecord({ timeMs: 1_000, key: 'a' }), new TextEncoder().encode('{"not json'), encodeKeyedRecord({ timeMs: 1_500, key: 'a' })]);
    harness.snapshot();
    expect(harness.store.lateEvents().map((event) => [event.operator, event.offset, event.reason])).toEqual([['decoder', 1, 'undecodable']]);
    expect(harness.store.viewRows('totals').map((row) => text.decode(row.value))).toEqual(['2']);
    expect(harness.metrics().lateEvents).toEqual({ undecodable: 1 });
  });

  it('decodes each record once; operators share the batch and a later one reads a column an earlier one filled', () => {
    let decodes = 0;
    interface FlaggedBatch extends BatchColumns {
      keys: string[];
      flagged: Uint8Array;
    }
    const decoder: BatchDecoder<FlaggedBatch> = {
      createBatch: (capacity) => ({ ...createBatchColumns(capacity), keys: new Array<string>(capacity).fill(''), flagged: new Uint8Array(capacity) }),
      decode(value, batch, row) {
        decodes++;
        const record = JSON.parse(text.decode(value)) as { timeMs: number; key: string };
        batch.eventTimesMs[row] = record.timeMs;
        batch.keys[row] = record.key;
      },
    };
    const seen: string[] = [];
    const flagger: Operator<FlaggedBatch> = {
      name: 'flagger',
      processBatch(batch) {
        for (let row = 0; row < batch.length; row++) batch.flagged[row] = batch.keys[row]!.startsWith('bot') ? 1 : 0;
      },
    };
    const reader: Operator<FlaggedBatch> = {
      name: 'reader',
      processBatch(batch) {
        for (let row = 0; row < batch.length; row++) seen.push(`${batch.keys[row]}:${batch.flagged[row]}`);
      },
    };
    const harness = createOperatorHarness(() => ({ name: 'chain', decoder, operators: [flagger, reader] }));
    harness.process(0, [encodeKeyedRecord({ timeMs: 1, key: 'human' }), encodeKeyedRecord({ timeMs: 2, key: 'bot-1' })]);
    expect(seen).toEqual(['human:0', 'bot-1:1']);
    expect(decodes).toBe(2);
  });

  it('refuses state declared outside onStart, a state declared twice, and states over the job key bound', () => {
    const lateDeclaration: Operator<KeyedBatch> = {
      name: 'late',
      processBatch(_batch, context) {
        context.keyedState('nope', { codec: float64Codec() });
      },
    };
    const harness = createOperatorHarness(() => ({ name: 'bad', decoder: keyedRecordDecoder(), operators: [lateDeclaration] }));
    expect(() => harness.process(0, [encodeKeyedRecord({ timeMs: 1, key: 'a' })])).toThrow(/must be declared in onStart/);

    const twice: Operator<KeyedBatch> = {
      name: 'twice',
      onStart(context) {
        context.keyedState('s', { codec: float64Codec() });
        context.keyedState('s', { codec: float64Codec() });
      },
      processBatch: () => undefined,
    };
    expect(() => createOperatorHarness(() => ({ name: 'bad', decoder: keyedRecordDecoder(), operators: [twice] }))).toThrow(/declared twice/);

    const huge: Operator<KeyedBatch> = {
      name: 'huge',
      onStart(context) {
        for (let index = 0; index < 3; index++) context.keyedState(`s${index}`, { codec: float64Codec(), keysMax: 20_000_000 });
      },
      processBatch: () => undefined,
    };
    expect(() => createOperatorHarness(() => ({ name: 'bad', decoder: keyedRecordDecoder(), operators: [huge] }))).toThrow(StreamError);
  });

  it('turns an operator failure into a StreamError naming the job, operator, partition and first offset', () => {
    const broken: Operator<KeyedBatch> = {
      name: 'broken',
      processBatch() {
        throw new TypeError('boom');
      },
    };
    const harness = createOperatorHarness(() => ({ name: 'fragile', decoder: keyedRecordDecoder(), operators: [broken] }), { partitions: [3] });
    const error = (() => {
      try {
        harness.process(3, [encodeKeyedRecord({ timeMs: 1, key: 'a' })]);
      } catch (caught) {
        return caught as StreamError;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'operator_failed', job: 'fragile', operator: 'broken', partition: 3 });
    expect(error?.message).toMatch(/job fragile, operator broken, partition 3, offset 0: the operator threw: boom/);
  });
});
