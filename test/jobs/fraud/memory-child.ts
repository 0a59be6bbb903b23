// Child process of fraud-memory.test.ts (run with --expose-gc): feeds `distinct` distinct addresses
// and one heavy one through the fraud job in a bare engine, checkpointing as a worker would, and
// prints one JSON line: resident and heap growth, what the operator tracks, the heavy hitter found.
import v8 from 'node:v8';
import { ipKey, packIp } from '../../../src/events/index.js';
import { fraudJob, type FraudOperator } from '../../../src/jobs/fraud/index.js';
import { batchSize, createClickStream, driveEngine } from './engine-driver.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const distinct = Number(process.argv[2] ?? 1_000_000);
const ipsMax = Number(process.argv[3] ?? 1_000_000);
const heavy = '192.0.2.200';
const startMs = Date.UTC(2026, 4, 4, 10, 0, 0);
const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

const stream = createClickStream({ startMs, distinct, perSecond: 2_000, heavy: packIp(heavy), heavyEvery: 300 });
gc();
const before = process.memoryUsage();
const job = fraudJob({ ipsMax, liveIpNumbers: false });
const operator = job.operators[0] as FraudOperator;
const driven = driveEngine(job, startMs);
const total = distinct + Math.ceil(distinct / 299);
let largestCheckpoint = { stateRows: 0, bytes: 0 };
for (let number = 0; number * batchSize < total; number++) {
  driven.feed(stream.batch(number));
  if (number % 10 !== 9) continue;
  const checkpoint = driven.checkpoint();
  if (checkpoint.bytes > largestCheckpoint.bytes) largestCheckpoint = checkpoint;
}
driven.checkpoint();
gc();
await new Promise((resolve) => setTimeout(resolve, 200));
gc();
const after = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    clicks: Math.ceil(total / batchSize) * batchSize,
    rssGrowthMb: mb(after.rss - before.rss),
    heapGrowthMb: mb(after.heapUsed - before.heapUsed),
    heapTotalGrowthMb: mb(after.heapTotal - before.heapTotal),
    arrayBuffersGrowthMb: mb(after.arrayBuffers - before.arrayBuffers),
    rssMb: mb(after.rss),
    newSpaceMb: mb(v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0),
    stats: operator.stats()[0],
    engineStateKeys: driven.engine.metrics().stateKeys,
    largestCheckpoint,
    heavy: operator.numbersOf(ipKey(heavy)!),
  })}\n`,
);
