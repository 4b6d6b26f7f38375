import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../mollifier/backend/index.js';
import { integrateLangevin, simulateLangevin, langevinForcing } from '../mollifier/pdes/langevin.js';
import { simulateHeat } from '../mollifier/pdes/heat.js';
import { solveDirichletPoisson } from '../mollifier/pdes/sine-transform.js';
import { observe, sampleNodes } from '../mollifier/pdes/observation.js';
import { separableEstimate } from '../mollifier/problems/estimate.js';
import { heat as heatProblem, langevin as langevinProblem } from '../mollifier/problems/builtin.js';
import { chromatinResidual, chromatinSeparable, heatResidual, langevinResidual, type ChromatinTerms } from '../mollifier/pdes/residuals.js';
import { ProblemError } from '../mollifier/pdes/types.js';
import { maxAbs } from './support/grid-functions.js';

await initBackend({ log: false });

test('Langevin: the exact step satisfies v′ + v = F by an independent (trapezoidal) discretisation', () => {
  for (const kind of ['constant', 'white', 'varying', 'varying-noisy'] as const) {
    const { fields, grid } = simulateLangevin({ case: kind, seed: 3 });
    assert.equal(grid.dims, 1);
    const dt = grid.dims === 1 ? grid.dt : NaN;
    let worst = 0;
    for (let j = 0; j + 1 < fields.v!.length; j++) {
      const slope = (fields.v![j + 1]! - fields.v![j]!) / dt;
      const midpoint = (fields.v![j]! + fields.v![j + 1]!) / 2;
      worst = Math.max(worst, Math.abs(slope + midpoint - fields.F![j]!));
    }
    // The trapezoidal rule is second order: |error| ≤ dt²/12 · max|v‴|, and |v‴| ≤ max|F| here.
    assert.ok(worst <= (dt * dt) / 12 * (maxAbs(fields.F!) + 1) * 2, `${kind}: ${worst}`);
  }
});

test('Langevin: cases, seeds and the exact step behave as documented', () => {
  const a = simulateLangevin({ case: 'white', seed: 1, noise: 0.5 });
  const b = simulateLangevin({ case: 'white', seed: 1, noise: 0.5 });
  const c = simulateLangevin({ case: 'white', seed: 2, noise: 0.5 });
  assert.deepEqual(a.fields.F, b.fields.F);
  assert.notDeepEqual(a.fields.F, c.fields.F);
  // v relaxes to the constant forcing: v(10) = 1 − e^(−10).
  const constant = simulateLangevin({ case: 'constant' });
  assert.ok(Math.abs(constant.fields.v![1000]! - (1 - Math.exp(-10))) < 1e-12);
  assert.deepEqual([...integrateLangevin(Float64Array.of(2, 2), 0.1)], [0, 2 * (1 - Math.exp(-0.1))]);
  assert.throws(() => simulateLangevin({ case: 'pink' as never }), (e: unknown) => e instanceof ProblemError && /unknown langevin case 'pink'/.test((e as Error).message));
  assert.throws(() => simulateLangevin({ nodes: 5 }), /grid 5 is too small/);
  assert.equal(langevinForcing({ dims: 1, n: 3, t0: 0, dt: 1 }, { case: 'varying', mean: 1, amplitude: 0.5, period: 4, noise: 0, seed: 0 })[1], 1.5);
});

// Away from the corners: f = 10 with u = 0 on two meeting edges is incompatible at a corner (∇²u must be
// −f/D there, but u_xx = u_yy = 0 along the edges), so the solution has corner singularities that no
// stencil resolves; the check keeps to [0.1, 0.9]².
test('heat: the solution satisfies D∇²u + f = 0 by an independent 4th-order stencil, converging as h²', () => {
  const residualAt = (nodes: number) => {
    const { fields, grid } = simulateHeat({ case: 'smooth', nodes });
    if (grid.dims !== 2) throw new Error('2D');
    const { nx, hx: h } = grid;
    const u = fields.u!;
    const at = (i: number, j: number) => u[i * nx + j]!;
    let worst = 0;
    const inner = Math.ceil(0.1 / h);
    for (let i = inner; i < nx - inner; i++) {
      for (let j = inner; j < nx - inner; j++) {
        const second = (a: number, b: number, c: number, d: number, e: number) => (-a + 16 * b - 30 * c + 16 * d - e) / (12 * h * h);
        const lap = second(at(i, j - 2), at(i, j - 1), at(i, j), at(i, j + 1), at(i, j + 2)) + second(at(i - 2, j), at(i - 1, j), at(i, j), at(i + 1, j), at(i + 2, j));
        worst = Math.max(worst, Math.abs(fields.D![i * nx + j]! * lap + fields.f![i * nx + j]!) / fields.f![i * nx + j]!);
      }
    }
    return worst;
  };
  const coarse = residualAt(65);
  const fine = residualAt(129);
  assert.ok(fine < 0.005, `relative residual ${fine} at 129×129`);
  assert.ok(coarse / fine > 3, `second-order convergence: ${coarse} → ${fine}`);
});

