// The speed layer against the way most shorteners do it today. Load-generated clicks fill a
// segmented log; the speed job (fraud, then counters, exactly as `clickflow start` builds it) runs
// in this process on one thread, reading the log and committing checkpoints at the default interval
// into a SQLite store on a commit thread of its own, as a stream worker process does (and, for
// comparison, with the commit on the job's thread, as before the commit thread). In the same run, a Redis server started here takes the same clicks as a
// pipelined INCR per click per link (counters) and as a Lua sliding-window rate check per click per
// address (one EVALSHA: ZREMRANGEBYSCORE, ZADD, ZCARD, PEXPIRE), pipelined in batches. Redis gets
// its keys ready-made (no log read, no decode: generous to it). Then the latency at a steady 50,000
// clicks/s: append acknowledged → the batch seen by an operator (the verdict path) and → the
// checkpoint covering it committed (the counter path). Targets from issue 4.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createSilentLogger, createSystemClock, type Clock } from '../src/core/index.js';
import { encodeClick, partitionForIp, readClickEventTimeMs } from '../src/events/index.js';
import { speedJob } from '../src/jobs/counters/index.js';
import { createFraudOperator } from '../src/jobs/fraud/index.js';
import { createLoadGenerator, toClickEvents } from '../src/loadgen/index.js';
import { createSegmentedLog, type EventLog } from '../src/log/index.js';
import { createSqliteStore, type StreamCheckpointRepository } from '../src/store/index.js';
import { runStreamWorker, startCommitThread, type ClickBatch, type JobDefinition, type Operator, type OperatorContext } from '../src/stream/index.js';
import { percentile, type BenchContext, type Benchmark, type Measurement } from './harness.js';
import { startRedisServer, type RedisServer } from './helpers/redis-server.js';

const partitions = 4;
const generatedBatch = 4_096;

interface Clicks {
  /** Encoded records per partition, in log order. */
  records: Uint8Array[][];
  /** For Redis, in generation order. */
  linkIds: string[];
  ips: string[];
  eventTimesMs: Float64Array;
}

function generateClicks(count: number, startMs: number, eventsPerSecond: number): Clicks {
  const generator = createLoadGenerator({ seed: 4, startMs, eventsPerSecond, links: 20_000, visitors: 500_000, networks: 50_000, duplicateShare: 0, lateShare: 0 });
  const clicks: Clicks = { records: Array.from({ length: partitions }, () => []), linkIds: [], ips: [], eventTimesMs: new Float64Array(count) };
  while (clicks.linkIds.length < count) {
    const generated = generator.nextBatch(Math.min(generatedBatch, count - clicks.linkIds.length));
    const events = toClickEvents(generator.world, generated, { eventIdPrefix: generator.eventIdPrefix, ingestTimeMs: generated.eventTimeMs[generated.size - 1]! + 5, source: 'redirect' });
    for (const event of events) {
      clicks.eventTimesMs[clicks.linkIds.length] = event.eventTimeMs;
      clicks.linkIds.push(event.linkId);
      clicks.ips.push(event.ip);
      clicks.records[partitionForIp(event.ip, partitions)]!.push(encodeClick(event));
    }
  }
  return clicks;
}

async function fillLog(dir: string, clicks: Clicks, clock: Clock): Promise<void> {
  const log = await createSegmentedLog({ clock, logger: createSilentLogger() }, { dir, partitions });
  for (let partition = 0; partition < partitions; partition++) {
    const records = clicks.records[partition]!;
    for (let start = 0; start < records.length; start += generatedBatch) await log.append(partition, records.slice(start, start + generatedBatch));
  }
  await log.close();
}

/** Where the speed job's time goes, in ms, summed over a run. */
interface TimeSplit {
  fraudMs: number;
  countersMs: number;
  /** Operators' onCheckpoint (view rows put). */
  barrierMs: number;
  /** Encoding state rows after the barrier, until the commit call (the engine's collect). */
  collectMs: number;
  /** On the job's thread: the SQLite transaction, or handing the checkpoint to the commit thread. */
  commitMs: number;
  /** On the commit thread: from handing a checkpoint over to its answer (beside processing). */
  backgroundMs: number;
}

