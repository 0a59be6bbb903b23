// Proves that damage on disk is found and handled: a torn, flipped or garbage tail after the
// checkpoint is cut at the first bad frame with a warning and nothing before it lost; a flipped
// byte before the checkpoint is refused on read with a typed error; missing or damaged index and
// checkpoint files are rebuilt or fall back to a full scan.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../src/core/index.js';
import { LogError, createSegmentedLog, type EventLog, type SegmentedLogOptions } from '../../src/log/index.js';
import { createCaptureLogger, type CaptureLogger } from '../helpers/capture-logger.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const batch = (name: string, count = 10) => Array.from({ length: count }, (_, i) => encoder.encode(`${name}-${i}-${'v'.repeat(40)}`));
const names = (name: string, count = 10) => batch(name, count).map((record) => decoder.decode(record));

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('clickflow-damage-');
});
afterEach(async () => {
  await temp.remove();
});

async function open(dir: string, capture = createCaptureLogger(), options: Partial<SegmentedLogOptions> = {}): Promise<EventLog> {
  // Checkpoints only on open and close, so the test knows where the trusted prefix ends.
  return createSegmentedLog(
    { clock: createSystemClock(), logger: capture.logger },
    { dir, partitions: 1, segmentBytes: 64 * 1024, indexIntervalBytes: 512, checkpointIntervalMs: 3_600_000, groupCommitIntervalMs: 0, ...options },
  );
}

async function readAll(log: EventLog, from = 0): Promise<string[]> {
  const out: string[] = [];
  const end = (await log.endOffsets())[0]!;
  for (let offset = from; offset < end; ) {
    const result = await log.read(0, offset, { maxRecords: 7 });
    out.push(...result.records.map((record) => decoder.decode(record.value)));
    offset = result.nextOffset;
  }
  return out;
}

/**
 * Batches a1..a3 are before the checkpoint (written, then a clean close); b1..b3 after it. The
 * folder is copied while the log is open, as a crash would leave it. Returns the copy's segment.
 */
async function crashedFolder(): Promise<{ dir: string; segment: string; checkpointPosition: number }> {
  const original = path.join(temp.path, 'original');
  let log = await open(original);
  for (const name of ['a1', 'a2', 'a3']) await log.append(0, batch(name));
  await log.close();
  const checkpointPosition = (await fs.stat(path.join(original, 'partition-0000', '00000000000000000000.log'))).size;
  log = await open(original);
  for (const name of ['b1', 'b2', 'b3']) await log.append(0, batch(name));
  const dir = path.join(temp.path, 'crashed');
  await fs.cp(original, dir, { recursive: true });
  await log.close();
  return { dir, segment: path.join(dir, 'partition-0000', '00000000000000000000.log'), checkpointPosition };
}

async function flipByte(file: string, position: number): Promise<void> {
  const bytes = await fs.readFile(file);
  bytes[position]! ^= 0x20;
  await fs.writeFile(file, bytes);
}

/** Position of the first occurrence of `text` in the file, i.e. inside that record's body. */
async function positionOf(file: string, text: string): Promise<number> {
  const position = (await fs.readFile(file)).indexOf(text);
  expect(position).toBeGreaterThan(0);
  return position;
}

function expectCutWarning(capture: CaptureLogger, reason: RegExp): void {
  const cut = capture.warnings().find((line) => /cutting/.test(line.msg));
  expect(cut, JSON.stringify(capture.lines)).toBeDefined();
  expect(cut).toMatchObject({ partition: 0, segment: 0 });
  expect(cut!.position).toEqual(expect.any(Number));
  expect(String(cut!.reason)).toMatch(reason);
}

const allA = [...names('a1'), ...names('a2'), ...names('a3')];

describe('segmented log damage after the checkpoint', () => {
  it('cuts a segment truncated mid-frame back to the last whole commit', async () => {
    const { dir, segment } = await crashedFolder();
    const size = (await fs.stat(segment)).size;
    await fs.truncate(segment, size - 30);
    const capture = createCaptureLogger();
    const log = await open(dir, capture);
    expect(await readAll(log)).toEqual([...allA, ...names('b1'), ...names('b2')]);
    expectCutWarning(capture, /incomplete|bad-length/);
    await log.append(0, batch('c1'));
    expect((await readAll(log)).slice(-10)).toEqual(names('c1'));
    await log.close();
  });

  it('cuts at a frame whose record has a flipped byte, keeping everything before it', async () => {
    const { dir, segment } = await crashedFolder();
    await flipByte(segment, (await positionOf(segment, 'b2-4-')) + 5);
    const capture = createCaptureLogger();
    const log = await open(dir, capture);
    expect(await readAll(log)).toEqual([...allA, ...names('b1')]);
    expectCutWarning(capture, /bad-checksum/);
    await log.close();
  });

  it('cuts garbage appended to the end and keeps every record', async () => {
    const { dir, segment } = await crashedFolder();
    const size = (await fs.stat(segment)).size;
    await fs.appendFile(segment, Buffer.from('garbage that is not a frame, and some zeros\0\0\0\0\0\0\0\0\0\0'));
    const capture = createCaptureLogger();
    const log = await open(dir, capture);
    expect(await readAll(log)).toEqual([...allA, ...names('b1'), ...names('b2'), ...names('b3')]);
    expectCutWarning(capture, /bad-length|bad-checksum|incomplete/);
    expect((await fs.stat(segment)).size).toBe(size);
    await log.close();
  });
});

