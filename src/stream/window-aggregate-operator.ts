// A ready-made operator: aggregates rows per key in tumbling or sliding windows and writes each
// window's result to a view as `<key>@<windowStartMs>`. Results of open windows are published at
// every checkpoint (provisional); a window's final result when the watermark passes its end; an
// allowed late event re-publishes its window. Golden files test window semantics through it.
import type { BatchColumns, Operator, StateCodec, ViewWriter, WhenFull, WindowAggregate, WindowAssigner, WindowResult, WindowState } from './types.js';

export interface WindowAggregateOperatorOptions<A, B extends BatchColumns> {
  name: string;
  /** The key of a row, e.g. its link id. */
  key(batch: B, row: number): string;
  assigner: WindowAssigner;
  allowedLatenessMs: number;
  aggregate: WindowAggregate<A, B>;
  codec: StateCodec<A>;
  /** The view the results go to. */
  view: string;
  /** Publish open windows' partial results at each checkpoint (default true). */
  publishUpdates?: boolean;
  /** When given, every firing is also emitted live on this channel. */
  liveChannel?: string;
  /** What a live message carries of an accumulator (default: the accumulator itself; copy mutable ones). */
  toLive?(accumulator: A): unknown;
  keysMax?: number;
  whenFull?: WhenFull;
}

/** The view key of a window result. */
export function windowViewKey(key: string, startMs: number): string {
  return `${key}@${startMs}`;
}

export function createWindowAggregateOperator<A, B extends BatchColumns>(options: WindowAggregateOperatorOptions<A, B>): Operator<B> {
  let windows: WindowState<A, B> | undefined;
  let view: ViewWriter<A> | undefined;
  const publish = (result: WindowResult<A>): void => view!.put(result.partition, windowViewKey(result.key, result.startMs), result.accumulator);
  return {
    name: options.name,
    onStart(context) {
      view = context.view(options.view, options.codec);
      const toLive = options.toLive ?? ((accumulator: A) => accumulator);
      windows = context.windowState<A, B>('windows', {
        codec: options.codec,
        keysMax: options.keysMax,
        whenFull: options.whenFull,
        assigner: options.assigner,
        allowedLatenessMs: options.allowedLatenessMs,
        aggregate: options.aggregate,
        onFire(result) {
          publish(result);
          if (options.liveChannel === undefined) return;
          const { partition, key, startMs, endMs, firing } = result;
          context.emit(options.liveChannel, { partition, key, startMs, endMs, firing, value: toLive(result.accumulator) });
        },
      });
    },
    processBatch(batch) {
      const state = windows!;
      const { partition, length } = batch;
      for (let row = 0; row < length; row++) state.add(partition, options.key(batch, row), batch, row);
    },
    onCheckpoint() {
      if (options.publishUpdates !== false) windows!.forEachUpdated(publish);
    },
  };
}
