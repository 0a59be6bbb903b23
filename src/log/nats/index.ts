// The JetStream backend's public names: its factory and options.
export { createNatsLog } from './nats-log.js';
export type { NatsLogDeps } from './nats-log.js';
export { natsLogOptionsSpec } from './options.js';
export type { NatsLogOptions } from './options.js';
