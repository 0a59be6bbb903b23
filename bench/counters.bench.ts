// The link counters' cost per event: load-generated clicks (Zipf links, IPv4 and IPv6 visitors,
// bots, fraud bursts) through a job engine (no log, no store) with the header decoder and a no-op
// operator, the counters job, the fraud job, and the speed job (fraud, then counters on the same
// batch); the differences are the operators' own cost. Targets: counters well under 500 ns per
// event, fraud and counters together under 1 µs.
import { createSilentLogger, createTestClock } from '../src/core/index.js';
import { encodeClick } from '../src/events/index.js';
import { countersJob, speedJob } from '../src/jobs/counters/index.js';
import { createFraudOperator, fraudJob } from '../src/jobs/fraud/index.js';
import { createLoadGenerator, toClickEvents } from '../src/loadgen/index.js';
import type { LogRecord } from '../src/log/index.js';
import { clickHeaderDecoder, createJobEngine, type ClickBatch, type JobDefinition } from '../src/stream/index.js';
import type { Benchmark, Measurement } from './harness.js';

const batchSize = 4_096;
const startMs = Date.UTC(2026, 5, 1, 12);

function makeBatches(count: number): LogRecord[][] {
  const generator = createLoadGenerator({ seed: 3, startMs, eventsPerSecond: 2_000, links: 5_000, visitors: 200_000, networks: 20_000, lateShare: 0 });
  const batches: LogRecord[][] = [];
  let offset = 0;
  while (offset < count) {
    const generated = generator.nextBatch(batchSize);
    const events = toClickEvents(generator.world, generated, { eventIdPrefix: generator.eventIdPrefix, ingestTimeMs: generated.eventTimeMs[batchSize - 1]! + 5, source: 'redirect' });
    batches.push(events.map((event) => ({ offset: offset++, value: encodeClick(event) })));
  }
  return batches;
}

function noopJob(): JobDefinition<ClickBatch> {
  return { name: 'noop', decoder: clickHeaderDecoder(), operators: [{ name: 'noop', processBatch: () => undefined }] };
}

/** Events per second of `job` in an engine fed `batches`, with a checkpoint every 50 batches (about 200,000 events). */
function engineRate(job: JobDefinition<ClickBatch>, batches: readonly LogRecord[][]): number {
  const clock = createTestClock(startMs + 86_400_000);
  const engine = createJobEngine(job, { clock, logger: createSilentLogger() }, { partitions: [0], batchCapacity: batchSize, outOfOrdernessMs: 3_000, idleTimeoutMs: 2_000, lateRowsPerCheckpointMax: 10_000, liveMessagesPerBatchMax: 10_000 });
  engine.start({ checkpointId: 0, positions: [], state: [] }, [0]);
  const began = performance.now();
  let events = 0;
  batches.forEach((batch, index) => {
    engine.processRecords(0, batch, batch[batch.length - 1]!.offset + 1);
    events += batch.length;
    if (index % 50 !== 49) return;
    const checkpoint = engine.barrier();
    engine.committed(checkpoint, { checkpointId: checkpoint.checkpointId, rows: 0, bytes: 0, committedAtMs: 0 }, { durationMs: 0, commitMs: 0 });
  });
  return events / ((performance.now() - began) / 1000);
}

/** ns per event `job` adds over `base`, from the fastest run of each (the least disturbed by the shared machine). */
function addedNs(job: Measurement, base: Measurement): number {
  return 1e9 / Math.max(...job.runs) - 1e9 / Math.max(...base.runs);
}

const benchmark: Benchmark = {
  name: 'counters',
  description: 'link counters per event in the engine: header decode alone, counters, fraud, and fraud + counters (the speed job)',
  async run(context) {
    const count = Math.max(batchSize, Math.round(1_000_000 * context.scale));
    context.progress(`generating and encoding ${count} clicks`);
    const batches = makeBatches(count);
    const rate = (job: () => JobDefinition<ClickBatch>) => async () => engineRate(job(), batches);
    const noop = await context.measure('engine, header decoder, no-op operator', 'events/s', 'higher', rate(noopJob));
    const counters = await context.measure('engine, counters job', 'events/s', 'higher', rate(() => countersJob()));
    const fraud = await context.measure('engine, fraud job', 'events/s', 'higher', rate(() => fraudJob()));
    const speed = await context.measure('engine, speed job (fraud, then counters)', 'events/s', 'higher', rate(() => speedJob({ fraud: createFraudOperator() })));
    const countersNs = addedNs(counters, noop);
    const speedNs = addedNs(speed, noop);
    context.record({ case: 'counters operator per event (best runs)', unit: 'ns', runs: [countersNs], better: 'lower' });
    context.record({ case: 'fraud operator per event (best runs)', unit: 'ns', runs: [addedNs(fraud, noop)], better: 'lower' });
    context.record({ case: 'fraud + counters operators per event (best runs)', unit: 'ns', runs: [speedNs], better: 'lower' });
    context.record({ case: 'speed job per event, decode included (best run)', unit: 'ns', runs: [1e9 / Math.max(...speed.runs)], better: 'lower' });
    context.target('counters operator well under 500 ns per event', countersNs < 500, `${countersNs.toFixed(0)} ns`);
    context.target('fraud + counters under 1 µs per event', speedNs < 1_000, `${speedNs.toFixed(0)} ns`);
  },
};

export default benchmark;
