// A follower process for the follower tests: opens the log read-only, long-polls every partition
// from offset 0 and checks each record is the one written at its offset. Prints `ready`, then
// `batch <partition> <first offset> <count> <time ms>` for each batch it gets, then, once told
// `stop <end offsets as JSON>` on stdin and past those ends, `done <json>` with what it sees of
// the log's start and of refused calls. A failure prints `error <code> <message>`.
// Exempt from the injected-clock rule: it is a test driver.
import { createLogger, createSystemClock } from '../../src/core/index.js';
import { createSegmentedLog, type EventLog, type LogError } from '../../src/log/index.js';
import { followLogOptions, parseFollowRecord, preciseNowMs } from './segmented-follow-records.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: segmented-follower-child.ts <dir>');

const say = (line: string) => process.stdout.write(`${line}\n`);
let targets: number[] | undefined;
process.stdin.on('end', () => process.exit(0));
process.stdin.on('data', (chunk: Buffer) => {
  const match = /^stop (.*)$/m.exec(chunk.toString());
  if (match) targets = JSON.parse(match[1]!) as number[];
});

async function follow(log: EventLog, partition: number): Promise<void> {
  let next = 0;
  while (targets === undefined || next < targets[partition]!) {
    const batch = await log.read(partition, next, { waitMs: 100, maxRecords: 2_000 });
    const receivedMs = preciseNowMs();
    for (const record of batch.records) {
      const name = parseFollowRecord(record.value);
      if (record.offset !== next || name?.partition !== partition || name.offset !== next) {
        throw new Error(`partition ${partition}: offset ${record.offset} (due ${next}) holds ${Buffer.from(record.value).toString('latin1', 0, 40)}`);
      }
      next++;
    }
    if (batch.records.length > 0) say(`batch ${partition} ${batch.records[0]!.offset} ${batch.records.length} ${receivedMs}`);
  }
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'none', (error: LogError) => error.code);

try {
  const log = await createSegmentedLog(
    { clock: createSystemClock(), logger: createLogger({ level: 'warn' }) },
    { ...followLogOptions(dir), readOnly: true },
  );
  say('ready');
  await Promise.all(Array.from({ length: log.partitions }, (_, partition) => follow(log, partition)));
  const summary = {
    startOffsets: await log.startOffsets(),
    endOffsets: await log.endOffsets(),
    readRemoved: await codeOf(log.read(0, 0)),
    append: await codeOf(log.append(0, [new Uint8Array(1)])),
  };
  await log.close();
  say(`done ${JSON.stringify(summary)}`);
} catch (error) {
  say(`error ${(error as LogError).code ?? 'none'} ${(error as Error).message}`);
  process.exitCode = 1;
}
