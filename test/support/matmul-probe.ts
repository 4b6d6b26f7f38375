// Worker entry (own tfjs engine): the wasm matmul as upstream ships it, without the transpose-free fix or the
// native kernels.
// Does nothing outside a worker, so a test runner that globs test/** may load it harmlessly.
import { parentPort } from 'node:worker_threads';
import { initBackend, isNativeKernel, tf, wasmMatMulIsTransposeFree } from '../../mollifier/backend/index.js';
import { measureTransposeRatio } from './matmul-timing.js';

if (parentPort) {
  const choice = await initBackend({ fixes: false, log: false });
  // Batched (batch > 1) fused.matMul with a bias, stock: the largest deviation from matMul + add.
  const batchedFusedBiasError = tf.tidy(() => {
    const a = tf.randomUniform([2, 3, 2], -1, 1, 'float32', 3);
    const b = tf.randomUniform([2, 2, 3], -1, 1, 'float32', 4);
    const bias = tf.tensor1d([0.5, -1, 2]);
    return tf.max(tf.abs(tf.sub(tf.fused.matMul({ a, b, bias }), tf.add(tf.matMul(a, b), bias)))).dataSync()[0]!;
  });
  parentPort.postMessage({
    backend: choice.tfBackend,
    transposeFree: wasmMatMulIsTransposeFree(),
    native: isNativeKernel(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc),
    batchedFusedBiasError,
    timing: choice.tfBackend === 'wasm' ? measureTransposeRatio() : null,
  });
}
