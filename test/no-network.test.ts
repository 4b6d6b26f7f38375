// The no-network baseline as a job (`model: none`, mollifier/training/no-network.ts): the separable estimate on the
// data a trained job of the same seed observes, scored the same way; a sweep can run it as a column beside the
// networks (docs/table2.md). The finding it answers: the baseline lived in a bench script (bench/no-network.mjs), so
// no store or table could hold it beside the networks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinProblem, runJob, separableEstimate, withMeasurementNoise } from '../mollifier/index.js';
import { trainOptionsSchema, type TrainOptions } from '../protocol/index.js';
import { jobConfigOf } from '../worker/job-config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'mollifier');
const job = (options: Partial<TrainOptions> & { pde: string }) => jobConfigOf(trainOptionsSchema.parse({ model: 'none', ...options }));

test('model none on sparse noisy heat: the separable estimate of the same observed nodes and noise, with metrics and fields', async () => {
  const options = { pde: 'heat', case: 'smooth', grid: 32, sample: 0.1, 'obs-noise': 0.01, radius: 8, seed: 3 } as const;
  const result = await runJob(job(options));
  assert.equal(result.status, 'completed');
  const m = result.metrics!;
  // Measured 2026-12-07: corr 0.98 on this instance (docs/table2.md's tuning rows give 0.975 ± 0.018 at radius 8).
  assert.ok(m.param_corr! > 0.9, `corr ${m.param_corr}`);
  assert.equal(m.radius, 8);
  assert.equal(m.peak_bytes, null);
  assert.ok(m.param_std! > 0 && m.param_true_std! > 0);
  // The same numbers as the library's estimate on the data withMeasurementNoise gives for this seed.
  const heat = builtinProblem('heat')!;
  const instance = heat.simulate({ case: 'smooth', grid: 32, seed: 3 });
  const direct = await separableEstimate(withMeasurementNoise(instance, heat, 0.01, 3, 0.1), heat, { radius: 8 });
  assert.deepEqual(result.fields!.parameter, Array.from(direct.values));
  assert.equal(result.fields!.grid.dims === 2 && result.fields!.grid.nx, 32 - 2 * 8);
  assert.equal(result.fields!.field.u!.length, result.fields!.parameter.length);
  assert.equal(result.history, null);
});

test('model none with radius auto on fully observed data records the chosen radius and the noise it read', async () => {
  const result = await runJob(job({ pde: 'heat', case: 'smooth', grid: 48, sample: 1, 'obs-noise': 0.05, radius: 'auto', seed: 1 }));
  assert.equal(result.status, 'completed');
  const m = result.metrics!;
  // 5 % noise asks for a wide kernel (docs/noise.md: 13-15 cells on 64²); 48² caps the candidates at 48 / 4 = 12.
  assert.ok(m.radius >= 8 && m.radius <= 12, `radius ${m.radius}`);
  assert.ok(Number.isFinite(m.radius_noise_sigma) && m.radius_noise_sigma! > 0, String(m.radius_noise_sigma));
});

test('bad input: radius auto on sparse data, and --truth without COMSOL fields, are one line and exit 2', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'train', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  const auto = run('--pde', 'heat', '--model', 'none', '--radius', 'auto', '--sample', '0.1', '--out', join(tmpdir(), 'mollifier-no-network-refused.json'));
  assert.equal(auto.status, 2, auto.stderr);
  assert.match(auto.stderr.trim(), /^mollifier: .*radius 'auto' .*needs sample 1, not 0\.1/);
  const truth = run('--pde', 'rd', '--model', 'none', '--truth', 'k.txt', '--out', join(tmpdir(), 'mollifier-no-network-refused.json'));
  assert.equal(truth.status, 2, truth.stderr);
  assert.match(truth.stderr.trim(), /^mollifier: .*--truth .*--phi-n/);
  assert.equal(truth.stderr.trim().split('\n').length, 1);
});
