import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend, tf } from '../mollifier/backend/index.js';
import type { Tensor } from '../mollifier/backend/tf.js';
import { kernelWeights1d, kernelWeights2d } from '../mollifier/kernels/index.js';
import { LayerError, Mollifier1d, Mollifier2d, mollify1d, mollify2d } from '../mollifier/layer/index.js';
import { correlate1d, correlate2d, maxAbsDifference, maxAbs, relativeMaxError, seededNormals } from './support/grid-functions.js';

// The backend the ladder (or MOLLIFIER_BACKEND) chose, then cpu: wasm and cpu by default; webgpu and cpu when
// test/webgpu.test.ts runs this file with MOLLIFIER_BACKEND=webgpu. Every read is asynchronous for webgpu.
await initBackend({ log: false });
const backends = [...new Set([tf.getBackend(), 'cpu'])];

async function onEachBackend(body: (backend: string) => void | Promise<void>): Promise<void> {
  const original = tf.getBackend();
  try {
    for (const backend of backends) {
      assert.ok(await tf.setBackend(backend), `backend ${backend}`);
      await body(backend);
    }
  } finally {
    await tf.setBackend(original);
  }
}

async function values(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

test('1D layer output equals the float64 cross-correlation of its kernels (valid boundary)', async () => {
  await onEachBackend(async () => {
    const n = 50;
    const h = 0.02;
    const g = Array.from({ length: n }, (_, i) => Math.sin(3 * i * h) + 0.2 * Math.cos(11 * i * h));
    const layer = new Mollifier1d({ radius: 4, spacing: h, orders: [0, 1, 2, 4] });
    const input = tf.tensor1d(g);
    const outputs = layer.apply(input);
    for (const [c, order] of layer.orders.entries()) {
      const expected = correlate1d(g, kernelWeights1d({ family: 'bump', radius: 4, spacing: h, order }));
      assert.deepEqual(outputs[c]!.shape, [n - 8]);
      const tolerance = 2e-6 * maxAbs(kernelWeights1d({ family: 'bump', radius: 4, spacing: h, order }).map(Math.abs)) * 9;
      assert.ok(maxAbsDifference(await values(outputs[c]!), expected) <= tolerance, `order ${order}`);
    }
    tf.dispose([input, ...outputs]);
    layer.dispose();
  });
});

test('periodic boundary keeps the length and differentiates a periodic field everywhere', async () => {
  await onEachBackend(async () => {
    const n = 128;
    const h = 1 / n;
    const x = Array.from({ length: n }, (_, i) => i * h);
    const input = tf.tensor2d([x.map((v) => Math.sin(2 * Math.PI * v))]);
    const [d1, d2] = mollify1d(input, { radius: 3, spacing: h, orders: [1, 2], boundary: 'periodic' });
    assert.deepEqual(d1!.shape, [1, n]);
    const truth1 = x.map((v) => 2 * Math.PI * Math.cos(2 * Math.PI * v));
    const truth2 = x.map((v) => -4 * Math.PI ** 2 * Math.sin(2 * Math.PI * v));
    assert.ok(relativeMaxError(await values(d1!), truth1) < 0.01);
    assert.ok(relativeMaxError(await values(d2!), truth2) < 0.01);
    tf.dispose([input, d1!, d2!]);
  });
});

test('reflect boundary keeps the length and mirrors without repeating the edge node', async () => {
  const n = 20;
  const g = Array.from({ length: n }, (_, i) => (i * 0.1) ** 2);
  const input = tf.tensor1d(g);
  const [value] = mollify1d(input, { radius: 2, spacing: 0.1, orders: [0], boundary: 'reflect' });
  assert.deepEqual(value!.shape, [n]);
  const padded = [g[2]!, g[1]!, ...g, g[n - 2]!, g[n - 3]!];
  const expected = correlate1d(padded, kernelWeights1d({ family: 'bump', radius: 2, spacing: 0.1, order: 0 }));
  assert.ok(maxAbsDifference(await values(value!), expected) < 1e-6);
  tf.dispose([input, value!]);
});

test('2D separable and full-kernel layers agree, and both equal the float64 2D correlation', async () => {
  await onEachBackend(async () => {
    const ny = 30;
    const nx = 34;
    const [hy, hx] = [0.03, 0.025];
    const g = new Float64Array(ny * nx);
    for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) g[i * nx + j] = Math.sin(2 * j * hx + 0.5) * Math.cos(3 * i * hy) + 0.1 * i * hy;
    const operators = ['value', 'dx', 'dy', 'dxx', 'dyy', 'dxy', 'laplacian', 'biharmonic'] as const;
    const input = tf.tensor2d(Float32Array.from(g), [ny, nx]);
    const separable = mollify2d(input, { radius: 3, spacing: [hy, hx], operators: [...operators] });
    const full = mollify2d(input, { radius: 3, spacing: [hy, hx], operators: [...operators], separable: false });
    for (const [o, operator] of operators.entries()) {
      assert.deepEqual(separable[o]!.shape, [ny - 6, nx - 6]);
      const { weights } = kernelWeights2d({ family: 'bump', radius: 3, spacing: [hy, hx], operator });
      const expected = correlate2d(g, ny, nx, weights);
      const scale = maxAbs(weights.map(Math.abs)) * 49 * maxAbs(g);
      assert.ok(maxAbsDifference(await values(separable[o]!), expected) <= 3e-6 * scale, `${operator} separable`);
      assert.ok(maxAbsDifference(await values(full[o]!), expected) <= 3e-6 * scale, `${operator} full`);
    }
    tf.dispose([input, ...separable, ...full]);
  });
});

