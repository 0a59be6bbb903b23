// The ingest layer's public names: the ingestor every click goes through, click enrichment, and
// the preparation of import requests (in process, or on a pool of worker threads).
export { createIngestor } from './ingestor.js';
export type { Ingestor, IngestorOptions, IngestStats, SubmitResult } from './ingestor.js';
export { classifyUserAgent, createUserAgentClassifier } from './user-agent.js';
export type { UserAgentClass } from './user-agent.js';
export type { EncodedClicks } from './encoded-clicks.js';
export { ImportBodyError } from './import-body.js';
export type { ImportBodyFormat } from './import-body.js';
export type { ImportRequest, ImportRejection, PreparedImport, SlugResolver } from './import-batch.js';
export { createInProcessPreparer } from './import-preparer.js';
export type { ImportPreparer, InProcessPreparerDeps } from './import-preparer.js';
export { createIngestPool, ingestPoolSpec } from './ingest-pool.js';
export type { IngestPoolDeps, IngestPoolOptions, IngestPoolWork } from './ingest-pool.js';