/** The operator with its processBatch and onCheckpoint timed into `split`; everything else passed through. */
function timed(operator: Operator<ClickBatch>, split: TimeSplit, key: 'fraudMs' | 'countersMs', marks: { barrierEnd: number }): Operator<ClickBatch> {
  return {
    ...operator,
    name: operator.name,
    processBatch(batch: ClickBatch, context: OperatorContext) {
      const began = performance.now();
      operator.processBatch(batch, context);
      split[key] += performance.now() - began;
    },
    onCheckpoint(checkpointId: number, context: OperatorContext) {
      const began = performance.now();
      operator.onCheckpoint?.(checkpointId, context);
      marks.barrierEnd = performance.now();
      split.barrierMs += marks.barrierEnd - began;
    },
  };
}

interface SpeedRun {
  eventsPerS: number;
  eventsPerCpuS: number;
  split: TimeSplit;
  wallMs: number;
  checkpoints: number;
}

async function speedRun(logDir: string, folder: string, run: number, count: number, commitThread: boolean): Promise<SpeedRun> {
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const log: EventLog = await createSegmentedLog({ clock, logger }, { dir: logDir, partitions });
  const storePath = join(folder, `speed-${commitThread ? 'thread' : 'inline'}-${run}.sqlite`);
  const store = createSqliteStore({ clock, logger }, { path: storePath });
  const threaded = commitThread ? await startCommitThread(store.streamCheckpoints, { storePath }) : undefined;
  const committer = threaded ?? store.streamCheckpoints;
  const split: TimeSplit = { fraudMs: 0, countersMs: 0, barrierMs: 0, collectMs: 0, commitMs: 0, backgroundMs: 0 };
  const marks = { barrierEnd: 0 };
  const job = speedJob({ fraud: createFraudOperator() });
  const [fraud, counters] = job.operators as [Operator<ClickBatch>, Operator<ClickBatch>];
  const timedJob: JobDefinition<ClickBatch> = { ...job, operators: [timed(fraud, split, 'fraudMs', { barrierEnd: 0 }), timed(counters, split, 'countersMs', marks)] };
  const checkpoints: StreamCheckpointRepository = {
    commitsInBackground: committer.commitsInBackground,
    load: (name, parts, views) => committer.load(name, parts, views),
    positions: (name) => committer.positions(name),
    async commit(name, checkpoint) {
      const began = performance.now();
      split.collectMs += began - marks.barrierEnd;
      const answer = committer.commit(name, checkpoint);
      const handed = performance.now();
      split.commitMs += handed - began;
      try {
        return await answer;
      } finally {
        if (threaded !== undefined) split.backgroundMs += performance.now() - handed;
      }
    },
  };
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  const worker = runStreamWorker({ log, checkpoints, clock, logger, job: timedJob as unknown as JobDefinition }, { partitions: Array.from({ length: partitions }, (_, partition) => partition), idleTimeoutMs: 60_000 });
  await worker.started;
  while ((worker.metrics()?.eventsProcessed ?? 0) < count) await clock.sleep(1);
  await worker.stop();
  const wallMs = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  const result = { eventsPerS: count / (wallMs / 1000), eventsPerCpuS: count / ((cpu.user + cpu.system) / 1e6), split, wallMs, checkpoints: worker.metrics()?.checkpoints ?? 0 };
  await threaded?.close();
  await log.close();
  await store.close();
  return result;
}

const rateScript = `
local removed = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
local count = redis.call('ZCARD', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return count`;
const rateWindowMs = '10000';
/** Commands per pipeline, and pipelines in flight at once (several, so the client never waits idle). */
const pipelineCommands = 1_000;
const pipelinesInFlight = 4;

interface RedisRun {
  eventsPerS: number;
  /** Client and server CPU per click, µs. */
  cpuUsPerEvent: number;
  /** A check the commands did what they should: the sum of INCR results' last values, or the largest rate count. */
  check: number;
}

