// The fraud operator's cost per click, in a bare job engine: the fraud job against a no-op job with
// the same decoder over the same batches, so the difference is the operator alone (the header
// decode is the same in both). Three streams: load-generator traffic at 50,000 clicks/s (people,
// bots, fraud bursts: nearly every click a new address), a warm crowd (200,000 addresses clicking
// again and again, all tracked), and a cold worst case (every click a new address among a million,
// evicting once the bound is reached). Each with the operator alone (no checkpoints, no numbers
// messages), with checkpoints every 50 batches (200 ms at a million clicks a second), and with
// everything. CPU time (the machine is shared), best of `--runs`.
//   npx tsx test/jobs/fraud/fraud-bench.ts [--runs 3] [--clicks 1000000]
import { parseArgs } from 'node:util';
import { encodeClick } from '../../../src/events/index.js';
import { fraudJob, type FraudOperatorOptionsInput } from '../../../src/jobs/fraud/index.js';
import type { LogRecord } from '../../../src/log/index.js';
import { createLoadGenerator, toClickEvents } from '../../../src/loadgen/index.js';
import { clickHeaderDecoder, type JobDefinition } from '../../../src/stream/index.js';
import { batchSize, createClickStream, driveEngine } from './engine-driver.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, clicks: { type: 'string', default: '1000000' } } });
const runs = Number(values.runs);
const clicks = Math.ceil(Number(values.clicks) / batchSize) * batchSize;
const startMs = Date.UTC(2026, 4, 4, 10, 0, 0);
const cpuMs = () => process.cpuUsage().user / 1_000;

function noopJob(): JobDefinition {
  return { name: 'fraud', decoder: clickHeaderDecoder(), operators: [{ name: 'noop', processBatch: () => {} }] } as unknown as JobDefinition;
}

function loadgenBatches(): LogRecord[][] {
  const generator = createLoadGenerator({ seed: 3, startMs, eventsPerSecond: 50_000, visitors: 2_000_000, networks: 200_000, fraudIps: 256 });
  const batches: LogRecord[][] = [];
  for (let offset = 0; offset < clicks; offset += batchSize) {
    const events = toClickEvents(generator.world, generator.nextBatch(batchSize), { eventIdPrefix: generator.eventIdPrefix, ingestTimeMs: startMs, source: 'redirect' });
    batches.push(events.map((event, index) => ({ offset: offset + index, value: encodeClick(event) })));
  }
  return batches;
}

/** Best ns of CPU per click for `job` over the stream, checkpointing every 50 batches or never. */
function nsPerClick(job: () => JobDefinition, batch: (number: number) => readonly LogRecord[], checkpoints: boolean): number {
  let fastest = Infinity;
  for (let run = 0; run < runs; run++) {
    const driven = driveEngine(job(), startMs);
    const began = cpuMs();
    for (let number = 0; number * batchSize < clicks; number++) {
      driven.feed(batch(number));
      if (checkpoints && number % 50 === 49) driven.checkpoint();
    }
    fastest = Math.min(fastest, ((cpuMs() - began) * 1e6) / clicks);
  }
  return fastest;
}

function report(name: string, batch: (number: number) => readonly LogRecord[]): void {
  const fraud = (options: FraudOperatorOptionsInput) => () => fraudJob(options) as unknown as JobDefinition;
  const noop = nsPerClick(noopJob, batch, true);
  const alone = nsPerClick(fraud({ liveIpNumbers: false }), batch, false) - noop;
  const checkpointed = nsPerClick(fraud({ liveIpNumbers: false }), batch, true) - noop;
  const everything = nsPerClick(fraud({}), batch, true) - noop;
  process.stdout.write(`| ${name} | ${noop.toFixed(0)} | ${alone.toFixed(0)} | ${checkpointed.toFixed(0)} | ${everything.toFixed(0)} |\n`);
}

process.stdout.write(`${clicks} clicks, ns of CPU per click, best of ${runs}\n\n| stream | engine + decode | fraud operator alone | + checkpoints | + numbers messages |\n|---|---|---|---|---|\n`);
const recorded = loadgenBatches();
report('load generator, 50,000/s, 2M visitors', (number) => recorded[number]!);
const warm = createClickStream({ startMs, distinct: 200_000, perSecond: 50_000 });
report('warm: 200,000 addresses, each every 4 s', (number) => warm.batch(number));
const cold = createClickStream({ startMs, distinct: 2_000_000, perSecond: 50_000 });
report('cold: every click a new address (2M), bound 1M', (number) => cold.batch(number));
