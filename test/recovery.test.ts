// Recovery: small, deterministic training runs that must recover the unknown parameter (its correlation with the
// truth above a bound, with margin), and that fail to when the PDE term is dropped (pdeWeight 0): what makes these
// tests of the physics, not of the data fit. Bounds and the values they were set against (this project's 2-core
// VM, 2026-12-07; the wasm path with and without the native kernels gives the same digits):
//   heat, 10 % of nodes observed: corr 0.802 with the PDE, 0.091 without (bound 0.70 / below 0.40)
//   langevin, every node observed: parameter head corr 0.993 with, −0.012 without (bound 0.95 / below 0.50)
//   rd (separable estimate), 10 % observed: corr 0.390 with, 0.059 without (bound 0.30 / below 0.20)
// The separable estimate of heat and rd divides by derivatives of the fitted field, so with sparse data it is only as
// good as the field the residual shapes between observations; Langevin's is scored on the parameter head, which
// nothing but the residual trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJob } from '../mollifier/index.js';
import { trainOptionsSchema, type TrainOptions } from '../protocol/index.js';
import { jobConfigOf } from '../worker/job-config.js';

type Options = Partial<TrainOptions> & { pde: string };

async function corrs(options: Options, pdeWeight: number): Promise<{ scored: number; head: number }> {
  const result = await runJob(jobConfigOf(trainOptionsSchema.parse(options)), { pdeWeight });
  assert.equal(result.status, 'completed', result.reason);
  return { scored: result.metrics!.param_corr!, head: result.metrics!.direct.param_corr! };
}

test('heat, 10 % of nodes observed: the diffusivity is recovered (corr ≥ 0.70), and not without the PDE term (< 0.40)', { timeout: 180_000 }, async () => {
  const job = { pde: 'heat', case: 'smooth', grid: 24, radius: 3, sample: 0.1, epochs: 300, seed: 0 };
  const withPde = await corrs(job, 1);
  assert.ok(withPde.scored >= 0.7, `corr ${withPde.scored}`);
  const without = await corrs(job, 0);
  assert.ok(without.scored < 0.4, `without the PDE term: corr ${without.scored}`);
});

test('langevin, every node observed: the forcing is recovered by the parameter head (corr ≥ 0.95), and not without the PDE term (< 0.50)', { timeout: 180_000 }, async () => {
  const job = { pde: 'langevin', case: 'varying', grid: 201, radius: 4, sample: 1, epochs: 300, seed: 0, estimate: 'direct' as const };
  const withPde = await corrs(job, 1);
  assert.ok(withPde.head >= 0.95, `corr ${withPde.head}`);
  const without = await corrs(job, 0);
  assert.ok(without.head < 0.5, `without the PDE term: corr ${without.head}`);
});

test('rd, 10 % of nodes observed: the separable estimate recovers the reaction rate (corr ≥ 0.30), and not without the PDE term (< 0.20)', { timeout: 240_000 }, async () => {
  const job = { pde: 'rd', case: 'smooth', grid: 24, k: 1, 'interface-length': 0.15, lr: 0.002, 'pde-warmup': 0.3, sample: 0.1, epochs: 300, seed: 0 };
  const withPde = await corrs(job, 1);
  assert.ok(withPde.scored >= 0.3, `corr ${withPde.scored}`);
  const without = await corrs(job, 0);
  assert.ok(without.scored < 0.2, `without the PDE term: corr ${without.scored}`);
});
