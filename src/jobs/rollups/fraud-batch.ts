// A batch of clicks for the fraud rule, in the order the rule must see them, and the code that
// judges one: used in the run's own thread and in fraud worker threads alike, so both give the
// same verdicts. A batch is plain typed arrays, transferred to a worker without copying.
import { InternalError } from '../../core/index.js';
import { createFraudRule, type FraudRule, type FraudRuleOptions } from '../fraud/index.js';

export interface ClickBatchArrays {
  length: number;
  times: Float64Array;
  keys: Float64Array;
  networks: Float64Array;
  partitions: Int32Array;
  /** Where each click is: its file's index and its row in the file. */
  files: Int32Array;
  rows: Int32Array;
}

export function newClickBatch(capacity: number): ClickBatchArrays {
  return {
    length: 0,
    times: new Float64Array(capacity),
    keys: new Float64Array(capacity),
    networks: new Float64Array(capacity),
    partitions: new Int32Array(capacity),
    files: new Int32Array(capacity),
    rows: new Int32Array(capacity),
  };
}

export function batchBuffers(batch: ClickBatchArrays): ArrayBuffer[] {
  return [batch.times.buffer, batch.keys.buffer, batch.networks.buffer, batch.partitions.buffer, batch.files.buffer, batch.rows.buffer] as ArrayBuffer[];
}

/** Flagged clicks: (file index, row, code) triples, growing as needed. */
export class FlagList {
  files = new Int32Array(1024);
  rows = new Int32Array(1024);
  codes = new Uint8Array(1024);
  length = 0;
  push(file: number, row: number, code: number): void {
    if (this.length === this.files.length) {
      const size = this.length * 2;
      const files = new Int32Array(size);
      const rows = new Int32Array(size);
      const codes = new Uint8Array(size);
      files.set(this.files);
      rows.set(this.rows);
      codes.set(this.codes);
      Object.assign(this, { files, rows, codes });
    }
    this.files[this.length] = file;
    this.rows[this.length] = row;
    this.codes[this.length++] = code;
  }
}

/** Rules per log partition, each with fresh state: judgeSortedClicks's contract. */
export class PartitionRules {
  private readonly rules = new Map<number, FraudRule>();
  private readonly lastTimes = new Map<number, number>();
  constructor(private readonly options: FraudRuleOptions) {}

  /** Judges the batch's clicks in order, adding the flagged ones to `flags`. */
  judge(batch: ClickBatchArrays, flags: FlagList): void {
    const { times, keys, networks, partitions, files, rows } = batch;
    let partition = -1;
    let rule: FraudRule | undefined;
    let lastTime = -Infinity;
    for (let index = 0; index < batch.length; index++) {
      if (partitions[index] !== partition) {
        if (partition >= 0) this.lastTimes.set(partition, lastTime);
        partition = partitions[index]!;
        rule = this.rules.get(partition);
        if (rule === undefined) {
          rule = createFraudRule(this.options);
          this.rules.set(partition, rule);
        }
        lastTime = this.lastTimes.get(partition) ?? -Infinity;
      }
      const time = times[index]!;
      // The order is DuckDB's ORDER BY; a rule fed out of order would judge differently.
      if (time < lastTime) throw new InternalError(`the fraud input of partition ${partition} is not in event-time order`);
      lastTime = time;
      const code = rule!.observe(keys[index]!, networks[index]!, time);
      if (code !== 0) flags.push(files[index]!, rows[index]!, code);
    }
    if (partition >= 0) this.lastTimes.set(partition, lastTime);
  }
}