test('batch and channel dimensions are kept, each channel mollified on its own', async () => {
  const layer = new Mollifier2d({ radius: 2, spacing: 0.1, operators: ['laplacian'], boundary: 'periodic' });
  const a = tf.randomNormal([12, 10], 0, 1, 'float32', 1);
  const b = tf.randomNormal([12, 10], 0, 1, 'float32', 2);
  const stacked = tf.reshape(tf.stack([a, b], 2), [1, 12, 10, 2]);
  const [both] = layer.apply(stacked);
  const [onlyA] = layer.apply(a);
  const [onlyB] = layer.apply(b);
  assert.deepEqual(both!.shape, [1, 12, 10, 2]);
  const [outA, outB] = tf.split(tf.reshape(both!, [12, 10, 2]), 2, 2);
  assert.ok(maxAbsDifference(await values(outA!), await values(onlyA!)) < 1e-4);
  assert.ok(maxAbsDifference(await values(outB!), await values(onlyB!)) < 1e-4);
  tf.dispose([a, b, stacked, both!, onlyA!, onlyB!, outA!, outB!]);
  layer.dispose();
});

function weightedLoss(outputs: Tensor[], probes: Tensor[]): Tensor {
  // A nonlinear scalar of every output, so the gradient check exercises each operator's channel.
  return tf.addN(outputs.map((o, i) => tf.sum(tf.mul(tf.square(o), probes[i]!))));
}

