// A writer process for the follower and lock tests. `hold`: opens the log as its writer, prints
// `ready`, and keeps it open until killed. `append <round>`: waits for a line on stdin (so its
// startup overlaps other work), opens the log, prints `ready`, then appends to every partition
// at once, records named by partition, offset and round, printing `ack <partition> <first>
// <count>` after each append resolves, until killed. `probe`: tries to open the log and prints
// `opened` or `refused <code> <domain> <message>`. Every mode ends when its stdin closes.
// Exempt from the injected-clock rule: it is a test driver.
import { createLogger, createSystemClock } from '../../src/core/index.js';
import { createSegmentedLog, type EventLog, type LogError } from '../../src/log/index.js';
import { followLogOptions, followRecord } from './segmented-follow-records.js';

const [dir, mode, roundText] = process.argv.slice(2);
if (!dir || !mode) throw new Error('usage: segmented-writer-child.ts <dir> hold|append|probe [round]');
const say = (line: string) => process.stdout.write(`${line}\n`);
// Ends with its test: when the test process goes away, stdin closes.
process.stdin.on('end', () => process.exit(0));
const open = () => createSegmentedLog({ clock: createSystemClock(), logger: createLogger({ level: 'warn' }) }, followLogOptions(dir));

async function appendForever(log: EventLog, partition: number, round: number): Promise<void> {
  let next = (await log.endOffsets())[partition]!;
  for (;;) {
    // Mostly small batches, now and then a large one, so that a kill can land inside a long write.
    const count = Math.random() < 0.05 ? 200 + Math.floor(Math.random() * 400) : 1 + Math.floor(Math.random() * 20);
    const records = Array.from({ length: count }, (_, i) => followRecord(partition, next + i, round));
    const result = await log.append(partition, records);
    if (result.offsets[0] !== next) throw new Error(`partition ${partition}: appended at ${result.offsets[0]}, expected ${next}`);
    say(`ack ${partition} ${next} ${count}`);
    next += count;
  }
}

if (mode === 'probe') {
  try {
    await (await open()).close();
    say('opened');
  } catch (error) {
    const failure = error as LogError;
    say(`refused ${failure.code} ${failure.domain} ${failure.message}`);
  }
} else if (mode === 'hold') {
  await open();
  say('ready');
  process.stdin.resume();
} else {
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const log = await open();
  say('ready');
  await Promise.all(Array.from({ length: log.partitions }, (_, partition) => appendForever(log, partition, Number(roundText))));
}
