// Worker entry (own tfjs engine): the gradient probes with the higher-order-gradient fix left out.
// Does nothing outside a worker, so a test runner that globs test/** may load it harmlessly.
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../../mollifier/backend/index.js';
import { runGradientProbes } from './gradient-probes.js';

if (parentPort) {
  const choice = await initBackend({ fixes: false, log: false });
  parentPort.postMessage({ backend: choice.tfBackend, fixes: choice.fixes, results: await runGradientProbes() });
}
