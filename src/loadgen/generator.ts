// The load generator: a deterministic stream of click events over a generated world. Each send
// slot is, in turn: the next click of a fraud burst when one is due first, else a duplicate of a
// recent event, else a new click by a bot or a person, possibly late or out of order. All draws
// come from seeded streams, so the same options give the same events, batch after batch.
import { assert, limits } from '../core/index.js';
import { createAliasTable, type AliasTable } from './alias-table.js';
import { referrers as referrerTable } from './catalog-traffic.js';
import { botAgents } from './catalog-user-agents.js';
import { createDuplicateRing, type DuplicateRing } from './duplicate-ring.js';
import { createFraudBursts, type FraudBursts } from './fraud-bursts.js';
import { parseLoadGeneratorOptions, type LoadGeneratorOptions, type LoadGeneratorOptionsInput } from './options.js';
import { createRandom, type Random } from './random.js';
import { createSchedule, type Schedule } from './schedule.js';
import { botAddressesPerAgent, buildWorld } from './world.js';
import { createZipfSampler } from './zipf.js';
import { eventFlags, type GeneratedBatch, type World } from './types.js';

export interface LoadGenerator {
  readonly options: LoadGeneratorOptions;
  readonly world: World;
  /** Prepended to each event's serial (base 36) to make its id; unique per prefix and start time. */
  readonly eventIdPrefix: string;
  /** Send slots generated so far, duplicates included. */
  readonly generated: number;
  /** Generated events by kind, duplicates counted only as duplicates. */
  readonly counts: Readonly<GeneratedCounts>;
  /** Event time at which the next regular event is due. */
  peekScheduledMs(): number;
  /** The next `size` events, in send order. */
  nextBatch(size: number): GeneratedBatch;
  /** The id of the event with this serial. */
  eventId(serial: number): string;
}

export interface GeneratedCounts {
  duplicates: number;
  late: number;
  outOfOrder: number;
  bot: number;
  fraud: number;
}

/** Per-slot probabilities that make each configured share a share of all events sent. */
interface SlotOdds {
  duplicate: number;
  bot: number;
  late: number;
  /** late + outOfOrder: one draw decides both. */
  lateOrOutOfOrder: number;
  head: number;
}

