// Nats-Msg-Id values, the key of JetStream's duplicate detection. A retried publish reuses its id,
// so the stream stores it once and acks the retry with the first copy's sequence.
import { createHash, randomBytes } from 'node:crypto';

export interface MessageIds {
  /** The id of message `index` of an append with an idempotency key: the same on every retry and process. */
  idempotent(key: string, partition: number, index: number): string;
  /** A new id, unique to this log instance, for a message whose append has no key. */
  unique(): string;
}

export function createMessageIds(): MessageIds {
  // 96 random bits name this writer, so counters of two processes never meet.
  const writer = randomBytes(12).toString('base64url');
  let next = 0;
  return {
    idempotent(key, partition, index) {
      // Hashed so any key (any length, any characters) makes a short, header-safe id.
      const digest = createHash('sha256').update(key).digest('base64url').slice(0, 32);
      return `k.${digest}.${partition}.${index}`;
    },
    unique() {
      return `u.${writer}.${(next++).toString(36)}`;
    },
  };
}
