import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../mollifier/backend/index.js';
import type { Tensor2D } from '../mollifier/backend/tf.js';
import { createMlp, defaultFourierFeatures, NetError, type Mlp, type MlpOptions } from '../mollifier/nets/index.js';
import {
  AutodiffError,
  biharmonic2d,
  derivative1d,
  derivatives1d,
  derivatives1dOfOutputs,
  laplacian2d,
  operators2d,
  operators2dOfOutputs,
  planExpansions,
  type Operator2d,
} from '../mollifier/autodiff/index.js';
import {
  biharmonicFd,
  copyParameters,
  derivativeFd1d,
  float64Field,
  float64Mlp,
  laplacianFd,
  partialFd,
  relativeError,
  type Field,
} from './support/float64-mlp.js';

await initBackend();

const upgraded = (inputDim: number): MlpOptions => ({
  inputDim,
  width: 32,
  depth: 3,
  activation: 'tanh',
  layerNorm: true,
  residual: true,
  fourier: defaultFourierFeatures,
  seed: 7,
});

// Points are float32-exact so tfjs and the float64 reference see the same inputs.
const points1d = Array.from({ length: 20 }, (_, i) => Math.fround(-0.95 + (1.9 * i) / 19 + 0.013 * Math.sin(i)));
const points2d = Array.from({ length: 20 }, (_, i) => [Math.fround(Math.cos(2.4 * i) * 0.8), Math.fround(Math.sin(1.7 * i + 0.3) * 0.8)] as const);

// Step for the finite differences: a small fraction of the shortest wavelength the network can express.
// Not smaller: the 4th-order stencil divides rounding error by h⁴ (h = 0.02 gave 1 % error on a sigmoid net).
// elu'' jumps at 0, and a stencil straddling a neuron's kink is not smooth enough for Richardson: a short
// step (only orders 1-2 are checked there) makes straddling rare (h = 0.1 gave 1.6e-3).
function fdStep(options: MlpOptions): number {
  if (options.activation === 'elu') return 0.002;
  return options.fourier ? 0.05 / options.fourier.maxFrequency : 0.1;
}

// Every read is asynchronous, so this file runs on webgpu too (test/webgpu.test.ts), where dataSync throws.
async function read(tensor: Tensor2D): Promise<Float32Array> {
  return (await tensor.data()) as Float32Array;
}

async function withNet<T>(options: MlpOptions, body: (net: Mlp, field: Field) => T | Promise<T>): Promise<T> {
  const net = createMlp(options);
  try {
    return await body(net, float64Field(net.options, await net.parameters()));
  } finally {
    net.dispose();
  }
}

async function check1d(options: MlpOptions, orders: Array<1 | 2 | 3 | 4>, tolerance: number): Promise<number[]> {
  return withNet(options, async (net, field) => {
    const h = fdStep(options);
    const x = tf.tensor2d(points1d, [points1d.length, 1]);
    const before = tf.memory().numTensors;
    const computed = tf.tidy(() => derivatives1d((p) => net.apply(p), x, orders));
    const values = await Promise.all(computed.map(read));
    tf.dispose(computed);
    assert.equal(tf.memory().numTensors, before, 'derivatives1d leaked tensors');
    x.dispose();
    return orders.map((order, k) => {
      const reference = points1d.map((p) => derivativeFd1d(field, p, order, h));
      const error = relativeError(values[k]!, reference);
      assert.ok(error < tolerance, `${options.activation} order ${order}: relative error ${error.toExponential(2)}`);
      return error;
    });
  });
}

