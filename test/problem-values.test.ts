// A problem is a value: training runs a problem it has never heard of, here the steady heat equation in
// divergence form, ∇·(D∇u) + f = D Δu + ∇D·∇u + f = 0, whose residual needs derivatives of the parameter itself.
// Both derivative paths hand it ∇D, and the mollified ∇D is the layer's derivative of the learned D.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../mollifier/backend/index.js';
import { simulateProblem } from '../mollifier/pdes/simulate.js';
import { Mollifier2d } from '../mollifier/layer/index.js';
import { heat, type TermMap, type TrainingProblem } from '../mollifier/problems/index.js';
import { train, trainingData } from '../mollifier/training/index.js';
import { mlpFieldModel } from './support/mlp-field-model.js';

await initBackend({ log: false });

function divergenceHeat(seen: { keys: string[]; dDx?: Float32Array; nodes?: number }): TrainingProblem {
  return {
    ...heat,
    name: 'divergence-heat',
    derivatives: { u: ['value', 'dx', 'dy', 'laplacian'], D: ['dx', 'dy'] },
    residual: (t: TermMap, D) => {
      seen.keys = Object.keys(t).sort();
      seen.nodes = t['D:dx']!.shape[0];
      // A test reads the last step's ∇D on a CPU backend; the library never reads synchronously.
      seen.dDx = Float32Array.from(t['D:dx']!.dataSync());
      return tf.add(tf.add(tf.mul(D, t['u:laplacian']!), tf.add(tf.mul(t['D:dx']!, t['u:dx']!), tf.mul(t['D:dy']!, t['u:dy']!))), t.f!);
    },
  };
}

test('a problem training has never heard of: its declared derivatives of the field and of the parameter reach its residual, on both paths', async () => {
  const instance = { ...simulateProblem('heat', { case: 'smooth', grid: 16 }), problem: 'divergence-heat' };
  for (const derivatives of ['mollifier', 'autodiff'] as const) {
    const seen: { keys: string[]; dDx?: Float32Array; nodes?: number } = { keys: [] };
    const problem = divergenceHeat(seen);
    const data = trainingData(instance, { sample: 0.3, seed: 1, problem });
    assert.equal(data.problem.name, 'divergence-heat');
    const model = mlpFieldModel(2, 1, data.bounds, 1, 16, 2);
    const outcome = await train(data, model, { derivatives, epochs: 5, radius: 2, seed: 1, collocationBatch: 32 });
    assert.equal(outcome.status, 'completed', outcome.reason);
    assert.deepEqual(seen.keys, ['D:dx', 'D:dy', 'f', 'u:dx', 'u:dy', 'u:laplacian', 'u:value']);
    assert.equal(seen.nodes, derivatives === 'mollifier' ? 12 * 12 : 32);
    model.dispose();
  }
});

test('the mollified ∇D is the layer\'s derivative of the learned D on the whole grid (operator, orientation and trim as the field\'s)', async () => {
  const instance = { ...simulateProblem('heat', { case: 'smooth', grid: 24 }), problem: 'divergence-heat' };
  const seen: { keys: string[]; dDx?: Float32Array; dDy?: Float32Array } = { keys: [] };
  const problem = divergenceHeat(seen);
  const recordDy = problem.residual;
  problem.residual = (t, D, context) => {
    seen.dDy = Float32Array.from(t['D:dy']!.dataSync());
    return recordDy(t, D, context);
  };
  const data = trainingData(instance, { sample: 0.3, seed: 2, problem });
  const model = mlpFieldModel(2, 1, data.bounds, 2, 16, 2);
  // lr ~ 0 (and the schedule's floor too): the weights the last step saw are the weights read below.
  const outcome = await train(data, model, { derivatives: 'mollifier', epochs: 2, radius: 2, lr: 1e-12, lrMin: 1e-13, seed: 2 });
  assert.equal(outcome.status, 'completed');
  const grid = data.grid as Extract<typeof data.grid, { dims: 2 }>;
  const layer = new Mollifier2d({ family: 'bump', radius: 2, spacing: [grid.hy, grid.hx], operators: ['dx', 'dy'] });
  const [dx, dy] = tf.tidy(() => {
    const D = tf.exp(tf.reshape(model.apply(tf.tensor2d(data.coordinates, [data.nodes, 2])).parameter, [1, grid.ny, grid.nx, 1]));
    return layer.apply(D).map((t) => tf.reshape(t, [-1]));
  });
  const expected = { dx: await dx!.data(), dy: await dy!.data() };
  tf.dispose([dx!, dy!]);
  layer.dispose();
  const worst = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!) / (1 + Math.abs(b[i]!))));
  assert.equal(seen.dDx!.length, expected.dx.length);
  assert.ok(worst(seen.dDx!, expected.dx) < 1e-4, `∂D/∂x off by ${worst(seen.dDx!, expected.dx)}`);
  assert.ok(worst(seen.dDy!, expected.dy) < 1e-4, `∂D/∂y off by ${worst(seen.dDy!, expected.dy)}`);
  model.dispose();
});
