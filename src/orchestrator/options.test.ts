// Proves the orchestrator's options: concurrency defaults to half the cores (1 on two), and bad
// or contradictory values are refused naming the field.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../core/index.js';
import { describeError } from './alerts.js';
import { OrchestratorError } from './errors.js';
import { defaultBatchConcurrency, parseOrchestratorOptions } from './options.js';

describe('orchestrator options', () => {
  it('runs one partition at a time on a 2-core machine, half the cores on bigger ones', () => {
    expect(defaultBatchConcurrency(1)).toBe(1);
    expect(defaultBatchConcurrency(2)).toBe(1);
    expect(defaultBatchConcurrency(8)).toBe(4);
    expect(defaultBatchConcurrency(1024)).toBe(64);
  });

  it('refuses bad and contradictory values naming the field', () => {
    expect(() => parseOrchestratorOptions({ concurrency: 0 })).toThrow(/orchestrator option concurrency: must be at least 1/);
    expect(() => parseOrchestratorOptions({ retryDelayMs: 10_000, retryDelayMsMax: 1_000 })).toThrow(OptionsError);
    expect(() => parseOrchestratorOptions({ retryDelayMs: 10_000, retryDelayMsMax: 1_000 })).toThrow(/retryDelayMs: must not exceed retryDelayMsMax/);
    expect(() => parseOrchestratorOptions({ pollIntervalMs: 1.5 })).toThrow(/pollIntervalMs: must be an integer/);
  });
});

describe('errors as run history records them', () => {
  it('keeps a classified error’s domain and code, and a bug’s stack', () => {
    const timeout = describeError(new OrchestratorError('timed_out', 'too slow', { cause: new Error('socket hang up') }));
    expect(timeout).toMatchObject({ message: 'too slow', domain: 'external', code: 'timed_out', detail: 'caused by: Error: socket hang up' });
    const bug = describeError(new TypeError('x is undefined'));
    expect(bug).toMatchObject({ message: 'x is undefined', domain: 'internal', code: 'job_failed' });
    expect(bug.detail).toContain('TypeError: x is undefined\n    at ');
    expect(describeError('a string')).toMatchObject({ message: 'a string', domain: 'internal' });
  });
});
