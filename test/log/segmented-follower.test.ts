// Proves that a read-only follower shows exactly the acknowledged records of a log another
// process writes: every one once and in order, across segment rolls, retention, and writer
// SIGKILLs and restarts (never a record that recovery later cut), never a torn tail or a damaged
// record; that it wakes within milliseconds of a commit; and that it refuses writes.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock, crc32c } from '../../src/core/index.js';
import { createSegmentedLog, type EventLog, type LogError } from '../../src/log/index.js';
import { createCaptureLogger } from '../helpers/capture-logger.js';
import { startChild, type ChildLines } from '../helpers/child-lines.js';
import { followLogOptions, followRecord, parseFollowRecord, preciseNowMs } from '../helpers/segmented-follow-records.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const followerScript = fileURLToPath(new URL('../helpers/segmented-follower-child.ts', import.meta.url));
const writerScript = fileURLToPath(new URL('../helpers/segmented-writer-child.ts', import.meta.url));
const deps = () => ({ clock: createSystemClock(), logger: createSilentLogger() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const records = (partition: number, first: number, count: number, round = 0) =>
  Array.from({ length: count }, (_, i) => followRecord(partition, first + i, round));
const roundsOf = (batch: { records: readonly { value: Uint8Array }[] }) => batch.records.map((record) => parseFollowRecord(record.value)?.round);

let temp: TempDir;
const children: ChildLines[] = [];
beforeEach(async () => {
  temp = await makeTempDir('clickflow-follower-');
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await temp.remove();
});

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** Appends to every partition, paced, for `durationMs`; retention runs while the follower keeps up. */
async function appendPaced(writer: EventLog, seen: readonly number[], durationMs: number) {
  const next = seen.map(() => 0);
  const acks: { partition: number; last: number; ackMs: number }[] = [];
  let removedUnits = 0;
  const deadline = preciseNowMs() + durationMs;
  await Promise.all(
    next.map(async (_, partition) => {
      for (let appends = 1; preciseNowMs() < deadline; appends++) {
        const count = 1 + Math.floor(Math.random() * 8);
        const result = await writer.append(partition, records(partition, next[partition]!, count));
        acks.push({ partition, last: next[partition]! + count - 1, ackMs: preciseNowMs() });
        expect(result.offsets[0]).toBe(next[partition]);
        next[partition]! += count;
        // Retention keeps about 32 KiB per partition at least: run it only while the follower is
        // fewer than 100 records behind, so that it never removes what the follower has yet to read.
        if (partition === 0 && appends % 25 === 0 && next.every((end, p) => end - seen[p]! < 100)) {
          removedUnits += (await writer.applyRetention()).removedUnits;
        }
        await sleep(2 + Math.random() * 3);
      }
    }),
  );
  return { next, acks, removedUnits };
}

describe('segmented log follower in another process', () => {
  it('reads every acknowledged record once, in order, across rolls and retention, woken within milliseconds', async () => {
    const dir = path.join(temp.path, 'log');
    const writer = await createSegmentedLog(deps(), { ...followLogOptions(dir), retentionBytes: 48 * 1024 });
    const follower = startChild(followerScript, [dir]);
    children.push(follower);
    await follower.line(/^ready/);
    const seen = [0, 0, 0];
    const receivedAt: { first: number; count: number; atMs: number }[][] = [[], [], []];
    follower.onLine((line) => {
      const batch = /^batch (\d+) (\d+) (\d+) ([\d.]+)$/.exec(line);
      if (!batch) return;
      const [partition, first, count, atMs] = batch.slice(1).map(Number) as [number, number, number, number];
      expect(first, `partition ${partition}`).toBe(seen[partition]);
      seen[partition]! += count;
      receivedAt[partition]!.push({ first, count, atMs });
    });

    const { next, acks, removedUnits: removedWhileAppending } = await appendPaced(writer, seen, 3_000);
    // Once the follower has caught up, retention can run whatever the pace was on a loaded machine.
    for (let waited = 0; seen.some((end, partition) => end < next[partition]!) && waited < 20_000; waited += 10) await sleep(10);
    const removedUnits = removedWhileAppending + (await writer.applyRetention()).removedUnits;
    follower.child.stdin.write(`stop ${JSON.stringify(next)}\n`);
    const last = await follower.line(/^(done|error) /);
    expect(last, follower.stderr()).toMatch(/^done /);
    const done = JSON.parse(last.slice('done '.length)) as Record<string, unknown>;
    expect(done).toEqual({ startOffsets: expect.any(Array), endOffsets: next, readRemoved: 'offset_out_of_range', append: 'log_read_only' });
    expect(seen).toEqual(next);
    expect(removedUnits).toBeGreaterThan(0);
    expect((done.startOffsets as number[]).every((start) => start > 0)).toBe(true);
    expect(done.startOffsets).toEqual(await writer.startOffsets());
    await writer.close();

    // Wake-up latency: from the writer seeing its append acknowledged to the follower's read
    // returning it (negative when the follower was first: it sees a commit before the ack resolves).
    const latencies = acks
      .map((ack) => {
        const batch = receivedAt[ack.partition]!.find((received) => ack.last < received.first + received.count)!;
        return batch.atMs - ack.ackMs;
      })
      .sort((a, b) => a - b);
    const summary = `p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms`;
    console.info(`follower wake-up latency over ${latencies.length} appends: ${summary}; ${removedUnits} segments removed by retention meanwhile`);
    // Sanity bounds, not the target (a few milliseconds). The median shows the inotify wake-up at
    // work (polling alone gives about 12 ms); the tail depends on the machine: on the shared 2-core
    // VM, p99 stayed under 25 ms at load averages of 3 to 5 and reached 380 ms at 11 while swapping.
    expect(percentile(latencies, 0.5)).toBeLessThan(10);
    expect(percentile(latencies, 0.99)).toBeLessThan(1_000);
  }, 60_000);
});

interface Ack {
  partition: number;
  first: number;
  count: number;
  round: number;
}

/** Reads every partition from 0 as records come, keeping the round of each record shown, until `stop` says where to end. */
function followInProcess(log: EventLog) {
  const shown: number[][] = Array.from({ length: log.partitions }, () => []);
  let stopAt: number[] | undefined;
  const loops = shown.map(async (rounds, partition) => {
    while (stopAt === undefined || rounds.length < stopAt[partition]!) {
      const batch = await log.read(partition, rounds.length, { waitMs: 50, maxRecords: 1_000 });
      for (const record of batch.records) {
        const name = parseFollowRecord(record.value);
        // Plain checks: this loop sees every record.
        if (record.offset !== rounds.length || name?.partition !== partition || name.offset !== record.offset) {
          throw new Error(`partition ${partition}: offset ${record.offset} (due ${rounds.length}) holds ${JSON.stringify(name)}`);
        }
        rounds.push(name.round);
      }
    }
  });
  return {
    shown,
    finish(ends: number[]) {
      stopAt = ends;
      return Promise.all(loops);
    },
  };
}

/** Starts a writer that waits for `go`; collects its acknowledgments. */
function prepareWriter(dir: string, round: number, acks: Ack[]): ChildLines {
  const writer = startChild(writerScript, [dir, 'append', String(round)]);
  children.push(writer);
  writer.onLine((line) => {
    const ack = /^ack (\d+) (\d+) (\d+)$/.exec(line);
    if (ack) acks.push({ partition: Number(ack[1]), first: Number(ack[2]), count: Number(ack[3]), round });
  });
  return writer;
}

describe('segmented log follower across writer crashes', () => {
  it('never shows a record twice nor one that recovery later cut, across SIGKILLs and restarts', async () => {
    const dir = path.join(temp.path, 'log');
    const rounds = 8;
    const acks: Ack[] = [];
    let takeovers = 0;
    let cuts = 0;
    let writer = prepareWriter(dir, 0, acks);
    writer.child.stdin.write('go\n');
    await writer.line(/^ready/);
    const follower = await createSegmentedLog(deps(), { ...followLogOptions(dir), readOnly: true });
    const following = followInProcess(follower);
    for (let round = 0; round < rounds; round++) {
      // The next writer starts up (tsx) while this one runs; it opens the log only once told.
      const upcoming = round + 1 < rounds ? prepareWriter(dir, round + 1, acks) : undefined;
      if (round > 0) writer.child.stdin.write('go\n');
      // Most kills land while appending, some while the writer opens (and recovers) the log.
      if (round % 3 === 2) await sleep(Math.random() * 60);
      else await writer.line(/^ready/).then(() => sleep(30 + Math.random() * 200));
      writer.kill();
      await writer.exited;
      if (upcoming) {
        // What the next writer logs about the crashed one: it runs until the next round's kill.
        void upcoming.exited.then(() => {
          if (/taking over a stale writer lock/.test(upcoming.stderr())) takeovers++;
          if (/cutting the damaged or unfinished tail/.test(upcoming.stderr())) cuts++;
        });
        writer = upcoming;
      }
    }
    // The last writer opens here: it takes over the lock, recovers, and publishes what it kept.
    const capture = createCaptureLogger();
    const final = await createSegmentedLog({ clock: createSystemClock(), logger: capture.logger }, followLogOptions(dir));
    if (capture.warnings().some((line) => /taking over a stale writer lock/.test(line.msg))) takeovers++;
    if (capture.warnings().some((line) => /cutting the damaged or unfinished tail/.test(line.msg))) cuts++;
    const ends = await final.endOffsets();
    await following.finish(ends);

    let unacknowledgedShown = 0;
    for (let partition = 0; partition < ends.length; partition++) {
      const stored: number[] = [];
      for (let offset = 0; offset < ends[partition]!; ) {
        const batch = await final.read(partition, offset, { maxRecords: 5_000 });
        stored.push(...roundsOf(batch).map((round) => round!));
        offset = batch.nextOffset;
      }
      // Everything the follower showed is still there, written by the same writer round.
      expect(following.shown[partition]).toEqual(stored);
      const acknowledged = new Array<boolean>(stored.length).fill(false);
      for (const ack of acks.filter((entry) => entry.partition === partition)) {
        for (let i = 0; i < ack.count; i++) {
          if (stored[ack.first + i] !== ack.round) throw new Error(`acknowledged record ${partition}/${ack.first + i} of round ${ack.round} holds round ${stored[ack.first + i]}`);
          acknowledged[ack.first + i] = true;
        }
      }
      unacknowledgedShown += acknowledged.filter((flag) => !flag).length;
    }
    await final.close();
    await follower.close();
    expect(acks.length).toBeGreaterThan(rounds);
    expect(takeovers).toBeGreaterThan(0);
    console.info(
      `follower across ${rounds} writer kills: ${ends.reduce((sum, end) => sum + end, 0)} records shown, ${acks.length} appends acknowledged, ` +
        `${unacknowledgedShown} records shown whose append was cut off before its ack (whole commits, kept by recovery), ` +
        `${takeovers} stale locks taken over, ${cuts} recoveries that cut a torn tail`,
    );
  }, 90_000);
});

/** A frame as docs/log-segmented.md describes it: length word, CRC-32C of the word and body, body. */
function frame(body: Uint8Array, meta = false): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE((body.length | (meta ? 0x8000_0000 : 0)) >>> 0, 0);
  header.writeUInt32LE(crc32c(Buffer.concat([header.subarray(0, 4), body])), 4);
  return Buffer.concat([header, body]);
}

function commitFrame(timeMs: number): Buffer {
  const body = Buffer.alloc(9);
  body.writeUInt8(1, 0);
  body.writeDoubleLE(timeMs, 1);
  return frame(body, true);
}

describe('segmented log follower on disk states', () => {
  const firstSegment = (dir: string, partition: number) => path.join(dir, `partition-000${partition}`, '00000000000000000000.log');

  it('shows nothing of a tail the writer has not published, torn or whole, and follows the recovery that settles it', async () => {
    const dir = path.join(temp.path, 'log');
    let writer = await createSegmentedLog(deps(), followLogOptions(dir));
    await writer.append(0, records(0, 0, 10));
    await writer.close();
    const follower = await createSegmentedLog(deps(), { ...followLogOptions(dir), readOnly: true });
    // What a writer killed mid-commit leaves: a whole commit it never published, then a torn one.
    const whole = Buffer.concat([...records(0, 10, 2, 9).map((record) => frame(record)), commitFrame(Date.now())]);
    const torn = Buffer.concat([frame(records(0, 12, 1, 9)[0]!), frame(records(0, 13, 1, 9)[0]!).subarray(0, 20)]);
    await fs.appendFile(firstSegment(dir, 0), Buffer.concat([whole, torn]));
    const late = await createSegmentedLog(deps(), { ...followLogOptions(dir), readOnly: true });
    for (const log of [follower, late]) {
      expect((await log.endOffsets())[0]).toBe(10);
      expect(await log.read(0, 10, { waitMs: 60 })).toEqual({ partition: 0, records: [], nextOffset: 10 });
      expect(roundsOf(await log.read(0, 0))).toEqual(new Array(10).fill(0));
    }

    const capture = createCaptureLogger();
    writer = await createSegmentedLog({ clock: createSystemClock(), logger: capture.logger }, followLogOptions(dir));
    expect(capture.warnings().some((line) => /cutting/.test(line.msg))).toBe(true);
    await writer.append(0, records(0, 12, 3, 1));
    for (const log of [follower, late]) {
      const batch = await log.read(0, 10, { waitMs: 1_000 });
      expect(batch.records.map((record) => record.offset)).toEqual([10, 11, 12, 13, 14]);
      expect(roundsOf(batch)).toEqual([9, 9, 1, 1, 1]);
    }
    await Promise.all([writer.close(), follower.close(), late.close()]);
  });

  it('waits, without failing, on a first committed end that is ahead of the data, until the writer recovers', async () => {
    // What a power cut under fsync: interval can leave: the committed end reached the disk, the data did not.
    const dir = path.join(temp.path, 'log');
    let writer = await createSegmentedLog(deps(), { ...followLogOptions(dir), fsync: 'interval' });
    await writer.append(0, records(0, 0, 10));
    await writer.append(0, records(0, 10, 10));
    await writer.close();
    await fs.truncate(firstSegment(dir, 0), (await fs.stat(firstSegment(dir, 0))).size - 30);
    const capture = createCaptureLogger();
    const follower = await createSegmentedLog({ clock: createSystemClock(), logger: capture.logger }, { ...followLogOptions(dir), readOnly: true });
    expect(await follower.endOffsets()).toEqual([0, 0, 0]);
    expect(await follower.read(0, 0, { waitMs: 60 })).toEqual({ partition: 0, records: [], nextOffset: 0 });
    expect(capture.warnings().filter((line) => /does not check out/.test(line.msg))).toHaveLength(1);
    writer = await createSegmentedLog(deps(), followLogOptions(dir));
    expect(roundsOf(await follower.read(0, 0, { waitMs: 1_000 }))).toEqual(new Array(10).fill(0));
    await Promise.all([writer.close(), follower.close()]);
  });

  it('never returns a damaged record: reads stop before it with a typed error', async () => {
    const dir = path.join(temp.path, 'log');
    const writer = await createSegmentedLog(deps(), followLogOptions(dir));
    await writer.append(0, records(0, 0, 6));
    const follower = await createSegmentedLog(deps(), { ...followLogOptions(dir), readOnly: true });
    const bytes = await fs.readFile(firstSegment(dir, 0));
    const position = bytes.indexOf('0.3.0|') + 8;
    bytes[position]! ^= 0x20;
    await fs.writeFile(firstSegment(dir, 0), bytes);
    expect((await follower.read(0, 0)).records.map((record) => record.offset)).toEqual([0, 1, 2]);
    const failure = await follower.read(0, 3).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'LogError', code: 'log_corrupt', domain: 'internal', partition: 0, offset: 3 });
    await Promise.all([writer.close(), follower.close()]);
  });

  it('fails a partition whose published end moves back, instead of showing other records at shown offsets', async () => {
    const dir = path.join(temp.path, 'log');
    const writer = await createSegmentedLog(deps(), followLogOptions(dir));
    await writer.append(1, records(1, 0, 4));
    const endFile = path.join(dir, 'partition-0001', 'committed-end');
    const earlier = await fs.readFile(endFile);
    await writer.append(1, records(1, 4, 4));
    const follower = await createSegmentedLog(deps(), { ...followLogOptions(dir), readOnly: true });
    expect((await follower.read(1, 0)).records).toHaveLength(8);
    await writer.close();
    await fs.writeFile(endFile, earlier);
    const failure = await follower.read(1, 8, { waitMs: 50 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'log_follower_diverged', domain: 'internal', partition: 1 });
    expect((failure as Error).message).toMatch(/moved back.*reopen the follower/);
    // Other partitions carry on.
    expect(await follower.read(0, 0)).toEqual({ partition: 0, records: [], nextOffset: 0 });
    await follower.close();
  });

  it('wakes a waiting read by polling alone when inotify is off', async () => {
    const dir = path.join(temp.path, 'log');
    const writer = await createSegmentedLog(deps(), followLogOptions(dir));
    const follower = await createSegmentedLog(deps(), { ...followLogOptions(dir), readOnly: true, followWatch: false, followPollIntervalMs: 5 });
    const started = performance.now();
    const waiting = follower.read(2, 0, { waitMs: 5_000 });
    await sleep(30);
    await writer.append(2, records(2, 0, 3));
    const acknowledged = performance.now();
    expect((await waiting).records).toHaveLength(3);
    expect(performance.now() - acknowledged).toBeLessThan(1_000);
    expect(acknowledged - started).toBeGreaterThanOrEqual(25);
    await Promise.all([writer.close(), follower.close()]);
  });
});

