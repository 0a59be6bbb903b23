// The click codec against JSON, the format a log would otherwise hold: encodes and decodes per
// second on one core, and bytes per event, over realistic sample clicks. The binary decoder also
// checks every type and bound, which JSON.parse does not, so the comparison favours JSON.
import { decodeClick, encodeClick, readClickHeader, sampleClickEvent, type ClickEvent } from '../src/events/index.js';
import type { Benchmark, BenchContext } from './harness.js';

/** Distinct events cycled through, so caches see a realistic spread, not one record. */
const poolSize = 4096;
const targetEventsPerSecond = 1_000_000;

/** Runs `step` over the pool `count` times in total and returns events per second. */
function throughput(count: number, step: (index: number) => number): number {
  let sink = 0;
  const startMs = performance.now();
  for (let index = 0; index < count; index++) sink += step(index & (poolSize - 1));
  const elapsedMs = performance.now() - startMs;
  if (sink < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return count / (elapsedMs / 1000);
}

function averageBytes(records: readonly Uint8Array[]): number {
  return records.reduce((sum, record) => sum + record.length, 0) / records.length;
}

async function compare(context: BenchContext, what: string, count: number, binary: (index: number) => number, json: (index: number) => number): Promise<void> {
  // Warm both paths up so the first measured run is optimised code, as in a long-running job.
  throughput(count / 4, binary);
  throughput(count / 4, json);
  const binaryRate = await context.measure(`binary ${what}`, 'events/s', 'higher', async () => throughput(count, binary));
  const jsonRate = await context.measure(`JSON ${what}`, 'events/s', 'higher', async () => throughput(count, json));
  context.ratio(`binary / JSON ${what} rate`, binaryRate, jsonRate);
  context.target(`binary ${what} over ${targetEventsPerSecond.toLocaleString('en-US')} events/s`, binaryRate.median > targetEventsPerSecond, `${Math.round(binaryRate.median).toLocaleString('en-US')} events/s`);
}

const benchmark: Benchmark = {
  name: 'codec',
  description: 'click codec: encodes/s, decodes/s and bytes per event, binary vs JSON',
  async run(context) {
    // Through JSON once, so strings are flat as they are when parsed from a request.
    const events = JSON.parse(JSON.stringify(Array.from({ length: poolSize }, (_, seed) => sampleClickEvent(seed)))) as ClickEvent[];
    const records = events.map(encodeClick);
    const jsonRecords = events.map((event) => Buffer.from(JSON.stringify(event)));
    const count = Math.max(poolSize, Math.round(1_000_000 * context.scale));
    context.progress(`${count.toLocaleString('en-US')} events per run, ${poolSize} distinct`);

    await compare(context, 'encode', count, (index) => encodeClick(events[index]!).length, (index) => Buffer.from(JSON.stringify(events[index]!)).length);
    await compare(context, 'decode', count, (index) => decodeClick(records[index]!).eventTimeMs, (index) => (JSON.parse(jsonRecords[index]!.toString()) as ClickEvent).eventTimeMs);

    const header = readClickHeader(records[0]!);
    throughput(count / 4, (index) => readClickHeader(records[index]!, header).eventTimeMs);
    await context.measure('binary header read (time, address, flags, link, owner)', 'events/s', 'higher', async () =>
      throughput(count, (index) => readClickHeader(records[index]!, header).eventTimeMs),
    );

    const binaryBytes = context.record({ case: 'binary bytes per event', unit: 'bytes', runs: [averageBytes(records)], better: 'lower' });
    const jsonBytes = context.record({ case: 'JSON bytes per event', unit: 'bytes', runs: [averageBytes(jsonRecords)], better: 'lower' });
    context.ratio('JSON / binary bytes per event', jsonBytes, binaryBytes);
  },
};

export default benchmark;
