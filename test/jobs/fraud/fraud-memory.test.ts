// Proves the fraud operator's memory is bounded: a million distinct addresses (and one heavy
// hitter among them) through the fraud job, measured in a fresh child process; the same stream
// with a tenth of the bound evicts and stays within it. The heavy hitter is found either way.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ipKey } from '../../../src/events/index.js';
import { fraudFlagBlocked, fraudReasons, type FraudNumbers, type FraudRuleStats } from '../../../src/jobs/fraud/index.js';

interface MemoryReport {
  clicks: number;
  rssGrowthMb: number;
  heapGrowthMb: number;
  arrayBuffersGrowthMb: number;
  newSpaceMb: number;
  stats: FraudRuleStats;
  engineStateKeys: number;
  largestCheckpoint: { stateRows: number; bytes: number };
  heavy: FraudNumbers;
}

const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

async function measure(distinct: number, ipsMax: number): Promise<MemoryReport> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', child, String(distinct), String(ipsMax)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as MemoryReport;
}

function expectHeavyFound(report: MemoryReport): void {
  expect(report.heavy.ipKey).toBe(ipKey('192.0.2.200'));
  expect(report.heavy.heavyRank).toBe(1);
  // One click in 300: about 3,340 in the period, counted exactly (its counter never changed hands).
  expect(report.heavy.heavyEstimate - report.heavy.heavyError).toBeGreaterThan(3_300);
  expect(report.heavy.reasons & fraudReasons.heavyHitter).toBe(fraudReasons.heavyHitter);
  expect(report.heavy.verdict).toBe(fraudFlagBlocked);
}

describe('fraud memory', () => {
  it('holds a million distinct addresses in under 300 MB of live state', async () => {
    const report = await measure(1_000_000, 1_000_000);
    process.stderr.write(`fraud memory, 1M addresses: ${JSON.stringify({ ...report, heavy: undefined })}\n`);
    expect(report.stats.ips).toBe(1_000_000);
    // Addresses changed in bulk are checkpointed as a changelog of large rows, not an engine entry each.
    expect(report.engineStateKeys).toBeLessThan(1_000);
    // Live state: the rule's records (array buffers) and the engine's few entries (heap).
    expect(report.heapGrowthMb + report.arrayBuffersGrowthMb).toBeLessThan(300);
    // Resident growth adds V8's young generation and allocator slack of its parallel GC threads.
    expect(report.rssGrowthMb).toBeLessThan(500);
    // A checkpoint carries the addresses changed since the last one: about 41,000 clicks' worth here.
    expect(report.largestCheckpoint.stateRows).toBeLessThan(45_000);
    expectHeavyFound(report);
  });

  it('evicts to stay within a lower bound, and still finds the heavy hitter', async () => {
    const report = await measure(1_000_000, 100_000);
    expect(report.stats.ips).toBe(100_000);
    expect(report.stats.ipEvictions).toBeGreaterThan(890_000);
    expect(report.engineStateKeys).toBeLessThanOrEqual(100_001);
    expect(report.heapGrowthMb + report.arrayBuffersGrowthMb).toBeLessThan(60);
    expectHeavyFound(report);
  });
});