test('createMlp: shapes, seeded init, parameter snapshot, option checks, dispose', async () => {
  const before = tf.memory().numTensors;
  const options: MlpOptions = { inputDim: 2, outputDim: 3, width: 8, depth: 3, layerNorm: true, fourier: defaultFourierFeatures };
  const [a, b, c] = [createMlp(options), createMlp(options), createMlp({ ...options, seed: 1 })];
  const [pa, pb, pc] = await Promise.all([a.parameters(), b.parameters(), c.parameters()]);
  assert.deepEqual(pa.map((p) => p.name), [
    'hidden0/kernel', 'hidden0/bias', 'hidden0/norm/gain', 'hidden0/norm/bias',
    'hidden1/kernel', 'hidden1/bias', 'hidden1/norm/gain', 'hidden1/norm/bias',
    'hidden2/kernel', 'hidden2/bias', 'hidden2/norm/gain', 'hidden2/norm/bias',
    'output/kernel', 'output/bias',
  ]);
  assert.deepEqual(a.parameterShapes(), pa.map(({ name, shape }) => ({ name, shape })));
  assert.deepEqual(pa[0]!.shape, [2 * 16 * 2, 8]);
  assert.deepEqual(pa, pb, 'same seed, same weights');
  assert.notDeepEqual(pa[0]!.values, pc[0]!.values, 'another seed, other weights');
  const x = tf.randomUniform([5, 2]) as Tensor2D;
  const y = a.apply(x);
  assert.deepEqual(y.shape, [5, 3]);
  const reference = float64Mlp(a.options, pa);
  const values = await y.array();
  const x64 = await x.array();
  assert.ok(relativeError(values.flat(), x64.flatMap((p) => reference(p))) < 1e-5, 'float64 forward pass agrees');
  const wrongWidth = tf.zeros([5, 3]) as Tensor2D;
  assert.throws(() => a.apply(wrongWidth), NetError);
  wrongWidth.dispose();
  assert.throws(() => createMlp({ ...options, width: 0 }), NetError);
  assert.throws(() => createMlp({ ...options, activation: 'gelu' as 'tanh' }), /gelu/);
  tf.dispose([x, y]);
  for (const net of [a, b, c]) net.dispose();
  assert.throws(() => a.apply(x), NetError);
  assert.equal(tf.memory().numTensors, before, 'variables and frequencies released');
});

test('expansions: one backward pass per expanded partial, lower orders and siblings shared', () => {
  assert.deepEqual(planExpansions([[1], [4], [0], [2]], 1), [[0], [1], [2], [3]]);
  // The Laplacian: u, then u_x and u_y (what nested torch.autograd.grad does).
  assert.deepEqual(planExpansions([[2, 0], [0, 2], [1, 1], [0, 0]], 2), [[0, 0], [1, 0], [0, 1]]);
  // The biharmonic: u_xxyy from u_xxy, which the u_xxxx route reached already.
  const biharmonic = planExpansions([[4, 0], [2, 2], [0, 4], [2, 0], [0, 2]], 2);
  assert.equal(biharmonic.length, 8);
  assert.deepEqual(biharmonic.slice(0, 3), [[0, 0], [1, 0], [0, 1]]);
  assert.ok(biharmonic.some((p) => p.join() === '2,1') || biharmonic.some((p) => p.join() === '1,2'));
  assert.deepEqual(planExpansions([[0, 0]], 2), []);
  // Parents always come before their children, and a deep 3D request plans without blowing up.
  const deep = planExpansions([[4, 4, 4], [6, 0, 0]], 3);
  const seen = new Set(['0,0,0']);
  for (const parent of deep) {
    assert.ok(seen.has(parent.join()), `parent ${parent} expanded before it was reached`);
    for (let axis = 0; axis < 3; axis++) seen.add(parent.map((k, j) => (j === axis ? k + 1 : k)).join());
  }
  assert.ok(seen.has('4,4,4') && seen.has('6,0,0'));
});

test('1D derivatives of orders 1-4 match float64 finite differences (tanh, layer norm, Fourier, residual)', async () => {
  const errors = await check1d(upgraded(1), [1, 2, 3, 4], 1e-3);
  console.log(`1D upgraded net, relative errors of orders 1-4: ${errors.map((e) => e.toExponential(2)).join(' ')}`);
});

test('2D Laplacian and biharmonic match float64 finite differences (tanh, layer norm, Fourier, residual)', async () => {
  await withNet(upgraded(2), async (net, field) => {
    const h = fdStep(upgraded(2));
    const xy = tf.tensor2d(points2d.flat(), [points2d.length, 2]);
    const before = tf.memory().numTensors;
    const [laplacian, biharmonic] = tf.tidy(() => [laplacian2d((p) => net.apply(p), xy), biharmonic2d((p) => net.apply(p), xy)]);
    const lapError = relativeError(await read(laplacian!), points2d.map((p) => laplacianFd(field, p, h)));
    const biError = relativeError(await read(biharmonic!), points2d.map((p) => biharmonicFd(field, p, h)));
    tf.dispose([laplacian!, biharmonic!]);
    assert.equal(tf.memory().numTensors, before, 'operators2d leaked tensors');
    xy.dispose();
    console.log(`2D upgraded net, relative errors: laplacian ${lapError.toExponential(2)}, biharmonic ${biError.toExponential(2)}`);
    assert.ok(lapError < 1e-3, `laplacian relative error ${lapError}`);
    assert.ok(biError < 1e-3, `biharmonic relative error ${biError}`);
  });
});