test('heat: the sine-transform Poisson solve inverts the 5-point Laplacian exactly, 256×256 fast', () => {
  const m = 6;
  const h = 0.1;
  const rhs = Float64Array.from({ length: m * m }, (_, i) => Math.sin(i) + 0.3);
  const u = solveDirichletPoisson(rhs, m, h);
  const at = (i: number, j: number) => (i < 0 || j < 0 || i >= m || j >= m ? 0 : u[i * m + j]!);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const lap = (at(i + 1, j) + at(i - 1, j) + at(i, j + 1) + at(i, j - 1) - 4 * at(i, j)) / (h * h);
      assert.ok(Math.abs(lap - rhs[i * m + j]!) < 1e-9);
    }
  }
  const instance = simulateHeat({ case: 'noisy', nodes: 256, seed: 4 });
  assert.equal(instance.fields.u!.length, 256 * 256);
  assert.throws(() => simulateHeat({ case: 'noisy', noise: 20, seed: 1 }), /D = .* must be > 0/);
  assert.throws(() => simulateHeat({ nodes: 7 }), /grid 7 is too small/);
  assert.throws(() => simulateHeat({ case: 'wavy' as never }), /unknown heat case 'wavy'/);
});

test('observation model: seeded sample of the asked fraction, additive noise', () => {
  const nodes = sampleNodes(1000, 0.1, 5);
  assert.equal(nodes.length, 100);
  assert.equal(new Set(nodes).size, 100);
  assert.deepEqual(sampleNodes(1000, 0.1, 5), nodes);
  assert.notDeepEqual(sampleNodes(1000, 0.1, 6), nodes);
  const field = new Float64Array(20000).fill(2);
  const { values, mask } = observe(field, { fraction: 0.5, noise: 0.1, seed: 1 });
  const residual = values.map((v) => v - 2);
  const std = Math.sqrt(residual.reduce((s, r) => s + r * r, 0) / residual.length);
  assert.ok(Math.abs(std - 0.1) < 0.005, `noise std ${std}`);
  assert.equal(mask.reduce((s, m) => s + m, 0), 10000);
  for (const bad of [0, -0.1, 1.5]) assert.throws(() => sampleNodes(10, bad, 1), /sample fraction .* must be in \(0, 1\]/);
});

test('residuals vanish on exact fields, and separable estimates invert them', () => {
  const tensors = (values: number[]) => tf.tensor1d(values);
  const v = tensors([0.2, 0.5]);
  const dv = tensors([0.3, -0.1]);
  const F = tf.add(v, dv);
  assert.ok(maxAbs(langevinResidual({ v, dv }, F).dataSync()) < 1e-7);
  const laplacian = tensors([-10, -5]);
  assert.ok(maxAbs(heatResidual({ laplacian }, tensors([1, 2]), tensors([10, 10])).dataSync()) < 1e-6);
  // Chromatin: pick fields and derivatives, set k from the separable formula, the residual must vanish.
  const terms: ChromatinTerms = {
    phiN: tensors([0.5, 0.3]), phiD: tensors([0.1, -0.2]), dxN: tensors([0.3, 1]), dyN: tensors([-0.2, 0.4]),
    dxD: tensors([1.1, -0.7]), dyD: tensors([0.4, 0.9]), laplacianN: tensors([2, -3]), laplacianD: tensors([-4, 5]),
    biharmonicD: tensors([120, -300]),
  };
  const k = chromatinSeparable(terms);
  assert.ok(maxAbs(chromatinResidual(terms, k).dataSync()) < 1e-5);
});

test('separable estimates from simulated data: heat smooth corr ≥ 0.95, Langevin varying corr ≥ 0.95', async () => {
  const heat = await separableEstimate(simulateHeat({ case: 'smooth', nodes: 64 }), heatProblem, { radius: 4 });
  assert.ok(heat.summary.corr! >= 0.95, `heat corr ${heat.summary.corr}`);
  assert.ok(heat.summary.mean_rel_err! < 0.02);
  assert.equal(heat.values.length, 56 * 56);
  const langevin = await separableEstimate(simulateLangevin({ case: 'varying' }), langevinProblem, { radius: 10 });
  assert.ok(langevin.summary.corr! >= 0.95, `langevin corr ${langevin.summary.corr}`);
  const noisy = await separableEstimate(simulateLangevin({ case: 'white', noise: 0.5, seed: 2 }), langevinProblem, { radius: 10 });
  // White-noise forcing cannot be recovered node by node, but its kernel-scale average can.
  assert.ok(noisy.summary.corr_smoothed! > 0.9 && noisy.summary.corr! < 0.6);
});
