// Proves generator and run options are validated once, naming the field of a bad or
// contradictory value.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../core/index.js';
import { parseLoadGeneratorOptions, worldPrefix } from './options.js';
import { generatorInputFor } from './run-session.js';
import { inFlightOf, parseLoadRunOptions } from './run-options.js';

describe('load generator options', () => {
  it('merges defaults and names the world by seed', () => {
    const options = parseLoadGeneratorOptions({ seed: 35 });
    expect(options.zipfExponent).toBe(1);
    expect(worldPrefix(options)).toBe('lgz');
    expect(worldPrefix(parseLoadGeneratorOptions({ prefix: 'bench1' }))).toBe('bench1');
  });

  it('names the field of a bad value', () => {
    expect(() => parseLoadGeneratorOptions({ zipfExponent: -1 })).toThrow(/zipfExponent: must be at least 0/);
    expect(() => parseLoadGeneratorOptions({ prefix: 'Has Space' })).toThrow(/prefix: must match/);
    expect(() => parseLoadGeneratorOptions({ botShare: 0.5, fraudShare: 0.5 })).toThrow(/botShare/);
    expect(() => parseLoadGeneratorOptions({ lateMinMs: 10_000, lateMaxMs: 5_000 })).toThrow(/lateMinMs: must not exceed lateMaxMs/);
    expect(() => parseLoadGeneratorOptions({ accounts: 10, usersPerAccount: 10, links: 50 })).toThrow(/links: must be at least the number of users/);
    expect(() => parseLoadGeneratorOptions({ fraudIps: 0 })).toThrow(/fraudIps: must be at least 1/);
    expect(() => parseLoadGeneratorOptions({ eventsPerSecond: 1_000_000 })).toThrow(/fraudIps: fraudShare 0.02 at 1000000 events\/s needs 200 addresses bursting at once/);
  });
});

describe('load run options', () => {
  it('needs a count, or a duration with a rate', () => {
    expect(() => parseLoadRunOptions({})).toThrow(OptionsError);
    expect(() => parseLoadRunOptions({ durationMs: 1000 })).toThrow(/durationMs: a duration needs a rate/);
    expect(parseLoadRunOptions({ rate: 10, durationMs: 1000 }).durationMs).toBe(1000);
    expect(() => parseLoadRunOptions({ count: 10, target: 'kafka' as never })).toThrow(/target: must be one of ingest, redirect, log, file/);
  });

  it('picks requests in flight per target', () => {
    expect(inFlightOf(parseLoadRunOptions({ count: 1, target: 'redirect' }))).toBe(64);
    expect(inFlightOf(parseLoadRunOptions({ count: 1, inFlight: 3 }))).toBe(3);
  });

  it('follows the clock in a paced run and ends at now in an unpaced one', () => {
    const paced = generatorInputFor(parseLoadRunOptions({ rate: 500, durationMs: 1000 }), {}, 1_000_000_000);
    expect(paced).toMatchObject({ eventsPerSecond: 500, startMs: 1_000_000_000 });
    const unpaced = generatorInputFor(parseLoadRunOptions({ count: 5_000 }), { eventsPerSecond: 100 }, 1_000_000_000);
    expect(unpaced).toMatchObject({ eventsPerSecond: 100, startMs: 1_000_000_000 - 50_000 });
    expect(() => generatorInputFor(parseLoadRunOptions({ rate: 5, count: 10 }), { eventsPerSecond: 7 }, 0)).toThrow(/eventsPerSecond/);
  });

  it('refuses duplicates, late and out-of-order events for the redirect target', () => {
    const run = parseLoadRunOptions({ count: 10, target: 'redirect' });
    expect(generatorInputFor(run, {}, 1e12)).toMatchObject({ duplicateShare: 0, lateShare: 0, outOfOrderShare: 0 });
    expect(() => generatorInputFor(run, { lateShare: 0.1 }, 1e12)).toThrow(/lateShare: the redirect target cannot/);
  });
});