async function redisRun(server: RedisServer, client: Redis, clicks: Clicks, count: number, fill: (pipeline: ReturnType<Redis['pipeline']>, index: number) => void, read: (result: unknown) => number): Promise<RedisRun> {
  await client.flushall();
  const serverCpuBefore = server.cpuMs();
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  let next = 0;
  let check = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const start = next;
      const end = Math.min(count, start + pipelineCommands);
      next = end;
      const pipeline = client.pipeline();
      for (let index = start; index < end; index++) fill(pipeline, index);
      const results = (await pipeline.exec()) ?? [];
      for (const [error, value] of results) {
        if (error) throw error;
        check = Math.max(check, read(value));
      }
    }
  };
  await Promise.all(Array.from({ length: pipelinesInFlight }, lane));
  const wallMs = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 + (server.cpuMs() - serverCpuBefore);
  void clicks;
  return { eventsPerS: count / (wallMs / 1000), cpuUsPerEvent: (cpuMs * 1000) / count, check };
}

interface LatencyFigures {
  liveMs: number[];
  commitMs: number[];
  appended: number;
  achievedPerS: number;
}

/** Appends clicks at `ratePerS` (every 10 ms, per partition) to a running speed worker; times each from its ack to seen and to committed. */
async function measureLatency(folder: string, seconds: number, ratePerS: number): Promise<LatencyFigures> {
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const count = Math.round(seconds * ratePerS);
  // Clicks are stamped from the moment generation starts and appended at their pace from the moment
  // appending starts: each when its offset from the first click is due.
  const startMs = clock.nowMs();
  const clicks = generateClicks(count, startMs, ratePerS);
  await mkdir(folder, { recursive: true });
  const log = await createSegmentedLog({ clock, logger }, { dir: join(folder, 'log'), partitions });
  const store = createSqliteStore({ clock, logger }, { path: join(folder, 'store.sqlite') });
  const threaded = await startCommitThread(store.streamCheckpoints, { storePath: join(folder, 'store.sqlite') });
  const ackedAt = clicks.records.map((records) => new Float64Array(records.length).fill(Number.NaN));
  const seenAt = clicks.records.map((records) => new Float64Array(records.length).fill(Number.NaN));
  const committedAt = clicks.records.map((records) => new Float64Array(records.length).fill(Number.NaN));
  const committedUpTo = new Array<number>(partitions).fill(0);
  const job = speedJob({ fraud: createFraudOperator() });
  const probe: Operator<ClickBatch> = {
    name: 'probe',
    processBatch: (batch, context) => context.emit('seen', { partition: batch.partition, first: batch.offsets[0], last: batch.offsets[batch.length - 1] }),
  };
  const worker = runStreamWorker(
    {
      log,
      checkpoints: threaded,
      clock,
      logger,
      job: { ...job, operators: [...job.operators, probe] } as unknown as JobDefinition,
      onLive(messages) {
        const now = performance.now();
        for (const { channel, payload } of messages) {
          if (channel !== 'seen') continue;
          const { partition, first, last } = payload as { partition: number; first: number; last: number };
          seenAt[partition]!.fill(now, first, last + 1);
        }
      },
      onCommit(update) {
        const now = performance.now();
        for (const { partition, nextOffset } of update.positions) {
          committedAt[partition]!.fill(now, committedUpTo[partition]!, nextOffset);
          committedUpTo[partition] = Math.max(committedUpTo[partition]!, nextOffset);
        }
      },
    },
    { partitions: Array.from({ length: partitions }, (_, partition) => partition) },
  );
  await worker.started;
  const next = new Array<number>(partitions).fill(0);
  const began = performance.now();
  const appendStartMs = clock.nowMs();
  const appends: Promise<void>[] = [];
  for (let tick = 1; ; tick++) {
    const dueMs = appendStartMs + tick * 10;
    let left = 0;
    for (let partition = 0; partition < partitions; partition++) {
      const records = clicks.records[partition]!;
      let end = next[partition]!;
      // The clicks of this partition stamped up to now, in order.
      const dueOffsetMs = clock.nowMs() - appendStartMs;
      while (end < records.length && end - next[partition]! < 4_096 && readClickEventTimeMs(records[end]!) - startMs <= dueOffsetMs) end++;
      if (end > next[partition]!) {
        const from = next[partition]!;
        next[partition] = end;
        appends.push(
          log.append(partition, records.slice(from, end)).then(({ offsets }) => {
            const now = performance.now();
            for (const offset of offsets) ackedAt[partition]![offset] = now;
          }),
        );
      }
      left += records.length - end;
    }
    if (left === 0) break;
    const waitMs = dueMs - clock.nowMs();
    if (waitMs > 0) await clock.sleep(waitMs);
  }
  await Promise.all(appends);
  const achievedPerS = count / ((performance.now() - began) / 1000);
  while (committedUpTo.reduce((sum, offset) => sum + offset, 0) < count) await clock.sleep(10);
  await worker.stop();
  await log.close();
  await threaded.close();
  await store.close();
  // A record can be seen before its append's promise resolves: that counts as zero.
  const since = (times: Float64Array[]) => {
    const values: number[] = [];
    times.forEach((partitionTimes, partition) => partitionTimes.forEach((time, offset) => values.push(Math.max(0, time - ackedAt[partition]![offset]!))));
    return values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  };
  return { liveMs: since(seenAt), commitMs: since(committedAt), appended: count, achievedPerS };
}

