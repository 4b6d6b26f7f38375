// Worker entry (own tfjs engine): the wasm matmul as upstream ships it, without the transpose-free fix.
// Does nothing outside a worker, so a test runner that globs test/** may load it harmlessly.
import { parentPort } from 'node:worker_threads';
import { initBackend, wasmMatMulIsTransposeFree } from '../../mollifier/backend/index.js';
import { measureTransposeRatio } from './matmul-timing.js';

if (parentPort) {
  const choice = await initBackend({ fixes: false, log: false });
  parentPort.postMessage({
    backend: choice.tfBackend,
    transposeFree: wasmMatMulIsTransposeFree(),
    timing: choice.tfBackend === 'wasm' ? measureTransposeRatio() : null,
  });
}
