// The NATS JetStream implementation of the transports (loaded only when --nats is given).
export { connectNats, connectionOptions, TransportError, type NatsSettings } from './connection.js';
export { ensureLayout, publishDurably, queueDefaults, type QueueSettings } from './streams.js';
export { NatsOrchestratorTransport, type NatsOrchestratorOptions } from './orchestrator-transport.js';
export { NatsWorkerTransport, type NatsWorkerOptions } from './worker-transport.js';