function perEventNs(ms: number, events: number): number {
  return (ms * 1e6) / events;
}

/** Where the job's thread spends its time (medians over runs), and what the commit thread does beside it. */
function recordSplit(context: BenchContext, splits: TimeSplit[], wallMs: number[], count: number): void {
  const median = (pick: (split: TimeSplit) => number) => [...splits.map(pick)].sort((a, b) => a - b)[Math.floor(splits.length / 2)]!;
  const wall = [...wallMs].sort((a, b) => a - b)[Math.floor(wallMs.length / 2)]!;
  const parts = {
    fraud: median((split) => split.fraudMs),
    counters: median((split) => split.countersMs),
    'checkpoint: operators put view rows': median((split) => split.barrierMs),
    'checkpoint: engine collects state rows': median((split) => split.collectMs),
    'checkpoint: handing the checkpoint to the commit thread': median((split) => split.commitMs),
  };
  const accounted = Object.values(parts).reduce((sum, value) => sum + value, 0);
  const label = (name: string, ms: number) => `speed job time split: ${name} (${((100 * ms) / wall).toFixed(0)}% of wall)`;
  for (const [name, ms] of Object.entries(parts)) context.record({ case: label(name, ms), unit: 'ns/event', runs: [perEventNs(ms, count)], better: 'lower' });
  context.record({ case: label('log read, decode, engine, idle', wall - accounted), unit: 'ns/event', runs: [perEventNs(wall - accounted, count)], better: 'lower' });
  const background = median((split) => split.backgroundMs);
  context.record({ case: `commit thread, beside the job: SQLite commits in flight (${((100 * background) / wall).toFixed(0)}% of wall)`, unit: 'ns/event', runs: [perEventNs(background, count)], better: 'lower' });
}