describe('segmented log damage before the checkpoint', () => {
  it('refuses to return a damaged record: reads stop there with a typed error', async () => {
    const { dir, segment, checkpointPosition } = await crashedFolder();
    const position = (await positionOf(segment, 'a2-3-')) + 6;
    expect(position).toBeLessThan(checkpointPosition);
    await flipByte(segment, position);
    const capture = createCaptureLogger();
    const log = await open(dir, capture);
    expect(capture.warnings()).toEqual([]);
    const first = await log.read(0, 0, { maxRecords: 100 });
    expect(first.records.map((record) => decoder.decode(record.value))).toEqual([...names('a1'), ...names('a2').slice(0, 3)]);
    const failure = await log.read(0, first.nextOffset).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogError);
    expect(failure).toMatchObject({ code: 'log_corrupt', domain: 'internal', partition: 0, offset: 13 });
    // Records after the damaged one stay readable from their own offsets.
    expect(decoder.decode((await log.read(0, 25, { maxRecords: 1 })).records[0]!.value)).toBe(names('a3')[5]);
    await log.close();
  });

  it('falls back to a full scan when the checkpoint is damaged, and finds old damage then', async () => {
    const { dir, segment } = await crashedFolder();
    await flipByte(path.join(dir, 'partition-0000', 'checkpoint'), 17);
    await flipByte(segment, (await positionOf(segment, 'a3-0-')) + 6);
    const capture = createCaptureLogger();
    const log = await open(dir, capture);
    expect(capture.warnings().some((line) => /checkpoint damaged/.test(String(line.reason)))).toBe(true);
    expectCutWarning(capture, /bad-checksum/);
    expect(await readAll(log)).toEqual([...names('a1'), ...names('a2')]);
    await log.close();
  });
});

describe('segmented log index files', () => {
  async function manySegments(): Promise<{ dir: string; expected: string[] }> {
    const dir = path.join(temp.path, 'many');
    const log = await open(dir, createCaptureLogger(), { segmentBytes: 4096 });
    const expected: string[] = [];
    for (let i = 0; i < 12; i++) {
      await log.append(0, batch(`s${i}`, 40));
      expected.push(...names(`s${i}`, 40));
    }
    await log.close();
    return { dir, expected };
  }

  async function indexFiles(dir: string): Promise<string[]> {
    const folder = path.join(dir, 'partition-0000');
    return (await fs.readdir(folder)).filter((name) => name.endsWith('.index')).sort().map((name) => path.join(folder, name));
  }

  it('rebuilds a missing or damaged sealed index and an active index, and reads the same records', async () => {
    const { dir, expected } = await manySegments();
    const indexes = await indexFiles(dir);
    expect(indexes.length).toBeGreaterThan(3);
    await fs.rm(indexes[0]!);
    await flipByte(indexes[1]!, 12);
    await fs.rm(indexes.at(-1)!);
    const capture = createCaptureLogger();
    const log = await open(dir, capture, { segmentBytes: 4096 });
    const rebuilt = capture.warnings().filter((line) => /rebuilding the index/.test(line.msg));
    expect(rebuilt.map((line) => line.reason)).toEqual(['missing', 'damaged or stale']);
    expect(capture.warnings().some((line) => /index file missing or damaged/.test(String(line.reason)))).toBe(true);
    expect(await readAll(log)).toEqual(expected);
    expect(await readAll(log, 257)).toEqual(expected.slice(257));
    await log.close();
    expect(await indexFiles(dir)).toEqual(indexes);

    const quiet = createCaptureLogger();
    const again = await open(dir, quiet, { segmentBytes: 4096 });
    expect(quiet.warnings()).toEqual([]);
    expect(await readAll(again)).toEqual(expected);
    await again.close();
  });
});