test('every 2D operator matches its finite-difference partials, in the order asked', async () => {
  await withNet({ inputDim: 2, width: 16, depth: 2, seed: 3 }, async (net, field) => {
    const asked: Operator2d[] = ['dxy', 'value', 'dyy', 'dx', 'laplacian', 'dy', 'dxx'];
    const orders: Record<Operator2d, Array<[number, number]>> = {
      value: [[0, 0]], dx: [[1, 0]], dy: [[0, 1]], dxx: [[2, 0]], dyy: [[0, 2]], dxy: [[1, 1]],
      laplacian: [[2, 0], [0, 2]], biharmonic: [],
    };
    const xy = tf.tensor2d(points2d.flat(), [points2d.length, 2]);
    const computed = tf.tidy(() => operators2d((p) => net.apply(p), xy, asked));
    for (const [k, name] of asked.entries()) {
      const reference = points2d.map((p) => orders[name].reduce((s, o) => s + partialFd(field, p, o, 0.1), 0));
      const error = relativeError(await read(computed[k]!), reference);
      assert.ok(error < 1e-3, `${name}: relative error ${error}`);
    }
    tf.dispose([xy, ...computed]);
  });
});

test('several outputs from one forward pass: operators2dOfOutputs and derivatives1dOfOutputs equal the column-by-column calls', async () => {
  await withNet({ inputDim: 2, outputDim: 3, width: 16, depth: 2, seed: 5 }, async (net) => {
    const xy = tf.tensor2d(points2d.flat(), [points2d.length, 2]);
    let forwards = 0;
    const u = (p: Tensor2D): Tensor2D => (forwards++, net.apply(p));
    const column = (c: number) => (p: Tensor2D): Tensor2D => tf.slice(net.apply(p), [0, c], [p.shape[0], 1]) as Tensor2D;
    const perOutput: Operator2d[][] = [['laplacian', 'value'], [], ['dxy', 'biharmonic']];
    const together = tf.tidy(() => operators2dOfOutputs(u, xy, perOutput));
    assert.equal(forwards, 1, 'one forward pass for every column and operator');
    for (const [c, operators] of perOutput.entries()) {
      assert.equal(together[c]!.length, operators.length);
      const apart = tf.tidy(() => operators2d(column(c), xy, operators));
      for (const [k, name] of operators.entries()) {
        const error = relativeError(await read(together[c]![k]!), await read(apart[k]!));
        assert.ok(error < 1e-5, `column ${c} ${name}: relative error ${error}`);
      }
      tf.dispose(apart);
    }
    tf.dispose([xy, ...together.flat()]);
  });
  await withNet({ inputDim: 1, outputDim: 2, width: 16, depth: 2, seed: 6 }, async (net) => {
    const x = tf.tensor2d(points1d, [points1d.length, 1]);
    const together = tf.tidy(() => derivatives1dOfOutputs((p) => net.apply(p), x, [[2], [0, 3]]));
    const apart = tf.tidy(() => [derivatives1d((p) => tf.slice(net.apply(p), [0, 0], [p.shape[0], 1]) as Tensor2D, x, [2]), derivatives1d((p) => tf.slice(net.apply(p), [0, 1], [p.shape[0], 1]) as Tensor2D, x, [0, 3])]);
    for (const [c, list] of together.entries()) {
      for (const [k, value] of list.entries()) assert.ok(relativeError(await read(value), await read(apart[c]![k]!)) < 1e-5, `1D column ${c}, entry ${k}`);
    }
    assert.throws(() => derivatives1dOfOutputs((p) => net.apply(p), x, [[1]]), (e: Error) => e instanceof AutodiffError && /\[N, 1\], got \[20, 2\]/.test(e.message));
    tf.dispose([x, ...together.flat(), ...apart.flat()]);
  });
});

test('plain tanh, sigmoid and elu networks', async () => {
  const plain: MlpOptions = { inputDim: 1, width: 24, depth: 3, seed: 1 };
  const errors = {
    tanh: await check1d(plain, [1, 2, 3, 4], 1e-3),
    sigmoid: await check1d({ ...plain, activation: 'sigmoid' }, [1, 2, 3, 4], 1e-3),
    elu: await check1d({ ...plain, activation: 'elu' }, [1, 2], 1e-3),
  };
  console.log(`plain nets, relative errors: ${JSON.stringify(errors, (_, v: unknown) => (typeof v === 'number' ? Number(v.toExponential(2)) : v))}`);
});

