// The segmented backend's public names: its factory and options.
export { createSegmentedLog } from './segmented-log.js';
export type { SegmentedLogDeps } from './segmented-log.js';
export { segmentedLogOptionsSpec } from './options.js';
export type { SegmentedLogOptions } from './options.js';
