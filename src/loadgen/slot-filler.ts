// One send slot at a time: the next click of a fraud burst when one is due first, else a
// duplicate of a recent event, else a new click by a bot or a person, possibly late or out of
// order. Each kind is drawn with the odds that make its configured share a share of all events
// sent, from seeded streams only.
import { limits } from '../core/index.js';
import { createAliasTable, type AliasTable } from './alias-table.js';
import { referrers as referrerTable } from './catalog-traffic.js';
import { botAgents } from './catalog-user-agents.js';
import { createDuplicateRing, type DuplicateRing } from './duplicate-ring.js';
import { createFraudBursts, type FraudBursts } from './fraud-bursts.js';
import type { LoadGeneratorOptions } from './options.js';
import { createRandom, type Random } from './random.js';
import { createSchedule, type Schedule } from './schedule.js';
import { eventFlags, type GeneratedBatch, type World } from './types.js';
import { botAddressesPerAgent } from './world.js';
import { createZipfSampler } from './zipf.js';

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
      clicksPerSecond: fraudPerSecond,
      burstClicks: options.burstClicks,
      burstDurationMs: options.burstDurationMs,
      firstVisitor: world.visitors.humans + world.visitors.bots,
      visitors: world.visitors.fraud,
    }),
    ring: createDuplicateRing(limits.loadgenDuplicateRingEvents),
    bots: createAliasTable(botAgents.map((agent) => agent.weight)),
    referrers: createAliasTable(referrerTable.map((entry) => entry.weight)),
  };
}

export interface SlotFiller {
  readonly counts: Readonly<GeneratedCounts>;
  /** Event time at which the next event is due. */
  peekScheduledMs(): number;
  /** Fills slot `index` of `batch` with the next event. */
  fillSlot(batch: GeneratedBatch, index: number): void;
}

export function createSlotFiller(options: LoadGeneratorOptions, world: World): SlotFiller {
  const streams = createStreams(options, world);
  const odds = slotOdds(options);
  const fraudClick = { visitor: 0, link: 0 };
  let serial = 0;
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
    counts,
    peekScheduledMs: () => Math.min(streams.schedule.peekMs(), streams.bursts.peekMs()),
    fillSlot,
  };
}
