// The benchmark harness: each `bench/<name>.bench.ts` exports a Benchmark. The runner repeats
// each measurement, reports the median (the machine is shared and noisy), and compares cases
// side by side from the same run as ratios.
import os from 'node:os';

export interface Measurement {
  /** What was measured, e.g. `segmented log append`. */
  case: string;
  /** e.g. `events/s`, `ms`, `MB`. */
  unit: string;
  /** Every run's value, in run order. */
  runs: number[];
  /** The median of `runs`. */
  median: number;
  /** Whether larger is better (throughput) or smaller is (latency, memory). */
  better: 'higher' | 'lower';
}

export interface BenchContext {
  /** Runs of each measurement (`--runs`, default 5). */
  runs: number;
  /** Scale factor for the amount of work (`--scale`, default 1); small for a quick check. */
  scale: number;
  /** Prints a progress line to standard error. */
  progress(message: string): void;
  /** Runs `measure` `runs` times and records the median. `measure` returns one run's value. */
  measure(caseName: string, unit: string, better: 'higher' | 'lower', measure: (run: number) => Promise<number>): Promise<Measurement>;
  /** Records a figure measured another way (already a median, or a single report). */
  record(measurement: Omit<Measurement, 'median'> & { median?: number }): Measurement;
  /** Records a ratio between two measured cases, e.g. segmented / SQLite. */
  ratio(name: string, numerator: Measurement, denominator: Measurement): number;
  /** Records whether a target was met, for the summary. */
  target(description: string, met: boolean, detail: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(context: BenchContext): Promise<void>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percentile(sortedValues: readonly number[], fraction: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const index = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(fraction * sortedValues.length) - 1));
  return sortedValues[index]!;
}

export interface BenchReport {
  benchmark: string;
  measurements: Measurement[];
  ratios: { name: string; value: number }[];
  targets: { description: string; met: boolean; detail: string }[];
}

export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

export function createBenchContext(
  benchmark: string,
  settings: { runs: number; scale: number; json: boolean },
  report: BenchReport,
): BenchContext {
  const emit = (kind: string, payload: object): void => {
    if (settings.json) process.stdout.write(`${JSON.stringify({ benchmark, kind, ...payload })}\n`);
  };
  const context: BenchContext = {
    runs: settings.runs,
    scale: settings.scale,
    progress: (message) => process.stderr.write(`  ${benchmark}: ${message}\n`),
    async measure(caseName, unit, better, measure) {
      const runs: number[] = [];
      for (let run = 0; run < settings.runs; run++) {
        const value = await measure(run);
        runs.push(value);
        context.progress(`${caseName} run ${run + 1}/${settings.runs}: ${formatNumber(value)} ${unit}`);
      }
      return context.record({ case: caseName, unit, runs, better });
    },
    record(measurement) {
      const full: Measurement = { ...measurement, median: measurement.median ?? median(measurement.runs) };
      report.measurements.push(full);
      emit('measurement', full);
      return full;
    },
    ratio(name, numerator, denominator) {
      const value = numerator.median / denominator.median;
      report.ratios.push({ name, value });
      emit('ratio', { name, value });
      return value;
    },
    target(description, met, detail) {
      report.targets.push({ description, met, detail });
      emit('target', { description, met, detail });
    },
  };
  return context;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/** The report as Markdown, for BENCHMARKS.md. */
export function formatReport(report: BenchReport): string {
  const lines = [`| case | median | unit | runs |`, `|---|---:|---|---|`];
  for (const m of report.measurements) {
    lines.push(`| ${m.case} | ${formatNumber(m.median)} | ${m.unit} | ${m.runs.map(formatNumber).join(', ')} |`);
  }
  if (report.ratios.length > 0) {
    lines.push('', '| ratio | value |', '|---|---:|');
    for (const r of report.ratios) lines.push(`| ${r.name} | ${r.value.toFixed(2)}x |`);
  }
  if (report.targets.length > 0) {
    lines.push('', '| target | met | measured |', '|---|---|---|');
    for (const t of report.targets) lines.push(`| ${t.description} | ${t.met ? 'yes' : 'no'} | ${t.detail} |`);
  }
  return lines.join('\n');
}
