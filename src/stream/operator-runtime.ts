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

interface Declarations {
  shared: JobShared;
  operator: string;
  tables: Map<string, StateTable<unknown>>;
  /** Declarations are allowed only while onStart runs. */
  open: boolean;
}

function declareTable<V>(
  declarations: Declarations,
  stateName: string,
  options: StateOptions<V>,
  hooks: Pick<StateTableOptions<V>, 'onNamespaceAdded' | 'onNamespaceRemoved'> = {},
): StateTable<V> {
  const { shared, operator, tables } = declarations;
  const { job, time } = shared;
  if (!declarations.open) throw new StreamError('declaration', `state ${stateName} must be declared in onStart`, { job, operator });
  checkName(job, 'state', stateName, operator);
  const qualifiedName = `${operator}.${stateName}`;
  if (tables.has(qualifiedName)) throw new StreamError('declaration', `state ${stateName} is declared twice`, { job, operator });
  const keysMax = options.keysMax ?? limits.streamStateKeysDefault;
  shared.declaredKeys.total += keysMax;
  if (shared.declaredKeys.total > limits.streamStateKeysPerJobMax) {
    throw new StreamError('state_bound', `its states declare ${shared.declaredKeys.total} keys in all, over ${limits.streamStateKeysPerJobMax}`, { job, operator });
  }
  const ttlMs = options.ttlMs ?? 0;
  assert(Number.isSafeInteger(ttlMs) && ttlMs >= 0, () => `${qualifiedName}: ttlMs must be a whole number of ms, at least 0`);
  const whenFull = options.whenFull ?? 'evict-least-recently-updated';
  const table = createStateTable<V>({ job, operator, qualifiedName, codec: options.codec, keysMax, whenFull, ttlMs, time, ...hooks });
  tables.set(qualifiedName, table as StateTable<unknown>);
  return table;
}

function createContext<B extends BatchColumns>(declarations: Declarations, windows: WindowStateInternal<unknown, B>[], timers: TimerServiceInternal): OperatorContext {
  const { shared, operator } = declarations;
  const { job, time } = shared;
  const context: OperatorContext = {
    job,
    operator,
    partitions: shared.partitions,
    clock: shared.clock,
    logger: shared.logger,
    watermarkMs: () => time.watermarkMs,
    partitionWatermarkMs: (partition) => shared.watermarks.partitionWatermarkMs(partition),
    keyedState: (stateName, options) => createKeyedState(stateName, declareTable(declarations, stateName, options)),
    windowState(stateName, options) {
      assert(Number.isSafeInteger(options.allowedLatenessMs) && options.allowedLatenessMs >= 0, () => `${operator}.${stateName}: allowedLatenessMs must be a whole number of ms, at least 0`);
      const index = createWindowIndex();
      const table = declareTable(declarations, stateName, options, { onNamespaceAdded: index.added, onNamespaceRemoved: index.removed });
      const state = createWindowState(stateName, options, { table, index, late: context.late, time });
      windows.push(state as unknown as WindowStateInternal<unknown, B>);
      return state;
    },
    view(viewName, codec) {
      if (!declarations.open) throw new StreamError('declaration', `view ${viewName} must be declared in onStart`, { job, operator });
      checkName(job, 'view', viewName, operator);
      return shared.views.writer(operator, viewName, codec);
    },
    timers,
    late: shared.late.forOperator(operator),
    emit(channel, payload) {
      const { live } = shared;
      if (live.messages.length >= live.max) live.dropped++;
      else live.messages.push({ job, operator, channel, payload });
    },
  };
  return context;
}

export function createOperatorRuntime<B extends BatchColumns>(operator: Operator<B>, shared: JobShared): OperatorRuntime<B> {
  checkName(shared.job, 'operator', operator.name);
  const declarations: Declarations = { shared, operator: operator.name, tables: new Map(), open: false };
  const windows: WindowStateInternal<unknown, B>[] = [];
  const timers = createTimerService(shared.job, operator.name, shared.time);
  for (const table of timers.tables) declarations.tables.set(table.name, table as StateTable<unknown>);
  const context = createContext(declarations, windows, timers);
  return {
    operator,
    context,
    tables: declarations.tables,
    windows,
    timers,
    start() {
      declarations.open = true;
      try {
        operator.onStart?.(context);
      } finally {
        declarations.open = false;
      }
    },
  };
}
