// Proves job declarations are checked once (bad fields named), put in dependency order, and linked
// both ways: a day reads its 24 hours and an hour's dependent is its day, also across kinds and
// time zones and with custom dependency functions.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../core/index.js';
import { OrchestratorError } from './errors.js';
import { createJobGraph } from './job-graph.js';
import { parseOrchestratorOptions } from './options.js';
import { dayPartitions, hourPartitions, monthPartitions, previousPartition } from './partitions.js';
import type { JobDefinition } from './types.js';
import { zonedDayPartitions } from './zoned-day-partitions.js';

const options = parseOrchestratorOptions({ concurrency: 1 });
const nowMs = Date.UTC(2026, 10, 25, 12);
const run = async () => ({ outputHash: 'h' });

function job(name: string, partitions = hourPartitions, upstream: JobDefinition['upstream'] = [], extra: Partial<JobDefinition> = {}): JobDefinition {
  return { name, partitions, upstream, run, ...extra };
}

describe('job graph', () => {
  it('orders jobs upstream first, keeping declaration order among independent ones', () => {
    const graph = createJobGraph(
      [job('monthly', monthPartitions, [{ job: 'daily' }]), job('digest', dayPartitions, [{ job: 'daily' }]), job('daily', dayPartitions, [{ job: 'hourly' }]), job('hourly')],
      options,
      nowMs,
    );
    expect(graph.nodes.map((node) => node.name)).toEqual(['hourly', 'daily', 'monthly', 'digest']);
    expect(graph.get('daily')!.info).toMatchObject({ partitionKind: 'day', upstreamJobs: ['hourly'], retry: { retries: options.retries } });
  });

  it('links a day to its hours and an hour to its day, a month to its days', () => {
    const graph = createJobGraph([job('hourly'), job('daily', dayPartitions, [{ job: 'hourly' }]), job('monthly', monthPartitions, [{ job: 'daily' }])], options, nowMs);
    const daily = graph.get('daily')!;
    const hours = graph.upstreamOf(daily, '2026-11-25');
    expect(hours).toHaveLength(24);
    expect(hours[0]).toEqual({ job: 'hourly', partition: '2026-11-25T00' });
    expect(graph.dependentsOf(graph.get('hourly')!, '2026-11-25T23')).toEqual([{ job: 'daily', partition: '2026-11-25' }]);
    expect(graph.dependentsOf(daily, '2026-11-30')).toEqual([{ job: 'monthly', partition: '2026-11' }]);
    expect(graph.upstreamOf(graph.get('monthly')!, '2026-02')).toHaveLength(28);
  });

  it('links a time-zone day to the UTC hours it covers', () => {
    const berlin = zonedDayPartitions('Europe/Berlin');
    const graph = createJobGraph([job('hourly'), job('local-daily', berlin, [{ job: 'hourly' }])], options, nowMs);
    expect(graph.upstreamOf(graph.get('local-daily')!, '2026-11-25')[0]).toEqual({ job: 'hourly', partition: '2026-11-24T23' });
    expect(graph.dependentsOf(graph.get('hourly')!, '2026-11-24T23')).toEqual([{ job: 'local-daily', partition: '2026-11-25' }]);
  });

  it('uses custom dependency functions, checking the ids they give', () => {
    const withYesterday = {
      job: 'daily',
      partitions: (day: string) => [previousPartition(dayPartitions, day), day],
      dependents: (day: string) => [day, dayPartitions.next(day)],
    };
    const graph = createJobGraph([job('daily', dayPartitions), job('digest', dayPartitions, [withYesterday])], options, nowMs);
    expect(graph.upstreamOf(graph.get('digest')!, '2026-03-01').map((ref) => ref.partition)).toEqual(['2026-02-28', '2026-03-01']);
    expect(graph.dependentsOf(graph.get('daily')!, '2026-02-28').map((ref) => ref.partition)).toEqual(['2026-02-28', '2026-03-01']);
    const broken = createJobGraph([job('daily', dayPartitions), job('digest', dayPartitions, [{ job: 'daily', partitions: () => ['2026-3-1'] }])], options, nowMs);
    expect(() => broken.upstreamOf(broken.get('digest')!, '2026-03-01')).toThrow(/gave "2026-3-1", not a day partition id/);
  });

  it('maps a schedule fire to the latest ended partition unless the job says otherwise', () => {
    const graph = createJobGraph(
      [job('hourly', hourPartitions, [], { schedule: { cron: '15 * * * *' } }), job('today', dayPartitions, [], { schedule: { cron: '0 * * * *', partition: (ms) => dayPartitions.format(ms) } })],
      options,
      nowMs,
    );
    expect(graph.get('hourly')!.scheduledPartition(Date.UTC(2026, 10, 25, 9, 15))).toBe('2026-11-25T08');
    expect(graph.get('today')!.scheduledPartition(Date.UTC(2026, 10, 25, 9))).toBe('2026-11-25');
  });

  it('refuses bad declarations naming the field', () => {
    const refuse = (jobs: JobDefinition[], pattern: RegExp) => {
      expect(() => createJobGraph(jobs, options, nowMs)).toThrow(OptionsError);
      expect(() => createJobGraph(jobs, options, nowMs)).toThrow(pattern);
    };
    refuse([job('Hourly')], /jobs\[0\]\.name: must be lower case/);
    refuse([job('a'), job('a')], /jobs\[1\]\.name: a is declared twice/);
    refuse([job('a', hourPartitions, [{ job: 'b' }])], /jobs\[0\]\.upstream\[0\]\.job: no job named "b"/);
    refuse([job('a', hourPartitions, [{ job: 'a' }])], /cannot depend on itself/);
    refuse([job('a', hourPartitions, [{ job: 'b' }]), job('b', hourPartitions, [{ job: 'a' }])], /cycle: a → b → a/);
    refuse([job('a', hourPartitions, [], { timeoutMs: 0 })], /jobs\[0\]\.timeoutMs/);
    refuse([job('a', hourPartitions, [], { retry: { retries: 99 } })], /jobs\[0\]\.retry\.retries/);
    refuse([job('a', hourPartitions, [], { schedule: { cron: '61 * * * *' } })], /jobs\[0\]\.schedule\.cron/);
  });

  it('answers an unknown job with a user error listing the jobs', () => {
    const graph = createJobGraph([job('hourly'), job('daily', dayPartitions)], options, nowMs);
    expect(() => graph.require('weekly')).toThrow(OrchestratorError);
    expect(() => graph.require('weekly')).toThrow('unknown job "weekly"; the jobs are: hourly, daily');
  });
});