async function redisFigures(context: BenchContext, clicks: Clicks, count: number): Promise<{ incr: Measurement; rate: Measurement; incrPerCpu: Measurement; ratePerCpu: Measurement }> {
  const server = await startRedisServer();
  const client = new Redis({ host: server.host, port: server.port, lazyConnect: true, enableOfflineQueue: true });
  try {
    await client.connect();
    const sha = (await client.script('LOAD', rateScript)) as string;
    const incrKeys = clicks.linkIds.map((linkId) => `clicks:${linkId}`);
    const rateKeys = clicks.ips.map((ip) => `rate:${ip}`);
    const members = clicks.linkIds.map((_, index) => index.toString(36));
    const times = Array.from(clicks.eventTimesMs, (time) => String(time));
    const incrCpu: number[] = [];
    const rateCpu: number[] = [];
    const incr = await context.measure('Redis: pipelined INCR per click (per link)', 'events/s', 'higher', async () => {
      const result = await redisRun(server, client, clicks, count, (pipeline, index) => void pipeline.incr(incrKeys[index]!), (value) => Number(value));
      incrCpu.push(result.cpuUsPerEvent);
      if (!(result.check >= 1)) throw new Error('Redis INCR returned no counts');
      return result.eventsPerS;
    });
    const rate = await context.measure('Redis: Lua sliding-window rate check per click (per address, 10 s)', 'events/s', 'higher', async () => {
      const result = await redisRun(server, client, clicks, count, (pipeline, index) => void pipeline.evalsha(sha, 1, rateKeys[index]!, times[index]!, rateWindowMs, members[index]!), (value) => Number(value));
      rateCpu.push(result.cpuUsPerEvent);
      if (!(result.check >= 2)) throw new Error('the Redis rate check never counted two clicks of one address');
      return result.eventsPerS;
    });
    const incrPerCpu = context.record({ case: 'Redis INCR: events per CPU-second, client + server', unit: 'events/s', runs: incrCpu.map((us) => 1e6 / us), better: 'higher' });
    const ratePerCpu = context.record({ case: 'Redis rate check: events per CPU-second, client + server', unit: 'events/s', runs: rateCpu.map((us) => 1e6 / us), better: 'higher' });
    return { incr, rate, incrPerCpu, ratePerCpu };
  } finally {
    client.disconnect();
    await server.stop();
  }
}

/** The throughput runs (both commit modes), their time split, Redis side by side, ratios and targets. */
async function throughputFigures(context: BenchContext, folder: string): Promise<void> {
  const count = Math.max(generatedBatch, Math.round(1_000_000 * context.scale));
  context.progress(`generating ${count} clicks (50,000/s of event time, 20,000 links, 500,000 visitors) and filling a ${partitions}-partition log`);
  const clicks = generateClicks(count, Date.UTC(2026, 5, 1, 12), 50_000);
  const logDir = join(folder, 'log');
  await fillLog(logDir, clicks, createSystemClock());
  const splits: TimeSplit[] = [];
  const walls: number[] = [];
  const cpuRates: number[] = [];
  const inline = await context.measure('speed job, commits on the job\'s thread: wall', 'events/s', 'higher', async (run) => {
    const result = await speedRun(logDir, folder, run, count, false);
    context.progress(`commits on the job's thread, run ${run + 1}: ${result.checkpoints} checkpoints, ${Math.round(result.eventsPerCpuS).toLocaleString('en-US')} events per CPU-second`);
    return result.eventsPerS;
  });
  const speed = await context.measure('speed job (fraud + counters), log → SQLite, one thread + commit thread: wall', 'events/s', 'higher', async (run) => {
    const result = await speedRun(logDir, folder, run, count, true);
    splits.push(result.split);
    walls.push(result.wallMs);
    cpuRates.push(result.eventsPerCpuS);
    context.progress(`run ${run + 1}: ${result.checkpoints} checkpoints, ${Math.round(result.eventsPerCpuS).toLocaleString('en-US')} events per CPU-second`);
    return result.eventsPerS;
  });
  const perCore = context.record({ case: 'speed job: events per CPU-second of the process (per core)', unit: 'events/s', runs: cpuRates, better: 'higher' });
  recordSplit(context, splits, walls, count);
  context.ratio('commit thread / commits on the job\'s thread (wall)', speed, inline);
  const redis = await redisFigures(context, clicks, count);
  const incrRatio = context.ratio('speed job / Redis INCR', speed, redis.incr);
  const rateRatio = context.ratio('speed job / Redis Lua rate check', speed, redis.rate);
  // Redis runs on two processes (client and server); per CPU-second is the per-core comparison.
  context.ratio('per CPU-second: speed job / Redis INCR (client + server)', perCore, redis.incrPerCpu);
  context.ratio('per CPU-second: speed job / Redis rate check (client + server)', perCore, redis.ratePerCpu);
  context.target('at least 1,000,000 events/s per core (fraud + counters from the log)', perCore.median >= 1_000_000 && speed.median >= 1_000_000, `${Math.round(speed.median).toLocaleString('en-US')} events/s wall, ${Math.round(perCore.median).toLocaleString('en-US')} per CPU-second`);
  context.target('at least 5x the Redis counters (pipelined INCR), same run', incrRatio >= 5, `${incrRatio.toFixed(2)}x`);
  context.target('at least 10x the Redis rate check (Lua), same run', rateRatio >= 10, `${rateRatio.toFixed(2)}x`);
}

