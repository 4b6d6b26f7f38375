// Job metrics (docs/metrics.md) on inputs whose answers are known by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelWeights1d, kernelWeights2d } from '../mollifier/kernels/index.js';
import {
  cropToInterior,
  jobMetrics,
  MetricsError,
  pearsonOrNull,
  smoothField,
  type JobMetrics,
} from '../mollifier/metrics/index.js';
import type { Grid1d, Grid2d } from '../mollifier/pdes/types.js';
import { correlate2d, maxAbsDifference, seededNormals } from './support/grid-functions.js';

const grid1 = (n: number, dt = 0.01): Grid1d => ({ dims: 1, n, t0: 0, dt });
const grid2 = (ny: number, nx: number, periodic = false): Grid2d => ({ dims: 2, nx, ny, x0: 0, y0: 0, hx: 0.1, hy: 0.05, periodic });

function close(actual: number | null, expected: number, tolerance = 1e-12, what = ''): void {
  assert.ok(actual !== null, `${what}: null, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

// ---------------------------------------------------------------- job metrics

test('a perfect prediction: corr 1, mean error 0, std ratio 1', () => {
  const truth = Float64Array.from({ length: 50 }, (_, i) => 1 + 0.5 * Math.sin(i / 5));
  const m = jobMetrics({ grid: grid1(50), paramTrue: truth, paramPred: Float64Array.from(truth), kernel: { radius: 3 } });
  close(m.param_corr, 1, 1e-12, 'corr');
  close(m.param_mean_rel_err, 0, 0, 'rel err');
  close(m.param_std_ratio, 1, 1e-12, 'std ratio');
  close(m.param_mean, m.param_true_mean!, 0, 'means');
  assert.equal(m.param_nonfinite, 0);
  assert.ok(m.param_corr_smoothed !== null && m.param_corr_smoothed > 0.99);
  assert.equal(m.laplacian_corr, null, 'no Laplacian in 1D');
});

test('a scaled and shifted prediction: corr 1, mean error and std ratio as by hand', () => {
  const truth = [1, 2, 3, 4, 5];
  const pred = truth.map((t) => 2 * t + 1); // mean 7 vs 3, std ratio 2
  const m = jobMetrics({ grid: grid1(5), paramTrue: truth, paramPred: pred, kernel: { radius: 1 } });
  close(m.param_corr, 1, 1e-12, 'corr');
  close(m.param_mean, 7, 1e-12, 'mean');
  close(m.param_true_mean, 3, 1e-12, 'true mean');
  close(m.param_mean_rel_err, 4 / 3, 1e-12, 'rel err');
  close(m.param_std_ratio, 2, 1e-12, 'std ratio');
  close(m.param_std! / m.param_true_std!, 2, 1e-12, 'predicted and true std');
  close(m.param_true_std, Math.sqrt(truth.reduce((s, t) => s + (t - 3) ** 2, 0) / truth.length), 1e-12, 'true std (population)');
});

test('an anti-correlated prediction gives −1', () => {
  const truth = Float64Array.from({ length: 40 }, (_, i) => Math.cos(i / 7));
  const m = jobMetrics({ grid: grid1(40), paramTrue: truth, paramPred: truth.map((t) => 3 - 0.5 * t), kernel: { radius: 2 } });
  close(m.param_corr, -1, 1e-12, 'corr');
  close(m.param_std_ratio, 0.5, 1e-12, 'std ratio');
});

test('a constant truth: correlations and std ratio are null, means still reported', () => {
  const truth = new Float64Array(30).fill(0.1); // 0.1 does not average exactly: constancy is tested exactly, not by std
  const pred = Float64Array.from({ length: 30 }, (_, i) => 0.1 + 0.01 * Math.sin(i));
  const m = jobMetrics({ grid: grid1(30), paramTrue: truth, paramPred: pred, kernel: { radius: 2 } });
  assert.equal(m.param_corr, null);
  assert.equal(m.param_corr_smoothed, null);
  assert.equal(m.param_std_ratio, null);
  close(m.param_true_mean, 0.1, 1e-15, 'true mean');
  assert.ok(m.param_mean_rel_err !== null && m.param_mean_rel_err < 0.1);
  assert.doesNotThrow(() => JSON.stringify(m));
});

test('non-finite predictions are counted, left out of the statistics, and never reach JSON', () => {
  const truth = [1, 2, 3, 4, 5, 6];
  const pred = [1, NaN, 3, Infinity, 5, 6];
  const m = jobMetrics({
    grid: grid1(6),
    paramTrue: truth,
    paramPred: pred,
    kernel: { radius: 1 },
    lossData: NaN,
    lossPde: Infinity,
    timeSeconds: 1.5,
    peakBytes: 1024,
    backend: 'cpu',
    versions: { tfjs: '4.22.0' },
  });
  assert.equal(m.param_nonfinite, 2);
  close(m.param_corr, 1, 1e-12, 'corr on finite nodes');
  close(m.param_mean, (1 + 3 + 5 + 6) / 4, 1e-12, 'mean on finite nodes');
  close(m.param_true_mean, (1 + 3 + 5 + 6) / 4, 1e-12, 'true mean on the same nodes');
  const json = JSON.parse(JSON.stringify(m)) as JobMetrics;
  assert.equal(json.loss_data, null);
  assert.equal(json.loss_pde, null);
  assert.equal(json.rss_bytes, null);
  assert.equal(json.time_s, 1.5);
  assert.equal(json.peak_bytes, 1024);
  assert.equal(json.backend, 'cpu');
  assert.deepEqual(json.versions, { tfjs: '4.22.0' });
  assert.deepEqual(Object.keys(m).sort(), [
    'backend', 'device', 'laplacian_corr', 'loss_data', 'loss_pde', 'param_corr', 'param_corr_smoothed', 'param_mean', 'param_mean_rel_err',
    'param_nonfinite', 'param_std', 'param_std_ratio', 'param_true_mean', 'param_true_std', 'peak_bytes', 'rss_bytes', 'time_s', 'versions',
  ]);
});

test('2D: the Laplacian correlation, and the smoothed correlation of a prediction that is the smoothed truth', () => {
  const grid = grid2(20, 24);
  const noise = seededNormals(20 * 24, 7);
  const truth = Float64Array.from(noise, (z, k) => 1 + 0.3 * Math.sin((k % 24) / 4) + 0.2 * z);
  const kernel = { radius: 3, boundary: 'reflect' } as const;
  const smooth = smoothField(truth, grid, kernel).values;
  const lap = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const m = jobMetrics({ grid, paramTrue: truth, paramPred: smooth, kernel, laplacianTrue: lap, laplacianPred: lap.map((v) => -v) });
  close(m.param_corr_smoothed, 1, 1e-12, 'smoothed corr');
  assert.ok(m.param_corr! < 0.99, `plain corr ${m.param_corr} is below 1: the noise is smoothed away`);
  close(m.laplacian_corr, -1, 1e-12, 'Laplacian corr');
  // A precomputed smoothed truth is used as it is.
  const given = jobMetrics({ grid, paramTrue: truth, paramPred: smooth, paramTrueSmoothed: smooth });
  close(given.param_corr_smoothed, 1, 1e-12, 'given smoothed truth');
  // 'valid' compares on the interior: same answer for a prediction equal to the valid-smoothed truth there.
  const valid = smoothField(truth, grid, { radius: 3, boundary: 'valid' });
  const padded = new Float64Array(truth.length).fill(NaN);
  valid.values.forEach((v, k) => (padded[(Math.floor(k / 18) + 3) * 24 + (k % 18) + 3] = v));
  close(jobMetrics({ grid, paramTrue: truth, paramPred: padded, kernel: { radius: 3, boundary: 'valid' } }).param_corr_smoothed, 1, 1e-12, 'valid');
});

test('job metrics refuse parameter arrays of different lengths; a grid smaller than the kernel gives a null smoothed corr', () => {
  assert.throws(() => jobMetrics({ grid: grid1(3), paramTrue: [1, 2, 3], paramPred: [1, 2] }), MetricsError);
  const m = jobMetrics({ grid: grid1(5), paramTrue: [1, 2, 3, 4, 5], paramPred: [1, 2, 3, 4, 6], kernel: { radius: 4 } });
  assert.equal(m.param_corr_smoothed, null);
  assert.ok(m.param_corr! > 0.9);
});

test('pearsonOrNull: null on a constant side or fewer than two finite pairs', () => {
  assert.equal(pearsonOrNull([1, 1, 1], [1, 2, 3]), null);
  assert.equal(pearsonOrNull([1, 2, 3], [2, 2, 2]), null);
  assert.equal(pearsonOrNull([1, NaN], [1, 2]), null);
  close(pearsonOrNull([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, 1e-12, "hand value"); // Σdxdy = 4, Σdx² = Σdy² = 5
});

// ---------------------------------------------------------------- smoothing

test('smoothing a constant returns the constant, in 1D and 2D, under every boundary', () => {
  for (const boundary of ['valid', 'reflect', 'periodic'] as const) {
    for (const family of ['bump', 'poly2', 'poly4', 'sine'] as const) {
      const one = smoothField(new Float64Array(30).fill(2.5), grid1(30), { family, radius: 4, boundary });
      assert.equal(one.values.length, boundary === 'valid' ? 22 : 30);
      assert.ok(maxAbsDifference(one.values, new Float64Array(one.values.length).fill(2.5)) < 1e-14, `${family} ${boundary} 1D`);
      const two = smoothField(new Float64Array(12 * 15).fill(-0.7), grid2(12, 15), { family, radius: 3, boundary });
      assert.ok(maxAbsDifference(two.values, new Float64Array(two.values.length).fill(-0.7)) < 1e-14, `${family} ${boundary} 2D`);
    }
  }
});

test("smoothing a linear ramp with a symmetric mass-1 kernel in 'valid' mode returns the ramp on the interior, and crops the grid", () => {
  const ramp = Float64Array.from({ length: 40 }, (_, i) => 3 - 0.25 * i);
  const out = smoothField(ramp, grid1(40, 0.5), { radius: 5, boundary: 'valid' });
  assert.deepEqual(out.grid, { dims: 1, n: 30, t0: 2.5, dt: 0.5 });
  assert.equal(out.trim, 5);
  assert.ok(maxAbsDifference(out.values, ramp.slice(5, 35)) < 1e-13);
  const grid = grid2(14, 17);
  const plane = Float64Array.from({ length: 14 * 17 }, (_, k) => 1 + 0.3 * (k % 17) - 0.8 * Math.floor(k / 17));
  const flat = smoothField(plane, grid, { radius: 3, boundary: 'valid', family: 'poly4' });
  assert.deepEqual(flat.grid, { ...grid, nx: 11, ny: 8, x0: 0.30000000000000004, y0: 0.15000000000000002 });
  assert.ok(maxAbsDifference(flat.values, cropToInterior(plane, grid, 3)) < 1e-13);
});

test('periodic smoothing of a sine matches the analytic attenuation Σ w_m cos(mω) within float error', () => {
  const n = 64;
  const radius = 6;
  const w = kernelWeights1d({ family: 'bump', radius, spacing: 1, order: 0 });
  for (const k of [1, 3, 8, 15]) {
    const omega = (2 * Math.PI * k) / n;
    let attenuation = 0;
    for (let m = -radius; m <= radius; m++) attenuation += w[m + radius]! * Math.cos(m * omega);
    const sine = Float64Array.from({ length: n }, (_, j) => Math.sin(omega * j + 0.3));
    const out = smoothField(sine, grid1(n), { radius, boundary: 'periodic' });
    assert.ok(maxAbsDifference(out.values, sine.map((v) => attenuation * v)) < 1e-14, `mode ${k}`);
    assert.ok(attenuation < 1 && attenuation > -1);
  }
  // 2D: a product mode is attenuated by the product of the axis factors.
  const ny = 16;
  const nx = 20;
  const [ky, kx] = [2 * Math.PI * 3 / ny, 2 * Math.PI * 2 / nx];
  const field = Float64Array.from({ length: ny * nx }, (_, q) => Math.cos(ky * Math.floor(q / nx)) * Math.sin(kx * (q % nx) + 0.4));
  const w3 = kernelWeights1d({ family: 'bump', radius: 3, spacing: 1, order: 0 });
  const factor = (o: number) => w3.reduce((s, v, i) => s + v * Math.cos((i - 3) * o), 0);
  const out = smoothField(field, grid2(ny, nx, true), { radius: 3 });
  assert.equal(out.boundary, 'periodic', 'a periodic grid smooths periodically by default');
  assert.ok(maxAbsDifference(out.values, field.map((v) => v * factor(ky) * factor(kx))) < 1e-14);
});

test('reflect mirrors without repeating the edge node; 2D smoothing equals the full kernelWeights2d value kernel', () => {
  const g = [5, 1, 4, 2, 8, 3];
  const w = kernelWeights1d({ family: 'poly2', radius: 2, spacing: 1, order: 0 });
  const padded = [4, 1, ...g, 8, 2]; // g[-2] = g[2], g[-1] = g[1]; g[6] = g[4], g[7] = g[3]
  const expected = g.map((_, i) => w.reduce((s, v, m) => s + v * padded[i + m]!, 0));
  assert.ok(maxAbsDifference(smoothField(g, grid1(6), { family: 'poly2', radius: 2, boundary: 'reflect' }).values, expected) < 1e-15);
  // 2D, non-square, valid: against a direct 2D correlation with the product kernel.
  const [ny, nx] = [11, 13];
  const field = seededNormals(ny * nx, 3);
  const grid = grid2(ny, nx);
  const { weights } = kernelWeights2d({ family: 'sine', radius: 2, spacing: [grid.hy, grid.hx], operator: 'value' });
  const direct = correlate2d(field, ny, nx, weights);
  assert.ok(maxAbsDifference(smoothField(field, grid, { family: 'sine', radius: 2, boundary: 'valid' }).values, direct) < 1e-14);
  // 2D reflect: rows along y, so a field that varies only along y stays a function of the row.
  const rows = Float64Array.from({ length: ny * nx }, (_, q) => (Math.floor(q / nx) % 3) * 1.5);
  const smoothRows = smoothField(rows, grid, { radius: 2, boundary: 'reflect' }).values;
  for (let i = 0; i < ny; i++) for (let j = 1; j < nx; j++) assert.equal(smoothRows[i * nx + j], smoothRows[i * nx]);
});

test('smoothing refuses a kernel that does not fit, a wrong length, or an unknown boundary', () => {
  assert.throws(() => smoothField(new Float64Array(8), grid1(8), { radius: 4, boundary: 'valid' }), /too few/);
  assert.throws(() => smoothField(new Float64Array(4), grid1(4), { radius: 4, boundary: 'reflect' }), MetricsError);
  assert.doesNotThrow(() => smoothField(new Float64Array(5), grid1(5), { radius: 4, boundary: 'reflect' }));
  assert.throws(() => smoothField(new Float64Array(7), grid1(8)), MetricsError);
  assert.throws(() => smoothField(new Float64Array(8), grid1(8), { boundary: 'mirror' as never }), /unknown boundary/);
});

test('smoothField agrees with the mollifier layer (value output) under every boundary, to float32 precision', async () => {
  // The only test here that loads TensorFlow.js: the metrics themselves never do.
  await import('@tensorflow/tfjs-backend-cpu');
  const { initBackend, tf } = await import('../mollifier/backend/index.js');
  const { Mollifier1d, Mollifier2d } = await import('../mollifier/layer/index.js');
  await initBackend({ log: false });
  const [ny, nx] = [10, 13];
  const grid = grid2(ny, nx);
  const field = seededNormals(ny * nx, 11);
  const line = seededNormals(30, 12);
  for (const boundary of ['valid', 'reflect', 'periodic'] as const) {
    const layer2 = new Mollifier2d({ radius: 3, spacing: [grid.hy, grid.hx], boundary });
    const layer1 = new Mollifier1d({ radius: 4, spacing: 0.01, orders: [0], boundary });
    try {
      const t2 = tf.tidy(() => layer2.apply(tf.tensor2d(Float32Array.from(field), [ny, nx]))[0]!);
      const t1 = tf.tidy(() => layer1.apply(tf.tensor1d(Float32Array.from(line)))[0]!);
      const [out2, out1] = [Float64Array.from(t2.dataSync()), Float64Array.from(t1.dataSync())];
      tf.dispose([t2, t1]);
      assert.ok(maxAbsDifference(smoothField(field, grid, { radius: 3, boundary }).values, out2) < 1e-5, `2D ${boundary}`);
      assert.ok(maxAbsDifference(smoothField(line, grid1(30), { radius: 4, boundary }).values, out1) < 1e-5, `1D ${boundary}`);
    } finally {
      layer2.dispose();
      layer1.dispose();
    }
  }
});
