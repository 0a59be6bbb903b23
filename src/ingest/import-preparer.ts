// Import preparers: the step of the ingest API between reading a body and appending its clicks
// (parse, validate, resolve slugs, enrich, encode, hash). Two implementations with one contract:
// a pool of worker threads (ingest-pool.ts), which the server uses, and this in-process one, for
// tests and tools that want no threads. Both run the same code (import-batch.ts).
import type { ClickValidationPolicy } from '../events/index.js';
import { prepareImport, type ImportRequest, type PreparedImport, type SlugResolver } from './import-batch.js';
import type { UserAgentClass } from './user-agent.js';

export interface ImportPreparer {
  /**
   * One request's clicks, encoded and hashed, with its rejected lines. The body is handed over:
   * its memory may be moved to another thread, so the caller must not use it afterwards. Rejects
   * with an ImportBodyError when the body is refused whole (413, 400).
   */
  prepare(request: ImportRequest): Promise<PreparedImport>;
  /** Stops the preparer; requests in flight fail. */
  close(): Promise<void>;
}

export interface InProcessPreparerDeps {
  resolveSlugs: SlugResolver;
  classifyUserAgent: (userAgent: string) => UserAgentClass;
  newEventId: () => string;
}

export function createInProcessPreparer(deps: InProcessPreparerDeps, options: { partitions: number; policy: ClickValidationPolicy }): ImportPreparer {
  const settings = { policy: options.policy, partitions: options.partitions, newEventId: deps.newEventId, classifyUserAgent: deps.classifyUserAgent };
  return {
    prepare: (request) => prepareImport(request, settings, deps.resolveSlugs),
    close: async () => undefined,
  };
}
