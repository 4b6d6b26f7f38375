// The three base architectures (mollifier/models): shapes, pointwise, weight gradients, nested input
// gradients against finite differences of the model itself, seeding, leaks, PirateNet's init, the factory.
//
// Finite differences run in float32 (the model itself), so they are noisy: the step h balances truncation
// (O(h⁴) with 5-point stencils; the PINN's Fourier features reach 5π per unit here) and rounding (≈ 5 ε |u| / h²). Points and h are powers of two apart, so x ± h is exact.
// Errors are max |autodiff − FD| over the points, relative to max |FD|: 1st derivatives within 1e-3 (measured
// ≤ 2e-4), the Laplacian within 2e-2 (measured ≤ 6e-3), and the 4th order (biharmonic) against FD of the
// autodiff Laplacian within 1e-2 (measured ≤ 8e-4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../mollifier/backend/index.js';
import type { Tensor2D, Variable } from '../mollifier/backend/tf.js';
import { partialDerivatives, type MultiIndex } from '../mollifier/autodiff/index.js';
import {
  createModel,
  createPirateNet,
  ModelError,
  modelNames,
  pinnPresets,
  pinnsFormerPresets,
  pirateNetPresets,
  ridgeLeastSquares,
  type AnyModelOptions,
  type FieldModel,
  type ModelName,
  type NamedFieldModel,
} from '../mollifier/models/index.js';

await initBackend({ log: false });

// Small sizes for CI. PINNsFormer: 2 layers (the last decoder layer runs on step 0 only, the others on all
// steps) and 2 heads, so both code paths run.
const small: Record<ModelName, Partial<AnyModelOptions>> = {
  pinn: { width: 16, depth: 3 },
  piratenet: { width: 16, depth: 2 },
  pinnsformer: { width: 8, depth: 2, heads: 2, feedForwardWidth: 16, headWidth: 16 },
};

// Wider than the points so that the scaled coordinates stay inside [-1, 1] and frequencies are moderate.
const bounds = (dim: number): Array<[number, number]> => Array.from({ length: dim }, (): [number, number] => [-2, 2]);

function build(name: ModelName, inputDim: number, fieldChannels: number, extra: Partial<AnyModelOptions> = {}): NamedFieldModel {
  return createModel(name, { inputDim, fieldChannels, bounds: bounds(inputDim), seed: 3, ...small[name], ...extra }) as NamedFieldModel;
}

/** PirateNet starts with α = 0, which hides its blocks; derivative and gradient checks open them. */
function openBlocks(model: NamedFieldModel): void {
  model.variables.forEach((v, i) => {
    if (model.variableNames[i]!.endsWith('alpha')) v.assign(tf.tensor1d([0.5]));
  });
}

// Float32-exact points in (-1.5, 1.5): multiples of 1/64.
function points(n: number, dim: number, shift = 0): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, j) => Math.round(64 * 1.4 * Math.sin(1.7 * (i + shift) + 2.3 * j + 0.4)) / 64));
}

function read(t: Tensor2D): Float32Array {
  return t.dataSync() as Float32Array;
}

function maxRelative(computed: ArrayLike<number>, reference: ArrayLike<number>): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i += 1) {
    error = Math.max(error, Math.abs(computed[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return error / Math.max(scale, 1e-6);
}

/** Columns of one output of the model, as a point function [N, d] -> [N, 1]. */
const output = (model: FieldModel, channel: number) => (x: Tensor2D): Tensor2D =>
  tf.tidy(() => {
    const out = model.apply(x);
    return channel < out.field.shape[1]
      ? tf.slice(out.field, [0, channel], [x.shape[0], 1])
      : out.parameter;
  }) as Tensor2D;

// FD step per model: the PINN's Fourier features (up to 10π on [-1, 1], 5π per unit here) need a shorter one
// (measured on the 1D PINN: 1st-derivative error 6.6e-3 at 1/128, 5.2e-4 at 1/256, 3.5e-5 at 1/512).
const fdStep: Record<ModelName, number> = { pinn: 1 / 512, piratenet: 1 / 128, pinnsformer: 1 / 128 };

/** Every point, then each point shifted by +h, -h, +2h, -2h along each axis: one batch (models are pointwise). */
function stencilPoints(base: number[][], h: number): number[][] {
  const dim = base[0]!.length;
  const shifted: number[][] = [...base];
  for (let j = 0; j < dim; j += 1) {
    for (const step of [h, -h, 2 * h, -2 * h]) shifted.push(...base.map((p) => p.map((v, k) => (k === j ? v + step : v))));
  }
  return shifted;
}

/**
 * From values at stencilPoints, by the 5-point (4th-order accurate) central stencils:
 * [first derivative per axis (each n long), Laplacian].
 */
function finiteDifferences(values: ArrayLike<number>, n: number, dim: number, h: number): { first: number[][]; laplacian: number[] } {
  const at = (block: number, i: number): number => values[block * n + i]!;
  const shifts = (j: number, i: number) => ({ p1: at(1 + 4 * j, i), m1: at(2 + 4 * j, i), p2: at(3 + 4 * j, i), m2: at(4 + 4 * j, i) });
  const first = Array.from({ length: dim }, (_, j) =>
    Array.from({ length: n }, (_, i) => {
      const { p1, m1, p2, m2 } = shifts(j, i);
      return (8 * (p1 - m1) - (p2 - m2)) / (12 * h);
    }),
  );
  const laplacian = Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < dim; j += 1) {
      const { p1, m1, p2, m2 } = shifts(j, i);
      sum += (16 * (p1 + m1) - (p2 + m2) - 30 * at(0, i)) / (12 * h * h);
    }
    return sum;
  });
  return { first, laplacian };
}

