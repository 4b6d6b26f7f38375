// Worker entry (own tfjs engine): 50 Adam steps of a tanh MLP with a mollified Laplacian residual, on wasm with
// or without the native kernels (workerData.native), optionally with every initial weight moved by one float32
// ulp (workerData.perturb) to measure what round-off alone does to the trajectory. Posts the losses and weights.
// Does nothing outside a worker, so a runner that globs test/** may load it harmlessly.
import { parentPort, workerData } from 'node:worker_threads';
import { createMlp, initBackend, Mollifier2d, tf } from '../../mollifier/index.js';
import { nativeCallCounts } from '../../mollifier/backend/index.js';

interface Input {
  native: boolean;
  perturb: boolean;
  steps: number;
}

if (parentPort) {
  const { native, perturb, steps } = workerData as Input;
  const choice = await initBackend({ native, log: false });
  const side = 24;
  const h = 1 / (side - 1);
  const points = new Float32Array(side * side * 2);
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) points.set([j * h, i * h], (i * side + j) * 2);
  const x = tf.tensor2d(points, [side * side, 2]);
  const target = tf.tidy(() => tf.mul(tf.sin(tf.mul(tf.slice(x, [0, 0], [-1, 1]), 2 * Math.PI)), tf.cos(tf.mul(tf.slice(x, [0, 1], [-1, 1]), Math.PI))));
  const net = createMlp({ inputDim: 2, width: 48, depth: 3, seed: 11 });
  if (perturb) for (const v of net.variables) v.assign(tf.tidy(() => tf.mul(v, 1 + 2 ** -23)));
  const mollifier = new Mollifier2d({ radius: 3, spacing: h, operators: ['laplacian'] });
  const optimizer = tf.train.adam(3e-3);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(() =>
      tf.tidy(() => {
        const u = net.apply(x);
        const [laplacian] = mollifier.apply(tf.reshape(u, [side, side]));
        const data = tf.mean(tf.square(tf.sub(u, target)));
        return tf.add(data, tf.mul(1e-4, tf.mean(tf.square(laplacian!)))) as tf.Scalar;
      }),
    true) as tf.Scalar;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  const weights = await Promise.all(net.variables.map(async (v) => Array.from(await v.data())));
  parentPort.postMessage({ backend: choice.tfBackend, native: choice.native?.state, losses, weights: weights.flat(), calls: nativeCallCounts() });
}