const benchmark: Benchmark = {
  name: 'speed',
  description: 'speed job (fraud + counters) from a segmented log into SQLite (commit thread), against Redis INCR and a Lua rate check; append → verdict / commit latency at 50,000 and 10,000 clicks/s',
  async run(context) {
    const folder = await mkdtemp(join(tmpdir(), 'clickflow-bench-speed-'));
    try {
      await throughputFigures(context, folder);
      // The million generated clicks are out of scope from here: the latency runs below are not
      // measured beside a heap of hundreds of MB that only the throughput runs needed.
      // The article's load, then a rate the job sustains on a loaded machine: the first shows
      // whether it keeps up, the second the latency of the path itself. The appender shares the
      // job's thread (as a busy core would), so a job behind its input delays appends too.
      for (const ratePerS of [50_000, 10_000]) {
        const label = `${ratePerS.toLocaleString('en-US')} clicks/s`;
        const figures = { liveP50: [] as number[], liveP99: [] as number[], commitP50: [] as number[], commitP99: [] as number[], achieved: [] as number[] };
        for (let run = 0; run < context.runs; run++) {
          const latency = await measureLatency(join(folder, `latency-${ratePerS}-${run}`), Math.max(2, 10 * context.scale), ratePerS);
          figures.liveP50.push(percentile(latency.liveMs, 0.5));
          figures.liveP99.push(percentile(latency.liveMs, 0.99));
          figures.commitP50.push(percentile(latency.commitMs, 0.5));
          figures.commitP99.push(percentile(latency.commitMs, 0.99));
          figures.achieved.push(latency.achievedPerS);
          context.progress(`latency run ${run + 1}: ${latency.appended} clicks at ${Math.round(latency.achievedPerS).toLocaleString('en-US')}/s, seen p99 ${figures.liveP99.at(-1)!.toFixed(1)} ms, committed p99 ${figures.commitP99.at(-1)!.toFixed(0)} ms`);
        }
        const seen = 'append ack → seen by the speed job (verdict in force)';
        const committed = 'append ack → checkpoint committed (counters visible)';
        context.record({ case: `at ${label}, p50: ${seen}`, unit: 'ms', runs: figures.liveP50, better: 'lower' });
        const liveP99 = context.record({ case: `at ${label}, p99: ${seen}`, unit: 'ms', runs: figures.liveP99, better: 'lower' });
        context.record({ case: `at ${label}, p50: ${committed}`, unit: 'ms', runs: figures.commitP50, better: 'lower' });
        const commitP99 = context.record({ case: `at ${label}, p99: ${committed}`, unit: 'ms', runs: figures.commitP99, better: 'lower' });
        context.record({ case: `at ${label}: appends achieved`, unit: 'clicks/s', runs: figures.achieved, better: 'higher' });
        context.target(`verdict path at ${label}: ack → seen, p99 under 10 ms`, liveP99.median < 10, `${liveP99.median.toFixed(1)} ms (median of runs)`);
        context.target(`counter path at ${label}: ack → committed, p99 under 250 ms`, commitP99.median < 250, `${commitP99.median.toFixed(1)} ms (median of runs)`);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
};

export default benchmark;
