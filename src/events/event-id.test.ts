// Proves generated event ids are 26-character Crockford base32, carry their time, and increase strictly call after call, within one millisecond, across a backwards clock step and past a random-part overflow.
import { describe, expect, it } from 'vitest';
import { AssertionFailure, createTestClock } from '../core/index.js';
import { createEventIdGenerator, eventIdTimeMs, formatEventId } from './event-id.js';

const idPattern = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

function expectStrictlyIncreasing(ids: readonly string[]): void {
  for (let index = 1; index < ids.length; index++) {
    if (!(ids[index - 1]! < ids[index]!)) throw new Error(`id ${index} (${ids[index]}) is not after ${ids[index - 1]}`);
  }
}

describe('formatEventId and eventIdTimeMs', () => {
  it('matches the ULID specification example and the extremes', () => {
    expect(formatEventId(1469918176385, new Uint8Array(16)).slice(0, 10)).toBe('01ARYZ6S41');
    expect(formatEventId(0, new Uint8Array(16))).toBe('0'.repeat(26));
    expect(formatEventId(2 ** 48 - 1, new Uint8Array(16).fill(31))).toBe(`7${'Z'.repeat(25)}`);
    expect(() => formatEventId(2 ** 48, new Uint8Array(16))).toThrow(AssertionFailure);
  });

  it('reads the time back, and nothing from what is not an id', () => {
    expect(eventIdTimeMs(formatEventId(1767225600000, new Uint8Array(16).fill(7)))).toBe(1767225600000);
    expect(eventIdTimeMs(`7${'Z'.repeat(25)}`)).toBe(2 ** 48 - 1);
    for (const notAnId of ['', 'abc', `8${'0'.repeat(25)}`, `${'0'.repeat(25)}a`, `${'0'.repeat(25)}U`, '0'.repeat(27), `${'0'.repeat(25)}é`]) {
      expect(eventIdTimeMs(notAnId)).toBeUndefined();
    }
  });
});

describe('createEventIdGenerator', () => {
  it('stamps the clock time and draws fresh randomness each millisecond', () => {
    const clock = createTestClock(1767225600000);
    const next = createEventIdGenerator(clock);
    const first = next();
    clock.advance(1);
    const second = next();
    expect(first).toMatch(idPattern);
    expect(eventIdTimeMs(first)).toBe(1767225600000);
    expect(eventIdTimeMs(second)).toBe(1767225600001);
    expect(second.slice(10)).not.toBe(first.slice(10));
  });

  it('increases strictly within one millisecond by incrementing the random part', () => {
    const clock = createTestClock(1767225600000);
    const next = createEventIdGenerator(clock);
    const ids = Array.from({ length: 100_000 }, next);
    expectStrictlyIncreasing(ids);
    expect(new Set(ids.map(eventIdTimeMs))).toEqual(new Set([1767225600000]));
    expect(ids.every((id) => idPattern.test(id))).toBe(true);
  });

  it('keeps increasing when the clock steps backwards', () => {
    let nowMs = 2_000_000;
    const clock = { ...createTestClock(0), nowMs: () => nowMs };
    const next = createEventIdGenerator(clock);
    const ids = [next()];
    nowMs -= 1_000;
    ids.push(next(), next());
    nowMs += 5_000;
    ids.push(next());
    expectStrictlyIncreasing(ids);
    expect(ids.map(eventIdTimeMs)).toEqual([2_000_000, 2_000_000, 2_000_000, 2_004_000]);
  });

  it('moves to the next millisecond when the random part overflows', () => {
    const clock = createTestClock(1767225600000);
    const next = createEventIdGenerator(clock, { randomFill: (bytes) => bytes.fill(0xff) });
    const first = next();
    const second = next();
    expect(first.slice(10)).toBe('Z'.repeat(16));
    expect(eventIdTimeMs(second)).toBe(1767225600001);
    expectStrictlyIncreasing([first, second]);
  });

  it('gives independent generators different ids at the same instant', () => {
    const clock = createTestClock(1767225600000);
    expect(createEventIdGenerator(clock)()).not.toBe(createEventIdGenerator(clock)());
  });
});
