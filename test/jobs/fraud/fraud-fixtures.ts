// Clicks for the fraud tests: realistic traffic from the load generator (people, bots, bursting
// fraud addresses, with the ground truth of who is who), or hand-made clicks; sorted by
// (eventTimeMs, id) as the batch layer sorts a sealed hour, encoded as the log holds them, with the
// partition each goes to. And a job that runs the fraud operator with a recorder after it, which
// reads each click's flag exactly as a counters operator would.
import { encodeClick, ipKey, networkKey, partitionForIp, sampleClickEvent, type ClickEvent } from '../../../src/events/index.js';
import { createFraudOperator, type FraudOperator, type FraudOperatorOptionsInput, type SortedClick } from '../../../src/jobs/fraud/index.js';
import { createLoadGenerator, fraudKind, humanKind, toClickEvents, type LoadGeneratorOptionsInput } from '../../../src/loadgen/index.js';
import { clickHeaderDecoder, type ClickBatch, type JobDefinition, type OperatorHarness } from '../../../src/stream/index.js';

export interface FixtureClick {
  event: ClickEvent;
  bytes: Uint8Array;
  partition: number;
  /** 0 human, 1 bot, 2 fraud (load generator clicks); -1 for hand-made ones. */
  kind: number;
}

function byTimeThenId(a: FixtureClick, b: FixtureClick): number {
  if (a.event.eventTimeMs !== b.event.eventTimeMs) return a.event.eventTimeMs - b.event.eventTimeMs;
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}

/** `count` load generator clicks, sorted, spread over `partitions` by network. */
export function loadgenClicks(options: LoadGeneratorOptionsInput, count: number, partitions: number): FixtureClick[] {
  const generator = createLoadGenerator(options);
  const clicks: FixtureClick[] = [];
  for (let done = 0; done < count; done += 10_000) {
    const batch = generator.nextBatch(Math.min(10_000, count - done));
    const events = toClickEvents(generator.world, batch, { eventIdPrefix: generator.eventIdPrefix, ingestTimeMs: options.startMs ?? 0, source: 'redirect' });
    events.forEach((event, index) => {
      const kind = generator.world.visitors.kind[batch.visitor[index]!]!;
      clicks.push({ event, bytes: encodeClick(event), partition: partitionForIp(event.ip, partitions), kind });
    });
  }
  return clicks.sort(byTimeThenId);
}

/** A click from `ip` at `eventTimeMs` (the rest of it realistic), sorted later by the caller. */
export function clickFrom(ip: string, eventTimeMs: number, serial: number, partitions = 1): FixtureClick {
  const event = sampleClickEvent(serial, { ip, eventTimeMs, ingestTimeMs: eventTimeMs + 3, id: `c${serial.toString(36).padStart(8, '0')}` });
  return { event, bytes: encodeClick(event), partition: partitionForIp(ip, partitions), kind: -1 };
}

export function sortClicks(clicks: FixtureClick[]): FixtureClick[] {
  return clicks.sort(byTimeThenId);
}

export function asSortedClicks(clicks: readonly FixtureClick[]): SortedClick[] {
  return clicks.map(({ event, partition }) => ({ id: event.id, eventTimeMs: event.eventTimeMs, ipKey: ipKey(event.ip)!, networkKey: networkKey(event.ip)!, partition }));
}

/** Flags by partition and log offset, as the operator after fraud saw them. */
export type RecordedFlags = Map<number, Map<number, number>>;

export interface RecordedJob {
  job: () => JobDefinition;
  flags: RecordedFlags;
  /** The fraud operator of the job built last (a restore builds a new one). */
  operator(): FraudOperator;
}

export function recordedFraudJob(options: FraudOperatorOptionsInput = {}): RecordedJob {
  const flags: RecordedFlags = new Map();
  let latest: FraudOperator | undefined;
  const job = (): JobDefinition => {
    latest = createFraudOperator(options);
    const definition: JobDefinition<ClickBatch> = {
      name: 'fraud',
      decoder: clickHeaderDecoder(),
      operators: [
        latest,
        {
          name: 'flag-recorder',
          processBatch(batch) {
            let partition = flags.get(batch.partition);
            if (partition === undefined) flags.set(batch.partition, (partition = new Map()));
            for (let row = 0; row < batch.length; row++) partition.set(batch.offsets[row]!, batch.flags[row]!);
          },
        },
      ],
    };
    return definition as unknown as JobDefinition;
  };
  return { job, flags, operator: () => latest! };
}

export interface Feeder {
  /**
   * Feeds sorted clicks to `harness` `chunk` at a time, each chunk split by partition (so every
   * partition's log stays sorted). Returns each click's (partition, offset) in the harness's log.
   */
  feed(harness: OperatorHarness, clicks: readonly FixtureClick[], chunk?: number): { partition: number; offset: number }[];
}

/** Offsets continue across calls and across harness restores (they share the log). */
export function createFeeder(): Feeder {
  const next = new Map<number, number>();
  return {
    feed(harness, clicks, chunk = 700) {
      const positions: { partition: number; offset: number }[] = [];
      for (let start = 0; start < clicks.length; start += chunk) {
        const byPartition = new Map<number, Uint8Array[]>();
        for (const click of clicks.slice(start, start + chunk)) {
          const values = byPartition.get(click.partition) ?? [];
          byPartition.set(click.partition, values);
          const offset = next.get(click.partition) ?? 0;
          next.set(click.partition, offset + 1);
          positions.push({ partition: click.partition, offset });
          values.push(click.bytes);
        }
        for (const [partition, values] of [...byPartition].sort(([a], [b]) => a - b)) harness.process(partition, values);
      }
      return positions;
    },
  };
}

export { fraudKind, humanKind };
