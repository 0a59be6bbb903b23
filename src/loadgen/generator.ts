// The load generator: a deterministic stream of click events over a generated world, in
// batches of columns. The world and every draw come from seeded streams, so the same options give
// the same events, batch after batch, whatever the batch sizes.
import { assert, limits } from '../core/index.js';
import { parseLoadGeneratorOptions, worldPrefix, type LoadGeneratorOptions, type LoadGeneratorOptionsInput } from './options.js';
import { createSlotFiller, type GeneratedCounts } from './slot-filler.js';
import type { GeneratedBatch, World } from './types.js';
import { buildWorld } from './world.js';

export type { GeneratedCounts } from './slot-filler.js';

export interface LoadGenerator {
  readonly options: LoadGeneratorOptions;
  readonly world: World;
  /** Prepended to each event's serial (base 36) to make its id; unique per prefix and start time. */
  readonly eventIdPrefix: string;
  /** Send slots generated so far, duplicates included. */
  readonly generated: number;
  /** Generated events by kind, duplicates counted only as duplicates. */
  readonly counts: Readonly<GeneratedCounts>;
  /** Event time at which the next event is due. */
  peekScheduledMs(): number;
  /** The next `size` events, in send order. */
  nextBatch(size: number): GeneratedBatch;
  /** The id of the event with this serial. */
  eventId(serial: number): string;
}

export function allocateBatch(size: number): GeneratedBatch {
  return {
    size,
    scheduledMs: new Float64Array(size),
    eventTimeMs: new Float64Array(size),
    serial: new Float64Array(size),
    link: new Int32Array(size),
    visitor: new Int32Array(size),
    referrer: new Uint16Array(size),
    flags: new Uint8Array(size),
  };
}

/**
 * A generator for `options`. `world` may be one already built from the same seed and world
 * options and since provisioned (its ids are the store's); otherwise one is built. The world
 * depends on neither the start time nor the rates, so a run can set up its world first and take
 * its start time after.
 */
export function createLoadGenerator(input: LoadGeneratorOptionsInput = {}, prebuilt?: { world: World }): LoadGenerator {
  const options = parseLoadGeneratorOptions(input);
  const world = prebuilt?.world ?? buildWorld(options);
  assert(world.prefix === worldPrefix(options) && world.links.length === options.links && world.visitors.humans === options.visitors, 'the prebuilt world was built from other options');
  assert(world.referrers[0] === '', 'referrer 0 must be the empty referrer: bots and fraud send none');
  const slots = createSlotFiller(options, world);
  const eventIdPrefix = `${world.prefix}.${options.startMs.toString(36)}.`;
  let generated = 0;
  return {
    options,
    world,
    eventIdPrefix,
    get generated() {
      return generated;
    },
    counts: slots.counts,
    peekScheduledMs: slots.peekScheduledMs,
    nextBatch(size) {
      assert(Number.isInteger(size) && size >= 1 && size <= limits.loadgenBatchEventsMax, () => `batch size ${size} is outside 1..${limits.loadgenBatchEventsMax}`);
      const batch = allocateBatch(size);
      for (let index = 0; index < size; index++) slots.fillSlot(batch, index);
      generated += size;
      return batch;
    },
    eventId: (eventSerial) => eventIdPrefix + eventSerial.toString(36),
  };
}
