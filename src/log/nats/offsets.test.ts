// Proves the offset scheme: (sequence, index) round-trips, offsets stay exact up to the largest
// sequence, and an end offset never falls below a retention cut.
import { describe, expect, it } from 'vitest';
import { endOffsetOf, indexOf, offsetAfter, offsetOf, offsetsPerMessage, sequenceMax, sequenceOf } from './offsets.js';
import { parseAckSubject } from './pull-consumer.js';

describe('offsets', () => {
  it('round-trips sequence and index, and orders by sequence first', () => {
    for (const [sequence, index] of [[0, 0], [1, 65_535], [123_456_789, 42], [sequenceMax, 65_535]] as const) {
      const offset = offsetOf(sequence, index);
      expect(Number.isSafeInteger(offset)).toBe(true);
      expect([sequenceOf(offset), indexOf(offset)]).toEqual([sequence, index]);
    }
    expect(offsetOf(2, 0)).toBeGreaterThan(offsetOf(1, offsetsPerMessage - 1));
    expect(offsetAfter(7)).toBe(offsetOf(8, 0));
    expect(() => offsetOf(1, offsetsPerMessage)).toThrow(/index/);
    expect(() => offsetOf(sequenceMax + 1, 0)).toThrow(/sequence/);
  });

  it('puts the end after the newest message, or at the cut of an emptied partition', () => {
    expect(endOffsetOf(undefined, 0)).toBe(0);
    expect(endOffsetOf(9, 0)).toBe(offsetOf(10, 0));
    expect(endOffsetOf(undefined, 10)).toBe(offsetOf(10, 0));
    expect(endOffsetOf(9, 10)).toBe(offsetOf(10, 0));
  });
});

describe('ack subjects', () => {
  it('reads the stream sequence and time of both reply forms', () => {
    expect(parseAckSubject('$JS.ACK.s1.c1.1.3.2.1795595640636471629.0')).toEqual({ sequence: 3, timestampMs: 1_795_595_640_636 });
    expect(parseAckSubject('$JS.ACK.hub.ACCHASH.s1.c1.1.17.2.1795595640636471629.5.token')).toEqual({ sequence: 17, timestampMs: 1_795_595_640_636 });
    expect(parseAckSubject('_INBOX.abc')).toBeUndefined();
  });
});
