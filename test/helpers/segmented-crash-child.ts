// The crash test's writer, run as a child process and killed with SIGKILL at a random moment.
// It starts early and waits for a line on stdin (so its startup overlaps the previous round's
// checks), then opens the log. It first retries the batches named in its retry file (idempotent
// appends across a crash), then appends new batches from several concurrent workers across
// partitions, some with idempotency keys. Each line on stdout is `send <json>` before an append
// or `ack <json>` after it resolves.
// Exempt from the injected-clock rule: it is a test driver.
import fs from 'node:fs';
import { createLogger, createSystemClock } from '../../src/core/index.js';
import { createSegmentedLog } from '../../src/log/index.js';
import { crashLogOptions, crashRecords, type CrashBatch } from './segmented-crash-records.js';

const [dir, roundText, retryFile] = process.argv.slice(2);
if (!dir || !roundText || !retryFile) throw new Error('usage: segmented-crash-child.ts <dir> <round> <retry-file>');
const round = Number(roundText);
const workers = 4;

function say(kind: 'send' | 'ack' | 'ready', fields: object = {}): void {
  // A pipe on stdout is written synchronously on Linux: a printed ack is an ack the parent sees.
  process.stdout.write(`${kind} ${JSON.stringify(fields)}\n`);
}

await new Promise((resolve) => process.stdin.once('data', resolve));
// Every third round says it is ready before opening the log, so that kills land in recovery too.
const readyEarly = round % 3 === 1;
if (readyEarly) say('ready');
const log = await createSegmentedLog({ clock: createSystemClock(), logger: createLogger({ level: 'warn' }) }, crashLogOptions(dir));
// Keeps the process alive between appends whatever the log's timers do.
const keepAlive = setInterval(() => undefined, 1_000);

async function append(batch: CrashBatch): Promise<void> {
  say('send', batch);
  const result = await log.append(batch.partition, crashRecords(batch), batch.key ? { idempotencyKey: batch.key } : undefined);
  say('ack', { id: batch.id, partition: result.partition, first: result.offsets[0], count: result.offsets.length, duplicate: result.duplicate });
}

function nextBatch(worker: number, sequence: number): CrashBatch {
  const id = `${round}.${worker}.${sequence}`;
  // Mostly small batches, now and then a large one so that a kill can land inside a long write.
  const count = Math.random() < 0.08 ? 300 + Math.floor(Math.random() * 1_200) : 1 + Math.floor(Math.random() * 40);
  return { id, partition: Math.floor(Math.random() * 4), count, key: sequence % 3 === 0 ? `key.${id}` : undefined };
}

const retries = JSON.parse(fs.readFileSync(retryFile, 'utf8')) as CrashBatch[];
if (!readyEarly) say('ready');
await Promise.all(retries.map(append));
await Promise.all(
  Array.from({ length: workers }, async (_, worker) => {
    for (let sequence = 0; ; sequence++) await append(nextBatch(worker, sequence));
  }),
);
clearInterval(keepAlive);
