// A fraud worker thread: judges the batches of its log partitions in the order they arrive (each
// partition's clicks in (event time, id) order) and sends back the flagged clicks at the end.
import { parentPort, workerData } from 'node:worker_threads';
import type { FraudRuleOptions } from '../fraud/index.js';
import { FlagList, PartitionRules, type ClickBatchArrays } from './fraud-batch.js';

export type FraudWorkerRequest = { kind: 'batch'; batch: ClickBatchArrays } | { kind: 'end' };
export type FraudWorkerReply = { kind: 'ack' } | { kind: 'flags'; files: Int32Array; rows: Int32Array; codes: Uint8Array; length: number } | { kind: 'error'; message: string };

const port = parentPort!;
const rules = new PartitionRules((workerData as { options: FraudRuleOptions }).options);
const flags = new FlagList();

port.on('message', (request: FraudWorkerRequest) => {
  try {
    if (request.kind === 'batch') {
      rules.judge(request.batch, flags);
      port.postMessage({ kind: 'ack' } satisfies FraudWorkerReply);
      return;
    }
    const reply: FraudWorkerReply = { kind: 'flags', files: flags.files, rows: flags.rows, codes: flags.codes, length: flags.length };
    port.postMessage(reply, [flags.files.buffer, flags.rows.buffer, flags.codes.buffer] as ArrayBuffer[]);
    port.close();
  } catch (error) {
    port.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) } satisfies FraudWorkerReply);
    port.close();
  }
});