test('gradients through the mollifier layer agree with finite differences (1D and 2D, every boundary)', async () => {
  await onEachBackend(async () => {
    for (const boundary of ['valid', 'reflect', 'periodic'] as const) {
      const layer1 = new Mollifier1d({ radius: 3, spacing: 0.1, orders: [0, 1, 2], boundary });
      const layer2 = new Mollifier2d({ radius: 2, spacing: 0.1, operators: ['value', 'laplacian', 'biharmonic'], boundary });
      for (const [layer, shape] of [[layer1, [24]], [layer2, [11, 12]]] as const) {
        const g0 = Float64Array.from(seededNormals(shape.reduce((a, b) => a * b, 1), 5));
        const probeShapes = tf.tidy(() => layer.apply(tf.zeros([...shape]))).map((t) => {
          t.dispose();
          return t.shape;
        });
        const probes = probeShapes.map((s, i) => tf.randomUniform(s, 0.5, 1.5, 'float32', 10 + i));
        const loss = (g: Tensor) => weightedLoss(layer.apply(g), probes);
        const before = tf.memory().numTensors;
        const gradient = tf.tidy(() => tf.grad(loss)(tf.tensor(Float32Array.from(g0), [...shape])));
        assert.equal(tf.memory().numTensors, before + 1, 'no tensor leaked by apply + grad');
        const analytic = await values(gradient);
        gradient.dispose();
        // Central differences of the float32 loss in float64 steps, on a few entries.
        const delta = 1e-2;
        for (const index of [0, 3, Math.floor(g0.length / 2), g0.length - 1]) {
          const evaluate = async (shift: number) => {
            const g = Float64Array.from(g0);
            g[index] = g[index]! + shift;
            const value = tf.tidy(() => loss(tf.tensor(Float32Array.from(g), [...shape])));
            const result = (await value.data())[0]!;
            value.dispose();
            return result;
          };
          const numeric = ((await evaluate(delta)) - (await evaluate(-delta))) / (2 * delta);
          const scale = Math.max(Math.abs(numeric), maxAbs(analytic) * 1e-2);
          assert.ok(Math.abs(analytic[index]! - numeric) <= 2e-2 * scale, `${boundary} ${shape} [${index}]: ${analytic[index]} vs ${numeric}`);
        }
        tf.dispose(probes);
        layer.dispose();
      }
    }
  });
});

test('no tensors leak: apply keeps only its outputs, dispose frees the filters', () => {
  const start = tf.memory().numTensors;
  const layer = new Mollifier2d({ radius: 2, spacing: 0.1, operators: ['dx', 'laplacian'] });
  const afterBuild = tf.memory().numTensors;
  const g = tf.ones([1, 16, 16, 1]);
  const outputs = layer.apply(g);
  assert.equal(tf.memory().numTensors, afterBuild + 1 + outputs.length);
  tf.dispose([g, ...outputs]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, start);
  assert.throws(() => layer.apply(tf.ones([8, 8])), LayerError);
});

test('a grid too small for the kernel or a wrong rank is refused with a clear error', () => {
  const g = tf.ones([6]);
  assert.throws(() => mollify1d(g, { radius: 3, spacing: 0.1 }), /grid length has 6 nodes, too few for radius 3/);
  assert.throws(() => mollify2d(g, { radius: 1, spacing: 0.1 }), /2D mollifier takes a tensor/);
  assert.throws(() => mollify1d(g, { radius: 1, spacing: 0.1, boundary: 'wrap' as never }), /unknown boundary mode 'wrap'/);
  g.dispose();
});

test('regression: reflect padding passes gradients back to the mirrored nodes (tfjs MirrorPad gradient drops them)', async () => {
  // d/dg Σ reflectPad(g) counts each node once for itself plus once per mirror image.
  const g = tf.tensor1d([1, 2, 3, 4, 5, 6]);
  const identity = new Mollifier1d({ radius: 2, spacing: 1, orders: [0], boundary: 'reflect' });
  const gradient = tf.grad((x: Tensor) => tf.sum(identity.apply(x)[0]!))(g);
  // Every output is a mass-1 average, so the gradient sums to the number of outputs.
  assert.ok(Math.abs((await tf.sum(gradient).data())[0]! - 6) < 1e-5);
  const stock = tf.grad((x: Tensor) => tf.sum(tf.mirrorPad(x, [[2, 2]], 'reflect')))(g);
  assert.notDeepEqual([...(await stock.data())], [1, 2, 2, 2, 2, 1], 'tfjs fixed its MirrorPad gradient: padAxes may use tf.mirrorPad again');
  tf.dispose([g, gradient, stock]);
  identity.dispose();
});