const unit = (dim: number, axis: number, order: number): MultiIndex => Array.from({ length: dim }, (_, j) => (j === axis ? order : 0));

const cases: Array<[number, number]> = [
  [1, 1],
  [1, 2],
  [2, 1],
  [2, 2],
];

for (const name of modelNames) {
  test(`${name}: shapes, pointwise, every variable gets a finite weight gradient, no leaks`, () => {
    for (const [inputDim, fieldChannels] of cases) {
      const model = build(name, inputDim, fieldChannels);
      openBlocks(model);
      const label = `${name} inputDim ${inputDim} fieldChannels ${fieldChannels}`;
      const before = tf.memory().numTensors;
      const x = tf.tensor2d(points(6, inputDim));
      // Rows 3-5 replaced: rows 0-2 must not change.
      const other = tf.tensor2d([...points(3, inputDim), ...points(3, inputDim, 10)]);
      const a = model.apply(x);
      const b = model.apply(other);
      assert.deepEqual(a.field.shape, [6, fieldChannels], label);
      assert.deepEqual(a.parameter.shape, [6, 1], label);
      const [fa, fb, pa, pb] = [read(a.field), read(b.field), read(a.parameter), read(b.parameter)];
      assert.ok([...fa, ...pa].every(Number.isFinite), `${label}: finite outputs`);
      assert.deepEqual(fa.slice(0, 3 * fieldChannels), fb.slice(0, 3 * fieldChannels), `${label}: field pointwise`);
      assert.deepEqual(pa.slice(0, 3), pb.slice(0, 3), `${label}: parameter pointwise`);
      assert.notDeepEqual(fa.slice(3 * fieldChannels), fb.slice(3 * fieldChannels), `${label}: other rows did change`);

      const { value, grads } = tf.variableGrads(() => {
        const out = model.apply(x);
        return tf.add(tf.mean(tf.square(out.field)), tf.mean(tf.square(out.parameter))) as tf.Scalar;
      }, model.variables);
      assert.ok(Number.isFinite(value.dataSync()[0]!));
      model.variables.forEach((v: Variable, i) => {
        const grad = grads[v.name];
        const varName = `${label} ${model.variableNames[i]}`;
        assert.ok(grad, `${varName}: no gradient`);
        assert.deepEqual(grad.shape, v.shape, varName);
        const g = grad.dataSync();
        assert.ok(g.every(Number.isFinite), `${varName}: gradient not finite`);
        assert.ok(g.some((e) => e !== 0), `${varName}: gradient identically 0`);
      });
      tf.dispose([x, other, a.field, a.parameter, b.field, b.parameter, value, ...Object.values(grads)]);
      assert.equal(tf.memory().numTensors, before, `${label}: leaked tensors`);
      model.dispose();
    }
  });

  test(`${name}: nested input gradients (1st and 2nd order) agree with finite differences of the model`, () => {
    const errors: string[] = [];
    for (const [inputDim, fieldChannels] of cases) {
      const model = build(name, inputDim, fieldChannels);
      openBlocks(model);
      const base = points(6, inputDim);
      const stencil = tf.tensor2d(stencilPoints(base, fdStep[name]));
      const x = tf.tensor2d(base);
      const before = tf.memory().numTensors;
      // Every field channel and the parameter head.
      for (let channel = 0; channel <= fieldChannels; channel += 1) {
        const u = output(model, channel);
        const values = tf.tidy(() => u(stencil));
        const fd = finiteDifferences(read(values), base.length, inputDim, fdStep[name]);
        values.dispose();
        const needed = [...Array.from({ length: inputDim }, (_, j) => unit(inputDim, j, 1)), ...Array.from({ length: inputDim }, (_, j) => unit(inputDim, j, 2))];
        const partials = partialDerivatives(u, x, needed);
        const ad = partials.map(read);
        tf.dispose(partials);
        const laplacian = base.map((_, i) => ad.slice(inputDim).reduce((sum, d) => sum + d[i]!, 0));
        const firstError = Math.max(...fd.first.map((f, j) => maxRelative(ad[j]!, f)));
        const laplacianError = maxRelative(laplacian, fd.laplacian);
        errors.push(`${inputDim}D/${fieldChannels}ch out${channel}: ${firstError.toExponential(1)}/${laplacianError.toExponential(1)}`);
        assert.ok(firstError < 1e-3, `${name} ${inputDim}D channel ${channel}: 1st derivative error ${firstError}`);
        assert.ok(laplacianError < 2e-2, `${name} ${inputDim}D channel ${channel}: Laplacian error ${laplacianError}`);
      }
      assert.equal(tf.memory().numTensors, before, `${name}: partialDerivatives leaked tensors`);
      tf.dispose([stencil, x]);
      model.dispose();
    }
    console.log(`${name}: max relative error, 1st derivatives / Laplacian vs FD: ${errors.join(', ')}`);
  });

  test(`${name}: 4th order: biharmonic agrees with FD of the autodiff Laplacian; weight gradients through it`, () => {
    const model = build(name, 2, 1);
    openBlocks(model);
    const base = points(4, 2);
    const u = output(model, 0);
    const before = tf.memory().numTensors;
    const stencil = tf.tensor2d(stencilPoints(base, fdStep[name]));
    const x = tf.tensor2d(base);
    const lapOf = (p: Tensor2D): Tensor2D => tf.tidy(() => {
      const [dxx, dyy] = partialDerivatives(u, p, [[2, 0], [0, 2]]);
      return tf.add(dxx!, dyy!) as Tensor2D;
    });
    const laplacians = lapOf(stencil);
    const fd = finiteDifferences(read(laplacians), base.length, 2, fdStep[name]).laplacian;
    laplacians.dispose();
    const parts = partialDerivatives(u, x, [[4, 0], [2, 2], [0, 4]]);
    const [d40, d22, d04] = parts.map(read);
    tf.dispose(parts);
    const biharmonic = base.map((_, i) => d40![i]! + 2 * d22![i]! + d04![i]!);
    const error = maxRelative(biharmonic, fd);
    console.log(`${name}: biharmonic vs FD of the autodiff Laplacian: max relative error ${error.toExponential(2)}`);
    assert.ok(error < 1e-2, `${name}: biharmonic error ${error}`);
    // The autodiff baseline's loss: weights through a nested 2nd-order operator.
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(lapOf(x))) as tf.Scalar, model.variables);
    assert.ok(Number.isFinite(value.dataSync()[0]!));
    // The output biases shift u by a constant and never reach its Laplacian: variableGrads leaves them out.
    const constantShift = /^(output|head2|fieldHead)\/bias$|^parameterHead\//;
    model.variables.forEach((v, i) => {
      const g = grads[v.name];
      const varName = model.variableNames[i]!;
      if (constantShift.test(varName)) return;
      assert.ok(g && g.dataSync().every(Number.isFinite), `${name} ${varName}: gradient through the Laplacian`);
    });
    tf.dispose([value, ...Object.values(grads), stencil, x]);
    assert.equal(tf.memory().numTensors, before, `${name}: leaked tensors`);
    model.dispose();
  });

  test(`${name}: the same seed gives the same weights and outputs, another seed other ones`, () => {
    const before = tf.memory().numTensors;
    const [a, b, c] = [build(name, 2, 2), build(name, 2, 2), build(name, 2, 2, { seed: 4 })];
    const weights = (m: FieldModel): number[][] => m.variables.map((v) => Array.from(v.dataSync()));
    assert.deepEqual(weights(a), weights(b));
    assert.notDeepEqual(weights(a), weights(c));
    const x = tf.tensor2d(points(5, 2));
    const outputs = [a, b, c].map((m) => {
      const out = m.apply(x);
      const values = [...read(out.field), ...read(out.parameter)];
      tf.dispose([out.field, out.parameter]);
      return values;
    });
    assert.deepEqual(outputs[0], outputs[1]);
    assert.notDeepEqual(outputs[0], outputs[2]);
    assert.ok(typeof a.description.width === 'number' && a.description.preset === 'cpu');
    x.dispose();
    for (const m of [a, b, c]) m.dispose();
    assert.throws(() => a.apply(x), ModelError);
    assert.equal(tf.memory().numTensors, before, 'variables and constants released');
  });
}

