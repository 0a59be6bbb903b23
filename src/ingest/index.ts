// The ingest layer's public names: the ingestor every click goes through, and click enrichment.
export { createIngestor } from './ingestor.js';
export type { Ingestor, IngestorOptions, IngestStats, SubmitResult } from './ingestor.js';
export { classifyUserAgent, createUserAgentClassifier } from './user-agent.js';
export type { UserAgentClass } from './user-agent.js';
