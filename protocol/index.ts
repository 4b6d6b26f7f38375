// The wire contract: the one entry the orchestrator and the workers import.
export { protocolVersion } from './version.js';
export { limits } from './limits.js';
export { fingerprintPath } from './fingerprint.js';
export * from './problem-modules.js';
export * from './job-options.js';
export * from './messages.js';
export { encode, decode, decodeOneOf, describeIssues, type Decoded } from './codec.js';
export { streams, subjects, workerConsumer, resultConsumer, leaseBucket, token } from './subjects.js';
export type { Delivery, OrchestratorTransport, WorkerTransport, SweepEvent, InvalidMessageHandler, SweepHolder, SweepLease } from './transport.js';
export { SweepTakenError } from './transport.js';
export { InProcessBroker, type InProcessOptions } from './in-process-transport.js';
export * from './artifact.js';