test('piratenet: α starts at 0, and initialise fits the field head by least squares (parameter head untouched)', async () => {
  const before = tf.memory().numTensors;
  for (const [inputDim, fieldChannels] of [[1, 1], [2, 2]] as const) {
    const model = createPirateNet({ inputDim, fieldChannels, width: 32, depth: 2, bounds: bounds(inputDim), seed: 5 });
    const alphas = model.variables.filter((_, i) => model.variableNames[i]!.endsWith('alpha'));
    assert.equal(alphas.length, 2);
    for (const alpha of alphas) assert.deepEqual(Array.from(alpha.dataSync()), [0]);
    const base = points(64, inputDim);
    const x = tf.tensor2d(base);
    const target = base.map((p) => (fieldChannels === 1 ? [Math.sin(Math.PI * p[0]!)] : [Math.sin(Math.PI * p[0]!) * Math.cos(p[1]!), p[0]! * p[1]!]));
    const y = tf.tensor2d(target);
    const mse = (): number => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x).field, y))).dataSync()[0]!);
    const parameterBefore = tf.tidy(() => Array.from(model.apply(x).parameter.dataSync()));
    const mseBefore = mse();
    await model.initialise(x, y);
    const mseAfter = mse();
    console.log(`piratenet ${inputDim}D: field MSE before initialise ${mseBefore.toExponential(2)}, after ${mseAfter.toExponential(2)}`);
    assert.ok(mseAfter * 10 <= mseBefore, `initialise: ${mseBefore} -> ${mseAfter}`);
    assert.deepEqual(tf.tidy(() => Array.from(model.apply(x).parameter.dataSync())), parameterBefore);
    const wrong = tf.zeros([64, fieldChannels + 1]) as Tensor2D;
    await assert.rejects(() => model.initialise(x, wrong), ModelError);
    tf.dispose([x, y, wrong]);
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
});