describe('segmented log follower calls', () => {
  it('refuses to create a log: a folder without one is log_not_found', async () => {
    for (const dir of [temp.path, path.join(temp.path, 'missing')]) {
      const failure = await createSegmentedLog(deps(), { dir, readOnly: true }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'LogError', code: 'log_not_found', domain: 'user', retryable: true });
      expect((failure as Error).message).toMatch(/open the writer on this folder first/);
    }
    expect(await fs.readdir(temp.path)).toEqual([]);
  });

  it('takes the partition count from the log, refuses another, and refuses writes', async () => {
    const dir = path.join(temp.path, 'log');
    const writer = await createSegmentedLog(deps(), followLogOptions(dir));
    await writer.append(0, records(0, 0, 2));
    const follower = await createSegmentedLog(deps(), { dir, readOnly: true });
    expect(follower.partitions).toBe(3);
    const mismatch = await createSegmentedLog(deps(), { dir, readOnly: true, partitions: 4 }).catch((error: unknown) => error);
    expect(mismatch).toMatchObject({ code: 'log_partitions_mismatch', domain: 'user' });
    for (const refused of [follower.append(0, records(0, 2, 1)), follower.applyRetention()]) {
      const failure = (await refused.catch((error: unknown) => error)) as LogError;
      expect(failure).toMatchObject({ name: 'LogError', code: 'log_read_only', domain: 'user' });
      expect(failure.message).toMatch(/read-only follower.*writer\.lock/);
    }
    expect(await follower.stats()).toEqual(await writer.stats());
    await Promise.all([writer.close(), follower.close()]);
    await expect(follower.read(0, 0)).rejects.toMatchObject({ code: 'log_closed' });
  });

  it('commits consumer offsets from followers and the writer, each commit whole', async () => {
    const dir = path.join(temp.path, 'log');
    const writer = await createSegmentedLog(deps(), followLogOptions(dir));
    const followers = await Promise.all([0, 1].map(() => createSegmentedLog(deps(), { dir, readOnly: true })));
    await followers[0]!.commitConsumerOffsets('counters', new Map([[0, 5]]));
    expect(await writer.consumerOffsets('counters')).toEqual(new Map([[0, 5]]));
    await writer.commitConsumerOffsets('fraud', new Map([[1, 7]]));
    expect(await followers[1]!.consumerOffsets('fraud')).toEqual(new Map([[1, 7]]));
    // Racing commits of one consumer from two log objects: the last rename wins, whole.
    await Promise.all(
      followers.flatMap((follower, index) =>
        Array.from({ length: 20 }, (_, i) => follower.commitConsumerOffsets('shared', new Map([[index, i], [2, index * 100 + i]]))),
      ),
    );
    const shared = await writer.consumerOffsets('shared');
    expect(shared.size).toBe(2);
    const index = shared.has(0) ? 0 : 1;
    expect(shared.get(2)).toBe(index * 100 + shared.get(index)!);
    expect((await fs.readdir(path.join(dir, 'consumers'))).filter((name) => name.includes('.tmp-'))).toEqual([]);
    await Promise.all([writer.close(), ...followers.map((follower) => follower.close())]);
  });
});
