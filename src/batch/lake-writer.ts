// The archiver's side of the writer thread: hands CSV spools over to be written as lake files and
// waits for them synchronously where it must (before a checkpoint commits their offsets, and when
// too many are in flight). Stream operators are synchronous, DuckDB's API is not: a thread with a
// blocking wait joins the two without an event-loop turn.
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { assert, limits } from '../core/index.js';
import { LakeError } from './errors.js';
import { sharedSlotCount, sharedSlots, type LakeWriterThreadData, type WriteRequest, type WriterReply } from './lake-writer-protocol.js';
import type { WrittenParquetFile } from './parquet-writer.js';
import { siblingModule, startModuleThread } from '../core/start-thread.js';

export interface LakeWriterOptions {
  /** DuckDB's scratch folder. */
  tempDirectory: string;
  duckdbThreads: number;
  duckdbMemoryMib: number;
  /** Writes handed over and not yet answered; `submit` waits while this many are. */
  writesInFlightMax: number;
  /** Longest wait for one answer, in ms. */
  writeTimeoutMs?: number;
  rowGroupRows?: number;
}

export interface LakeWrite {
  id: number;
  file: WrittenParquetFile;
}

export interface LakeWriter {
  /** Hands a spool over; waits first while `writesInFlightMax` writes are unanswered. Returns the write's id. */
  submit(request: Omit<WriteRequest, 'id'>): number;
  /** Writes finished since the last call, without waiting. Throws for a failed one. */
  poll(): LakeWrite[];
  /** Waits for every write handed over; returns those not returned before. Throws for a failed one. */
  drain(): LakeWrite[];
  inFlight(): number;
  /** Stops the thread (after `drain`, nothing is lost). */
  close(): Promise<void>;
}

/** Atomics.wait rounds: short, so a broken thread is noticed, and counted, so no clock is needed. */
const waitRoundMs = 100;

class LakeWriterImpl implements LakeWriter {
  private readonly counters: Int32Array;
  private readonly port;
  private readonly thread: Worker;
  private nextId = 1;
  private readonly pending = new Set<number>();
  private readonly done: LakeWrite[] = [];

  constructor(private readonly options: LakeWriterOptions) {
    const shared = new SharedArrayBuffer(sharedSlotCount * Int32Array.BYTES_PER_ELEMENT);
    this.counters = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: LakeWriterThreadData = {
      port: port2,
      shared,
      duckdbThreads: options.duckdbThreads,
      duckdbMemoryMib: options.duckdbMemoryMib,
      tempDirectory: options.tempDirectory,
      rowGroupRows: options.rowGroupRows ?? limits.lakeRowGroupRows,
    };
    this.thread = startModuleThread(siblingModule(import.meta.url, 'lake-writer-thread'), data, [port2]);
    this.thread.unref();
  }

  submit(request: Omit<WriteRequest, 'id'>): number {
    while (this.pending.size >= this.options.writesInFlightMax) this.waitForReply();
    const id = this.nextId++;
    this.pending.add(id);
    this.port.postMessage({ ...request, id } satisfies WriteRequest);
    return id;
  }

  poll(): LakeWrite[] {
    this.take();
    return this.done.splice(0);
  }

  drain(): LakeWrite[] {
    while (this.pending.size > 0) this.waitForReply();
    return this.done.splice(0);
  }

  inFlight(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.port.close();
    await this.thread.terminate();
  }

  /** Takes every reply posted so far. */
  private take(): void {
    for (let message = receiveMessageOnPort(this.port); message !== undefined; message = receiveMessageOnPort(this.port)) {
      const reply = message.message as WriterReply;
      assert(this.pending.delete(reply.id), () => `the writer thread answered write ${reply.id}, which is not pending`);
      if (reply.type === 'failed') throw new LakeError('write_failed', `write ${reply.id} failed: ${reply.message}`);
      this.done.push({ id: reply.id, file: reply.file });
    }
  }

  /**
   * Blocks until at least one more write is answered. The shared count only wakes the wait: it is
   * read before looking at the port, so a reply posted in between ends the next wait at once.
   */
  private waitForReply(): void {
    const pendingBefore = this.pending.size;
    const roundsMax = Math.ceil((this.options.writeTimeoutMs ?? limits.archiverWriteTimeoutMs) / waitRoundMs);
    for (let round = 0; ; round++) {
      const seen = Atomics.load(this.counters, sharedSlots.replies);
      this.take();
      if (this.pending.size < pendingBefore) return;
      if (Atomics.load(this.counters, sharedSlots.fatal) !== 0) throw new LakeError('writer_failed', 'the lake writer thread failed');
      if (round >= roundsMax) throw new LakeError('writer_failed', `no answer from the lake writer thread for ${roundsMax * waitRoundMs} ms`);
      Atomics.wait(this.counters, sharedSlots.replies, seen, waitRoundMs);
    }
  }
}

/** Starts a writer thread (with its own in-memory DuckDB). */
export function createLakeWriter(options: LakeWriterOptions): LakeWriter {
  return new LakeWriterImpl(options);
}