test('ridgeLeastSquares solves a small system in float64', () => {
  // y = 2 f0 - 3 f1 + 0.5 exactly; the third column is the bias.
  const rows = [[1, 0], [0, 1], [1, 1], [2, -1], [0.5, 3]];
  const features = rows.flatMap((r) => [...r, 1]);
  const targets = rows.map((r) => 2 * r[0]! - 3 * r[1]! + 0.5);
  const w = ridgeLeastSquares(features, rows.length, 3, targets, 1, 0);
  assert.ok(Math.abs(w[0]! - 2) < 1e-9 && Math.abs(w[1]! + 3) < 1e-9 && Math.abs(w[2]! - 0.5) < 1e-9, `${Array.from(w)}`);
});

test('createModel: refuses unknown names and bad sizes with a ModelError; presets', () => {
  assert.throws(
    () => createModel('transformer' as never, { inputDim: 2, fieldChannels: 1 }),
    (error: unknown) => error instanceof ModelError && error.name === 'ModelError' && /'transformer'/.test(error.message) && /pinn, piratenet, pinnsformer/.test(error.message),
  );
  const bad: Array<[ModelName, Partial<AnyModelOptions>, RegExp]> = [
    ['pinn', { width: 0 }, /width/],
    ['pinn', { depth: 1.5 }, /depth/],
    ['pinn', { inputDim: 0 }, /inputDim/],
    ['pinn', { fieldChannels: 0 }, /fieldChannels/],
    ['pinn', { bounds: [[0, 1]] }, /bounds/],
    ['pinn', { bounds: [[1, 1], [0, 1]] }, /max > min/],
    ['pinn', { preset: 'gpu' as 'cpu' }, /preset/],
    ['pinn', { preset: 'paper', paperVariant: 'navier' as 'langevin' }, /paperVariant/],
    ['piratenet', { width: 15 }, /even/],
    ['pinnsformer', { width: 10, heads: 4 }, /multiple of heads/],
    ['pinnsformer', { pseudoStep: 0 }, /pseudoStep/],
  ];
  for (const [name, extra, message] of bad) {
    assert.throws(() => createModel(name, { inputDim: 2, fieldChannels: 1, ...extra }), (e: unknown) => e instanceof ModelError && message.test((e as Error).message), `${name} ${JSON.stringify(extra)}`);
  }
  assert.deepEqual(pinnPresets.cpu, { width: 128, depth: 5, activation: 'tanh' });
  assert.deepEqual(pinnPresets.paper, { width: 250, depth: 10, activation: 'tanh' });
  assert.deepEqual(pirateNetPresets.paper, { width: 256, depth: 8 });
  assert.equal(pinnsFormerPresets['paper-langevin'].heads, 4);
  // Defaults come from the preset; explicit sizes override it.
  const before = tf.memory().numTensors;
  const model = createModel('pinnsformer', { inputDim: 2, fieldChannels: 2, preset: 'paper', paperVariant: 'langevin', depth: 1 });
  assert.equal(model.description.width, 64);
  assert.equal(model.description.heads, 4);
  assert.equal(model.description.depth, 1);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});