function slotOdds(options: LoadGeneratorOptions): SlotOdds {
  const nonFraud = 1 - options.fraudShare;
  const fresh = nonFraud - options.duplicateShare;
  return {
    duplicate: options.duplicateShare / nonFraud,
    bot: options.botShare / fresh,
    late: options.lateShare / fresh,
    lateOrOutOfOrder: (options.lateShare + options.outOfOrderShare) / fresh,
    head: options.headShare,
  };
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

interface Streams {
  random: Random;
  schedule: Schedule;
  bursts: FraudBursts;
  ring: DuplicateRing;
  links: AliasTable;
  bots: AliasTable;
  referrers: AliasTable;
}

function createStreams(options: LoadGeneratorOptions, world: World): Streams {
  const random = createRandom(options.seed, 3);
  const links = createZipfSampler(world.links.length, options.zipfExponent);
  const regularPerSecond = options.eventsPerSecond * (1 - options.fraudShare);
  const fraudPerSecond = options.eventsPerSecond * options.fraudShare;
  return {
    random,
    links,
    schedule: createSchedule({ ...options, eventsPerSecond: regularPerSecond }),
    bursts: createFraudBursts(createRandom(options.seed, 4), links, {
      startMs: options.startMs,
      meanStartGapMs: fraudPerSecond > 0 ? (1000 * options.burstClicks) / fraudPerSecond : Infinity,
      burstClicks: options.burstClicks,
      burstDurationMs: options.burstDurationMs,
      firstVisitor: world.visitors.humans + world.visitors.bots,
      visitors: options.fraudShare > 0 ? world.visitors.fraud : 0,
    }),
    ring: createDuplicateRing(limits.loadgenDuplicateRingEvents),
    bots: createAliasTable(botAgents.map((agent) => agent.weight)),
    referrers: createAliasTable(referrerTable.map((entry) => entry.weight)),
  };
}

export function createLoadGenerator(input: LoadGeneratorOptionsInput = {}): LoadGenerator {
  const options = parseLoadGeneratorOptions(input);
  const world = buildWorld(options);
  assert(world.referrers[0] === '', 'referrer 0 must be the empty referrer: bots and fraud send none');
  const streams = createStreams(options, world);
  const odds = slotOdds(options);
  const eventIdPrefix = `${world.prefix}.${options.startMs.toString(36)}.`;
  const fraudClick = { visitor: 0, link: 0 };
  let serial = 0;
  let generated = 0;
  const counts: GeneratedCounts = { duplicates: 0, late: 0, outOfOrder: 0, bot: 0, fraud: 0 };

  const fillNew = (batch: GeneratedBatch, index: number, dueMs: number): void => {
    const { random } = streams;
    const { visitors } = world;
    batch.serial[index] = serial++;
    batch.link[index] = streams.links.sample(random);
    const isBot = random.float() < odds.bot;
    if (isBot) counts.bot++;
    batch.visitor[index] = isBot
      ? visitors.humans + streams.bots.sample(random) * botAddressesPerAgent + random.below(botAddressesPerAgent)
      : random.below(visitors.humans);
    batch.referrer[index] = isBot ? 0 : streams.referrers.sample(random);
    let flags = random.float() < odds.head ? eventFlags.head : 0;
    let timeMs = Math.floor(dueMs);
    const timing = random.float();
    if (timing < odds.late) {
      flags |= eventFlags.late;
      counts.late++;
      timeMs -= Math.round(options.lateMinMs * (options.lateMaxMs / options.lateMinMs) ** random.float());
    } else if (timing < odds.lateOrOutOfOrder) {
      flags |= eventFlags.outOfOrder;
      counts.outOfOrder++;
      timeMs -= 1 + random.below(options.outOfOrderMaxMs);
    }
    batch.eventTimeMs[index] = timeMs;
    batch.flags[index] = flags;
  };

  const fillFraud = (batch: GeneratedBatch, index: number): void => {
    const timeMs = streams.bursts.take(fraudClick);
    batch.scheduledMs[index] = timeMs;
    batch.eventTimeMs[index] = Math.floor(timeMs);
    batch.serial[index] = serial++;
    batch.link[index] = fraudClick.link;
    batch.visitor[index] = fraudClick.visitor;
    batch.referrer[index] = 0;
    batch.flags[index] = 0;
  };

  const fillSlot = (batch: GeneratedBatch, index: number): void => {
    if (streams.bursts.peekMs() <= streams.schedule.peekMs()) {
      fillFraud(batch, index);
      counts.fraud++;
      streams.ring.remember(batch, index);
      return;
    }
    const dueMs = streams.schedule.take();
    batch.scheduledMs[index] = dueMs;
    const { random } = streams;
    if (random.float() < odds.duplicate && streams.ring.copyRandomInto(batch, index, random.float())) {
      batch.flags[index] = batch.flags[index]! | eventFlags.duplicate;
      counts.duplicates++;
      return;
    }
    fillNew(batch, index, dueMs);
    streams.ring.remember(batch, index);
  };

  return {
    options,
    world,
    eventIdPrefix,
    get generated() {
      return generated;
    },
    counts,
    peekScheduledMs: () => Math.min(streams.schedule.peekMs(), streams.bursts.peekMs()),
    nextBatch(size) {
      assert(Number.isInteger(size) && size >= 1 && size <= limits.loadgenBatchEventsMax, () => `batch size ${size} is outside 1..${limits.loadgenBatchEventsMax}`);
      const batch = allocateBatch(size);
      for (let index = 0; index < size; index++) fillSlot(batch, index);
      generated += size;
      return batch;
    },
    eventId: (eventSerial) => eventIdPrefix + eventSerial.toString(36),
  };
}
