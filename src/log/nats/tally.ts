// Per partition: messages, records and stored bytes of what the stream holds. JetStream counts
// messages per subject but not records (our packing) nor bytes per subject, so the tally is built
// by a headers-only scan of the stream, then kept current: each call scans only messages new
// since the last, and applyRetention subtracts what it removes. A process starts from the last
// snapshot in the KV bucket, if any. Removal by anyone else, or a stale snapshot, shows as a
// mismatch with the server's per-subject message counts, and the tally is rebuilt from scratch.
// Not safe for concurrent use: the log serialises stats and retention.
import { classified } from './nats-errors.js';
import { createHeaderScanner, type HeaderScanner } from './header-scanner.js';
import { loadTallySnapshot, saveTallySnapshot } from './tally-snapshot.js';
import { allPartitionsSubject, partitionSubject } from './options.js';
import type { NatsSession } from './session.js';

export interface PartitionTally {
  messages: number;
  records: number;
  bytes: number;
  /** Sequence of the newest message seen, kept after the partition is emptied. */
  lastSequence: number | undefined;
}

export interface Tally {
  /** Brings the tally up to date with the stream and returns it, one entry per partition. */
  current(): Promise<readonly PartitionTally[]>;
  /** Subtracts messages that applyRetention removed. */
  subtract(partition: number, removed: { messages: number; records: number; bytes: number }): void;
  /** Stores the tally as a snapshot for the next process to start from. */
  persist(): Promise<void>;
  renew(): void;
  close(): void;
}

const rebuildsMax = 3;

function emptyTallies(partitions: number): PartitionTally[] {
  return Array.from({ length: partitions }, () => ({ messages: 0, records: 0, bytes: 0, lastSequence: undefined }));
}

export function createTally(session: NatsSession): Tally {
  const { jsm, options, logger } = session;
  let tallies = emptyTallies(options.partitions);
  let throughSequence = 0;
  let scanner: HeaderScanner | undefined;

  const scanFrom = (startSequence: number) => {
    scanner?.close();
    scanner = createHeaderScanner(session, { filterSubject: allPartitionsSubject(options), startSequence });
  };
  const rebuild = () => {
    scanFrom(1);
    const lastSequences = tallies.map((tally) => tally.lastSequence);
    tallies = emptyTallies(options.partitions);
    tallies.forEach((tally, partition) => (tally.lastSequence = lastSequences[partition]));
    throughSequence = 0;
  };
  const start = async () => {
    const snapshot = await loadTallySnapshot(session);
    if (!snapshot) return rebuild();
    tallies = snapshot.partitions;
    throughSequence = snapshot.throughSequence;
    scanFrom(throughSequence + 1);
  };

  /** Scans to the end; true when the counts up to the snapshot match the server's. */
  const catchUp = async (): Promise<boolean> => {
    const info = await classified({ action: 'read the stream state' }, () =>
      jsm.streams.info(options.stream, { subjects_filter: allPartitionsSubject(options) }),
    );
    const newer = new Array<number>(options.partitions).fill(0);
    await scanner!.drain((message) => {
      const tally = tallies[message.partition]!;
      tally.messages++;
      tally.records += message.records;
      tally.bytes += message.storedBytes;
      tally.lastSequence = Math.max(tally.lastSequence ?? 0, message.sequence);
      throughSequence = Math.max(throughSequence, message.sequence);
      if (message.sequence > info.state.last_seq) newer[message.partition]!++;
    });
    const counts = info.state.subjects ?? {};
    return tallies.every((tally, partition) => tally.messages - newer[partition]! === (counts[partitionSubject(options, partition)] ?? 0));
  };

  return {
    async current() {
      if (!scanner) await start();
      const before = throughSequence;
      for (let attempt = 1; !(await catchUp()); attempt++) {
        if (attempt >= rebuildsMax) {
          logger.warn({ stream: options.stream }, 'the stream kept changing under the tally; its counts may be off until the next call');
          return tallies;
        }
        rebuild();
      }
      if (throughSequence !== before) await saveTallySnapshot(session, { throughSequence, partitions: tallies });
      return tallies;
    },
    persist: () => saveTallySnapshot(session, { throughSequence, partitions: tallies }),
    subtract(partition, removed) {
      const tally = tallies[partition]!;
      tally.messages -= removed.messages;
      tally.records -= removed.records;
      tally.bytes -= removed.bytes;
    },
    renew() {
      scanner?.renew();
    },
    close() {
      scanner?.close();
      scanner = undefined;
    },
  };
}
