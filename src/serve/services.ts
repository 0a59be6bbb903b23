// What the serving process knows beyond the store: the speed layer's live views, the fraud
// verdicts, the stream workers' latest metrics and the batch orchestrator. `clickflow start`
// (src/cli/compose.ts) builds one and hands it to the query API, the metrics and the dashboard.
import type { Clock, Logger } from '../core/index.js';
import type { EventLog } from '../log/index.js';
import type { Orchestrator } from '../orchestrator/index.js';
import type { Store } from '../store/index.js';
import type { StreamMetrics, WorkerStatus } from '../stream/index.js';
import type { CounterViews } from './counter-views.js';
import type { FraudAlertHub } from './fraud-alerts.js';
import type { VerdictTable } from './fraud-verdict-table.js';
import type { RedirectStats } from './redirect.js';

/** One stream job as the serving process sees it: its workers and each one's latest metrics. */
export interface StreamJobStatus {
  job: string;
  workers: WorkerStatus[];
  /** The latest metrics each worker reported with a commit (absent before its first commit). */
  metrics: StreamMetrics[];
  /** The latest commit of any of its workers, by the serving process's clock; null before any. */
  lastCommitAtMs: number | null;
}

export interface ServingServices {
  store: Store;
  log: EventLog;
  clock: Clock;
  logger: Logger;
  /** The data folder: `lake/` (raw clicks), `rollups/`, `outbox/`, `invoices/` are under it. */
  dataDir: string;
  counterViews: CounterViews;
  fraudTable: VerdictTable;
  fraudAlerts: FraudAlertHub;
  /** Every stream job the process runs (`speed`, `archiver`). */
  streamJobs(): StreamJobStatus[];
  /** The batch orchestrator, when this process runs the batch role. */
  orchestrator: Orchestrator | undefined;
  /** The redirect path's counters (requests, clicks, errors), when this process serves redirects. */
  redirectStats?(): RedirectStats;
}
