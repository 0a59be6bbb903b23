// Offsets of the JetStream log address a record inside a message: offset = streamSequence × 65,536
// + indexInMessage. They increase strictly within a partition but are not dense: the sequences
// between two messages of a partition belong to other partitions, and a message of n records uses
// indexes 0..n-1 of its 65,536. docs/log-nats.md explains why and what `nextOffset` is.
import { assert, limits } from '../../core/index.js';

/** Offsets reserved per stream sequence: one per possible record index in a message. */
export const offsetsPerMessage = limits.natsRecordsPerMessageMax;

/** The largest stream sequence whose offsets stay exact in a double (about 137 billion messages). */
export const sequenceMax = Math.floor(Number.MAX_SAFE_INTEGER / offsetsPerMessage) - 1;

export function offsetOf(sequence: number, index: number): number {
  assert(Number.isSafeInteger(sequence) && sequence >= 0 && sequence <= sequenceMax, () => `stream sequence ${sequence} out of range`);
  assert(Number.isInteger(index) && index >= 0 && index < offsetsPerMessage, () => `record index ${index} out of range`);
  return sequence * offsetsPerMessage + index;
}

/** The stream sequence an offset points into. */
export function sequenceOf(offset: number): number {
  return Math.floor(offset / offsetsPerMessage);
}

/** The record index within its message that an offset points at. */
export function indexOf(offset: number): number {
  return offset % offsetsPerMessage;
}

/**
 * The offset after every record of the message at `sequence`: reading from it starts at the
 * partition's next message, whatever its sequence, so it is what `nextOffset` and `endOffset` say.
 */
export function offsetAfter(sequence: number): number {
  return offsetOf(sequence + 1, 0);
}

/**
 * The offset after a partition's newest message, or, when it holds none, its retention cut point
 * (the offset after the last message retention removed; 0 for a partition never written).
 */
export function endOffsetOf(lastSequence: number | undefined, cutSequence: number): number {
  return Math.max(lastSequence === undefined ? 0 : offsetAfter(lastSequence), offsetOf(cutSequence, 0));
}
