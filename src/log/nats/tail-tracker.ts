// The newest stream sequence of each partition, for endOffsets. One headers-only consumer that
// starts with the newest message of every subject (deliver last-per-subject) and then follows
// every new message: opening costs one header per partition, each call after costs one round trip
// plus a header per message appended since. (A direct get per partition would move whole message
// payloads, up to a megabyte each, on every call.)
import { coalesce } from './coalesce.js';
import { createHeaderScanner } from './header-scanner.js';
import { allPartitionsSubject } from './options.js';
import type { NatsSession } from './session.js';

export interface TailTracker {
  /** Per partition, the sequence of its newest message as of the call, or undefined if it has none seen. */
  lastSequences(): Promise<ReadonlyArray<number | undefined>>;
  renew(): void;
  close(): void;
}

export function createTailTracker(session: NatsSession): TailTracker {
  const last = new Array<number | undefined>(session.options.partitions).fill(undefined);
  const scanner = createHeaderScanner(session, { filterSubject: allPartitionsSubject(session.options), startSequence: 1, lastPerSubject: true });
  const refresh = coalesce(() =>
    scanner.drain((message) => {
      last[message.partition] = Math.max(last[message.partition] ?? 0, message.sequence);
    }),
  );
  return {
    async lastSequences() {
      await refresh();
      return [...last];
    },
    renew: () => scanner.renew(),
    close: () => scanner.close(),
  };
}
