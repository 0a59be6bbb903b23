// Proves the counters are exactly once under crashes: a segmented log filled by the load generator
// (Zipf links, IPv4 and IPv6 visitors, bots, fraud bursts, out-of-order clicks) is counted by a
// worker process running the counters job, SIGKILLed at random instants over and over and
// restarted from its checkpoint; in the end every link's counters, merged over partitions, equal
// the ground truth counted from the log itself, exactly: totals, the human / bot split, every
// minute and quarter-hour bucket; and its visitor sketch has exactly the registers of the link's
// addresses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../../src/core/index.js';
import { readClickHeader, ipKey } from '../../../src/events/index.js';
import { counterViewNames, countersJobName, distinctVisitors, type MergedCounters } from '../../../src/jobs/counters/index.js';
import { createHll, hllAdd, hllMergeInto, hllRegisterCount } from '../../../src/jobs/sketch/index.js';
import { createLoadGenerator } from '../../../src/loadgen/index.js';
import { createSegmentedLog } from '../../../src/log/index.js';
import { createSqliteStore, type Store } from '../../../src/store/index.js';
import type { StreamWorkerConfig } from '../../../src/stream/index.js';
import { allViewRows, appendGeneratedClicks, committedCounters, slicesOf } from './counter-fixtures.js';
import { seededRandom, sleep, startWorker } from '../../helpers/stream-worker-child.js';

const registryModule = fileURLToPath(new URL('../../../src/jobs/counters/registry.ts', import.meta.url));
const clock = createSystemClock();
const logger = createSilentLogger();
const partitions = 4;
const clicks = 200_000;
const killRounds = 24;


/** What every link's merged counters must be, counted from the log's records one by one. */
interface LinkTruth {
  human: number;
  bot: number;
  minutes: Map<number, number>;
  quarters: Map<number, number>;
  ipKeys: Set<number>;
}

function countTruth(records: readonly Uint8Array[]): Map<string, LinkTruth> {
  const truth = new Map<string, LinkTruth>();
  for (const record of records) {
    const header = readClickHeader(record);
    let link = truth.get(header.linkId);
    if (link === undefined) truth.set(header.linkId, (link = { human: 0, bot: 0, minutes: new Map(), quarters: new Map(), ipKeys: new Set() }));
    if (header.bot) link.bot++;
    else link.human++;
    const minute = Math.floor(header.eventTimeMs / 60_000);
    const quarter = Math.floor(header.eventTimeMs / 900_000);
    link.minutes.set(minute, (link.minutes.get(minute) ?? 0) + 1);
    link.quarters.set(quarter, (link.quarters.get(quarter) ?? 0) + 1);
    link.ipKeys.add(ipKey(header.ip)!);
  }
  return truth;
}

/** The committed counters in the truth's shape, for one comparison of everything. */
function asTruthShape(merged: MergedCounters): object {
  return {
    human: merged.totals.human,
    bot: merged.totals.bot,
    suspicious: merged.totals.suspicious,
    minutes: merged.minutes.map(({ bucket, human, bot, suspicious }) => [bucket, human + bot + suspicious]),
    quarters: merged.quarters.map(({ bucket, human, bot, suspicious }) => [bucket, human + bot + suspicious]),
  };
}

function truthShape(link: LinkTruth): object {
  const sorted = (map: Map<number, number>) => [...map].sort(([a], [b]) => a - b);
  return { human: link.human, bot: link.bot, suspicious: 0, minutes: sorted(link.minutes), quarters: sorted(link.quarters) };
}

