// Event ids for clicks that arrive without one: ULID-shaped, 26 Crockford base32 characters, 48
// bits of millisecond time then 80 random bits. Sorting ids sorts clicks by time, which keeps the
// dedupe index and Parquet row groups ordered, and 80 random bits per millisecond make collisions
// between redirect nodes negligible.
import { randomFillSync } from 'node:crypto';
import { assert, type Clock } from '../core/index.js';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const alphabetCodes = Uint8Array.from(alphabet, (character) => character.charCodeAt(0));
const timeCharacters = 10;
const randomCharacters = 16;
/** Largest time a 10-character prefix can hold: 48 bits of ms, until the year 10889. */
const eventIdTimeMsMax = 2 ** 48 - 1;
/** Random bytes fetched from the system at once: one call per 256 ids, not one per id. */
const randomPoolBytes = 4096;

/** Decodes one character, or -1; only the canonical upper-case alphabet is accepted. */
const digitOf = new Int8Array(128).fill(-1);
for (let digit = 0; digit < alphabet.length; digit++) digitOf[alphabet.charCodeAt(digit)] = digit;

function formatTime(timeMs: number): string {
  let text = '';
  let rest = timeMs;
  for (let index = 0; index < timeCharacters; index++) {
    text = alphabet[rest % 32]! + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

function formatDigits(digits: Uint8Array): string {
  const code = (index: number) => alphabetCodes[digits[index]!]!;
  return String.fromCharCode(
    code(0), code(1), code(2), code(3), code(4), code(5), code(6), code(7),
    code(8), code(9), code(10), code(11), code(12), code(13), code(14), code(15),
  );
}

/**
 * An id from a time and 16 random values (only their low 5 bits are used). For deterministic ids
 * in tests and samples; live ids come from {@link createEventIdGenerator}.
 */
export function formatEventId(timeMs: number, random: Uint8Array): string {
  assert(Number.isInteger(timeMs) && timeMs >= 0 && timeMs <= eventIdTimeMsMax, () => `event id time out of range: ${timeMs}`);
  assert(random.length === randomCharacters, 'an event id takes 16 random values');
  return formatTime(timeMs) + formatDigits(random.map((value) => value & 31));
}

export interface EventIdGeneratorOptions {
  /** Fills bytes with randomness (default `crypto.randomFillSync`); injected by tests. */
  randomFill?: (bytes: Uint8Array) => void;
}

/**
 * Returns a generator of ids that increase strictly, lexicographically, call after call. Within
 * one millisecond, and when the clock steps backwards, the previous id's random part is
 * incremented instead of drawn again, so order never depends on the clock being monotonic; if
 * the random part ever overflows, the id moves on to the next millisecond.
 */
export function createEventIdGenerator(clock: Clock, options: EventIdGeneratorOptions = {}): () => string {
  const randomFill = options.randomFill ?? ((bytes: Uint8Array) => randomFillSync(bytes));
  const pool = new Uint8Array(randomPoolBytes);
  let poolOffset = randomPoolBytes;
  const digits = new Uint8Array(randomCharacters);
  let lastTimeMs = -1;
  let timeText = '';

  const startMillisecond = (timeMs: number): void => {
    assert(timeMs <= eventIdTimeMsMax, () => `clock time ${timeMs} does not fit an event id`);
    if (poolOffset + randomCharacters > randomPoolBytes) {
      randomFill(pool);
      poolOffset = 0;
    }
    for (let index = 0; index < randomCharacters; index++) digits[index] = pool[poolOffset + index]! & 31;
    poolOffset += randomCharacters;
    lastTimeMs = timeMs;
    timeText = formatTime(timeMs);
  };

  /** Adds one to the random part; false when it was all ones. */
  const increment = (): boolean => {
    for (let index = randomCharacters - 1; index >= 0; index--) {
      if (digits[index] !== 31) {
        digits[index]! += 1;
        return true;
      }
      digits[index] = 0;
    }
    return false;
  };

  return () => {
    const nowMs = Math.floor(clock.nowMs());
    assert(nowMs >= 0, () => `clock time ${nowMs} is before the epoch`);
    if (nowMs > lastTimeMs) startMillisecond(nowMs);
    else if (!increment()) startMillisecond(lastTimeMs + 1);
    return timeText + formatDigits(digits);
  };
}

/** The time of an id in clickflow's format, or undefined when `id` is not one (e.g. a sender's own id). */
export function eventIdTimeMs(id: string): number | undefined {
  if (id.length !== timeCharacters + randomCharacters) return undefined;
  let timeMs = 0;
  for (let index = 0; index < id.length; index++) {
    const code = id.charCodeAt(index);
    const digit = code < 128 ? digitOf[code]! : -1;
    if (digit < 0) return undefined;
    if (index < timeCharacters) timeMs = timeMs * 32 + digit;
  }
  return timeMs <= eventIdTimeMsMax ? timeMs : undefined;
}