test('relu: derivatives past the first are zero, not an error', async () => {
  await withNet({ inputDim: 1, width: 8, depth: 2, activation: 'relu' }, async (net) => {
    const x = tf.tensor2d(points1d, [points1d.length, 1]);
    const [second, third] = tf.tidy(() => derivatives1d((p) => net.apply(p), x, [2, 3]));
    assert.ok((await read(second!)).every((v) => v === 0));
    assert.ok((await read(third!)).every((v) => v === 0));
    tf.dispose([x, second!, third!]);
  });
});

test('inside tf.variableGrads: weight gradients of a Laplacian loss match float64 finite differences', async () => {
  const options = upgraded(2);
  await withNet(options, async (net) => {
    const h = fdStep(options);
    const xy = tf.tensor2d(points2d.flat(), [points2d.length, 2]);
    const before = tf.memory().numTensors;
    // A PINN-like residual: mean (Δu - 1)².
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.square(tf.sub(laplacian2d((p) => net.apply(p), xy), 1))) as tf.Scalar,
      net.variables,
    );
    const parameters = await net.parameters();
    const lossOf = (params: typeof parameters): number => {
      const field = float64Field(net.options, params);
      return points2d.reduce((s, p) => s + (laplacianFd(field, p, h) - 1) ** 2, 0) / points2d.length;
    };
    const lossError = Math.abs((await value.data())[0]! - lossOf(parameters)) / lossOf(parameters);
    // A few individual weights across the network, layer norm included.
    const probes: Array<[string, number]> = [['hidden0/kernel', 5], ['hidden1/kernel', 77], ['hidden1/norm/gain', 3], ['hidden2/bias', 11], ['output/kernel', 9]];
    const autodiff: number[] = [];
    const reference: number[] = [];
    for (const [name, flat] of probes) {
      const k = parameters.findIndex((p) => p.name === name);
      autodiff.push((await grads[net.variables[k]!.name]!.data())[flat]!);
      const delta = 1e-3;
      const perturbed = (d: number): number => {
        const params = copyParameters(parameters);
        params[k]!.values[flat]! += d;
        return lossOf(params);
      };
      reference.push((perturbed(-2 * delta) - 8 * perturbed(-delta) + 8 * perturbed(delta) - perturbed(2 * delta)) / (12 * delta));
    }
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before, 'variableGrads leaked tensors');
    xy.dispose();
    const error = relativeError(autodiff, reference);
    console.log(`weight gradients of a Laplacian loss: relative error ${error.toExponential(2)} (loss ${lossError.toExponential(2)})`);
    assert.ok(lossError < 1e-3, `loss relative error ${lossError}`);
    assert.ok(error < 1e-2, `weight-gradient relative error ${error}: ${autodiff} vs ${reference}`);
  });
});

test('bad orders, operators and shapes throw AutodiffError naming the value', async () => {
  await withNet({ inputDim: 1, width: 4, depth: 1 }, (net) => {
    const u = (p: Tensor2D): Tensor2D => net.apply(p);
    const x = tf.zeros([3, 1]) as Tensor2D;
    const xy = tf.zeros([3, 2]) as Tensor2D;
    const before = tf.memory().numTensors;
    assert.throws(() => derivative1d(u, x, 5 as 4), (e: Error) => e instanceof AutodiffError && e.name === 'AutodiffError' && /5/.test(e.message));
    assert.throws(() => derivatives1d(u, x, [1, 2.5]), (e: Error) => e instanceof AutodiffError && /2\.5/.test(e.message));
    assert.throws(() => operators2d(u, xy, ['dx', 'curl' as Operator2d]), (e: Error) => e instanceof AutodiffError && /curl/.test(e.message));
    assert.throws(() => derivative1d(u, xy, 1), AutodiffError);
    // u maps [N, 1] -> [N, 1]; fed [N, 2] the network itself throws, under a gradient.
    assert.throws(() => laplacian2d(u, xy), /apply\(\) expects/);
    const notPointwise = (p: Tensor2D): Tensor2D => tf.concat([u(p), u(p)], 1) as Tensor2D;
    assert.throws(() => derivative1d(notPointwise, x, 2), (e: Error) => e instanceof AutodiffError && /\[3, 2\]/.test(e.message));
    assert.equal(tf.memory().numTensors, before, 'a refused call leaked tensors');
    tf.dispose([x, xy]);
  });
});