describe('counters job crash safety', () => {
  let folder = '';
  let truth = new Map<string, LinkTruth>();
  let endOffsets: number[] = [];
  let startMs = 0;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'clickflow-counters-crash-'));
    // 40 minutes of event time ending 20 minutes ago: inside every bucket window of every partition.
    startMs = Math.floor((clock.nowMs() - 60 * 60_000) / 60_000) * 60_000;
    const generator = createLoadGenerator({ seed: 7, startMs, eventsPerSecond: clicks / (40 * 60), accounts: 4, usersPerAccount: 3, links: 300, visitors: 30_000, networks: 3_000, lateShare: 0, duplicateShare: 0 });
    const log = await createSegmentedLog({ clock, logger }, { dir: join(folder, 'log'), partitions });
    await appendGeneratedClicks(log, generator, clicks);
    endOffsets = await log.endOffsets();
    // The ground truth comes from the log itself, read back record by record.
    const stored: Uint8Array[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      for (let offset = 0; offset < endOffsets[partition]!; ) {
        const read = await log.read(partition, offset, { maxRecords: 10_000 });
        stored.push(...read.records.map((record) => record.value));
        offset = read.nextOffset;
      }
    }
    expect(stored).toHaveLength(clicks);
    truth = countTruth(stored);
    await log.close();
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it(`commits exactly the ground truth after ${killRounds} SIGKILLs at random instants`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const storePath = join(folder, 'store.sqlite');
    const config: StreamWorkerConfig = {
      job: countersJobName,
      registryModule,
      partitions: [0, 1, 2, 3],
      log: { kind: 'segmented', dir: join(folder, 'log'), partitions },
      storePath,
      options: { checkpointIntervalMs: 20, readRecordsMax: 500, idleTimeoutMs: 300, readWaitMs: 50 },
      logLevel: 'warn',
    };
    const store: Store = createSqliteStore({ clock, logger }, { path: storePath });
    await store.migrate();
    const progress: number[] = [];
    try {
      for (let round = 0; round < killRounds; round++) {
        const worker = startWorker(config);
        // Most kills land while it works; some while it is still starting and restoring.
        if (random() < 0.2) await sleep(random() * 400);
        else if (await worker.started) await sleep(random() * 150);
        worker.child.kill('SIGKILL');
        const exit = await worker.exited;
        expect(exit.code === null || exit.code === 0, `round ${round} (seed ${seed}): ${worker.stderr()}`).toBe(true);
        progress.push((await store.streamCheckpoints.positions(countersJobName)).reduce((sum, position) => sum + position.nextOffset, 0));
      }
      const last = startWorker(config);
      const deadline = Date.now() + 60_000;
      const done = async () => (await store.streamCheckpoints.positions(countersJobName)).map((position) => position.nextOffset).join() === endOffsets.join();
      while (!(await done()) && Date.now() < deadline) await sleep(100);
      last.child.send({ type: 'stop' });
      expect((await last.exited).code, last.stderr()).toBe(0);

      const committed = await committedCounters(store);
      expect([...committed.keys()].sort(), `seed ${seed}`).toEqual([...truth.keys()].sort());
      for (const [linkId, link] of truth) expect(asTruthShape(committed.get(linkId)!), `${linkId} (seed ${seed})`).toEqual(truthShape(link));
      expect([...committed.values()].reduce((sum, merged) => sum + merged.totals.total, 0)).toBe(clicks);

      // Sketches: each link's union has exactly the registers of a sketch of its addresses.
      const visitorRows = await allViewRows(store, counterViewNames.visitors);
      const nowMs = clock.nowMs();
      for (const [linkId, link] of [...truth].slice(0, 40)) {
        const expected = createHll();
        for (const key of link.ipKeys) hllAdd(expected, key);
        const union = new Uint8Array(hllRegisterCount);
        for (const slice of slicesOf(visitorRows, linkId)) hllMergeInto(union, slice);
        const registers = new Uint8Array(hllRegisterCount);
        hllMergeInto(registers, expected);
        expect(union, linkId).toEqual(registers);
        const estimate = distinctVisitors(slicesOf(visitorRows, linkId), nowMs).estimate;
        expect(Math.abs(estimate - link.ipKeys.size), linkId).toBeLessThanOrEqual(Math.max(2, link.ipKeys.size * 0.05));
      }
      expect(await store.lateEvents.counts(countersJobName)).toEqual([]);
      // The kills really interrupted work in progress: progress was made across several rounds.
      const distinct = new Set(progress.filter((offset) => offset > 0 && offset < clicks));
      expect(distinct.size, `progress per round ${progress.join(', ')}`).toBeGreaterThanOrEqual(5);
    } finally {
      await store.close();
    }
  });
});
