// The part of the public entry that loads no TensorFlow.js: what a process that must stay free of it (the
// orchestrator's commands, a GPU worker's supervisor before it pins its lanes) may import. index.ts re-exports it.
export { logger, setLogger } from './log.js';
export { InputError } from './errors.js';
