// One operator's runtime: its context (what it may reach) and the named tables, windows and timers
// it declared. Declarations are open only during onStart, so the engine knows every state of the
// job before it restores a checkpoint into them.
import { assert, limits, type Clock, type Logger } from '../core/index.js';
import { StreamError } from './errors.js';
import { createKeyedState } from './keyed-state.js';
import type { LateLedgerBuffer } from './late-ledger.js';
import { createStateTable, type StateTable, type StateTableOptions } from './state-table.js';
import { createTimerService, type TimerServiceInternal } from './timer-service.js';
import type { BatchColumns, LiveMessage, Operator, OperatorContext, StateOptions } from './types.js';
import type { ViewBuffer } from './view-buffer.js';
import type { WatermarkTracker } from './watermarks.js';
import { createWindowIndex, createWindowState, type WindowStateInternal } from './window-state.js';

/** What every operator of a job shares. */
export interface JobShared {
  job: string;
  partitions: readonly number[];
  clock: Clock;
  logger: Logger;
  /** The job watermark as last applied; every state table stamps updates with it. */
  time: { watermarkMs: number };
  watermarks: WatermarkTracker;
  views: ViewBuffer;
  late: LateLedgerBuffer;
  live: { messages: LiveMessage[]; dropped: number; max: number };
  /** Keys declared by every state of the job so far, against `limits.streamStateKeysPerJobMax`. */
  declaredKeys: { total: number };
}

export interface OperatorRuntime<B extends BatchColumns> {
  readonly operator: Operator<B>;
  readonly context: OperatorContext;
  /** Every table of the operator, timers included, by qualified name. */
  readonly tables: ReadonlyMap<string, StateTable<unknown>>;
  readonly windows: readonly WindowStateInternal<unknown, B>[];
  readonly timers: TimerServiceInternal;
  /** Runs onStart with declarations open. */
  start(): void;
}

const namePattern = /^[A-Za-z0-9_-]+$/;

export function checkName(job: string, what: string, name: string, operator?: string): void {
  if (!namePattern.test(name) || name.length > limits.streamNameBytesMax) {
    throw new StreamError('declaration', `${what} name ${JSON.stringify(name)} must be 1 to ${limits.streamNameBytesMax} letters, digits, _ or -`, { job, operator });
  }
}

export function createOperatorRuntime<B extends BatchColumns>(operator: Operator<B>, shared: JobShared): OperatorRuntime<B> {
  const { job, time } = shared;
  const name = operator.name;
  checkName(job, 'operator', name);
  const tables = new Map<string, StateTable<unknown>>();
  const windows: WindowStateInternal<unknown, B>[] = [];
  const timers = createTimerService(job, name, time);
  for (const table of timers.tables) tables.set(table.name, table as StateTable<unknown>);
  let declaring = false;

  const declareTable = <V>(stateName: string, options: StateOptions<V>, hooks: Pick<StateTableOptions<V>, 'onNamespaceAdded' | 'onNamespaceRemoved'> = {}): StateTable<V> => {
    if (!declaring) throw new StreamError('declaration', `state ${stateName} must be declared in onStart`, { job, operator: name });
    checkName(job, 'state', stateName, name);
    const qualifiedName = `${name}.${stateName}`;
    if (tables.has(qualifiedName)) throw new StreamError('declaration', `state ${stateName} is declared twice`, { job, operator: name });
    const keysMax = options.keysMax ?? limits.streamStateKeysDefault;
    shared.declaredKeys.total += keysMax;
    if (shared.declaredKeys.total > limits.streamStateKeysPerJobMax) {
      throw new StreamError('state_bound', `its states declare ${shared.declaredKeys.total} keys in all, over ${limits.streamStateKeysPerJobMax}`, { job, operator: name });
    }
    const ttlMs = options.ttlMs ?? 0;
    assert(Number.isSafeInteger(ttlMs) && ttlMs >= 0, () => `${qualifiedName}: ttlMs must be a whole number of ms, at least 0`);
    const table = createStateTable<V>({ job, operator: name, qualifiedName, codec: options.codec, keysMax, whenFull: options.whenFull ?? 'evict-least-recently-updated', ttlMs, time, ...hooks });
    tables.set(qualifiedName, table as StateTable<unknown>);
    return table;
  };

  const context: OperatorContext = {
    job,
    operator: name,
    partitions: shared.partitions,
    clock: shared.clock,
    logger: shared.logger,
    watermarkMs: () => time.watermarkMs,
    partitionWatermarkMs: (partition) => shared.watermarks.partitionWatermarkMs(partition),
    keyedState: (stateName, options) => createKeyedState(stateName, declareTable(stateName, options)),
    windowState(stateName, options) {
      assert(Number.isSafeInteger(options.allowedLatenessMs) && options.allowedLatenessMs >= 0, () => `${name}.${stateName}: allowedLatenessMs must be a whole number of ms, at least 0`);
      const index = createWindowIndex();
      const table = declareTable(stateName, options, { onNamespaceAdded: index.added, onNamespaceRemoved: index.removed });
      const state = createWindowState(stateName, options, { table, index, late: context.late, time });
      windows.push(state as unknown as WindowStateInternal<unknown, B>);
      return state;
    },
    view(viewName, codec) {
      if (!declaring) throw new StreamError('declaration', `view ${viewName} must be declared in onStart`, { job, operator: name });
      checkName(job, 'view', viewName, name);
      return shared.views.writer(name, viewName, codec);
    },
    timers,
    late: shared.late.forOperator(name),
    emit(channel, payload) {
      const { live } = shared;
      if (live.messages.length >= live.max) live.dropped++;
      else live.messages.push({ job, operator: name, channel, payload });
    },
  };

  return {
    operator,
    context,
    tables,
    windows,
    timers,
    start() {
      declaring = true;
      try {
        operator.onStart?.(context);
      } finally {
        declaring = false;
      }
    },
  };
}
