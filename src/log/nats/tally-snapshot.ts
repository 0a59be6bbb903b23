// The tally as of a stream sequence, kept in the KV bucket (key `<stream>.tally`), so that a
// process opening the log scans only the messages since the last snapshot instead of the whole
// stream. A snapshot is only a starting point: the tally still checks itself against the server's
// per-subject counts, and rebuilds from scratch if the snapshot was stale.
import { StringCodec } from 'nats';
import type { NatsSession } from './session.js';
import type { PartitionTally } from './tally.js';

export interface TallySnapshot {
  /** Every message up to this sequence is counted. */
  throughSequence: number;
  partitions: PartitionTally[];
}

const codec = StringCodec();

function isPartitionTally(value: unknown): value is PartitionTally {
  const tally = value as PartitionTally;
  return (
    typeof value === 'object' && value !== null &&
    [tally.messages, tally.records, tally.bytes].every((count) => Number.isSafeInteger(count) && count >= 0) &&
    (tally.lastSequence === undefined || Number.isSafeInteger(tally.lastSequence))
  );
}

function parse(text: string, partitions: number): TallySnapshot | undefined {
  try {
    const snapshot = JSON.parse(text) as TallySnapshot;
    const valid =
      Number.isSafeInteger(snapshot.throughSequence) && Array.isArray(snapshot.partitions) &&
      snapshot.partitions.length === partitions && snapshot.partitions.every(isPartitionTally);
    return valid ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** The stored snapshot, or undefined when there is none or it is unreadable (then the tally rebuilds). */
export async function loadTallySnapshot(session: NatsSession): Promise<TallySnapshot | undefined> {
  const entry = await session.kv.get(`${session.options.stream}.tally`).catch(() => null);
  if (!entry || entry.operation !== 'PUT') return undefined;
  return parse(codec.decode(entry.value), session.options.partitions);
}

/** Stores a snapshot; losing one only costs the next process a longer scan, so failures are ignored. */
export async function saveTallySnapshot(session: NatsSession, snapshot: TallySnapshot): Promise<void> {
  const value = JSON.stringify({ throughSequence: snapshot.throughSequence, partitions: snapshot.partitions.map((tally) => ({ ...tally })) });
  await session.kv.put(`${session.options.stream}.tally`, codec.encode(value)).catch(() => undefined);
}
