// A trained model's weights: read out in tfjs's weights format and put back into another model of the same
// architecture (its outputs then equal the first's); written by `train --weights`, and kept by a sweep with
// `keep-weights` and written out by `sweep weights`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '../mollifier/backend/index.js';
import { createModel } from '../mollifier/models/index.js';
import { modelWeights, restoreWeights } from '../mollifier/training/weights.js';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-weights-'));
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: work, env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });

for (const name of ['pinn', 'piratenet', 'pinnsformer'] as const) {
  test(`${name}: weights read out and restored into a model of another seed give the same outputs`, async () => {
    await initBackend();
    const options = { inputDim: 2, fieldChannels: 1, preset: 'cpu' as const };
    const a = createModel(name, { ...options, seed: 1 });
    const b = createModel(name, { ...options, seed: 2 });
    const x = tf.tensor2d([[0.1, 0.2], [0.7, 0.4], [0.5, 0.9]]);
    try {
      const weights = await modelWeights(a);
      assert.equal(weights.data.length, 4 * Number(a.description.parameterCount));
      assert.deepEqual(weights.specs.map((s) => s.shape), a.variables.map((v) => v.shape));
      const before = await b.apply(x).parameter.data();
      restoreWeights(b, weights);
      const [pa, pb] = await Promise.all([a.apply(x).parameter.data(), b.apply(x).parameter.data()]);
      assert.notDeepEqual(Array.from(before), Array.from(pa), 'the seeds differ before');
      assert.deepEqual(Array.from(pb), Array.from(pa));
      // Another architecture's weights are refused by name.
      const other = createModel(name === 'pinn' ? 'piratenet' : 'pinn', { ...options, seed: 1 });
      assert.throws(() => restoreWeights(other, weights), /another architecture or size|does not fit/);
      other.dispose();
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
    }
  });
}

test('train --weights writes model.json (a tfjs weights manifest) and weights.bin beside the result', { timeout: 120_000 }, () => {
  const out = run(['train', '--pde', 'heat', '--grid', '12', '--radius', '2', '--epochs', '5', '--out', 'r.json', '--weights', 'w']);
  assert.equal(out.status, 0, out.stderr);
  const model = JSON.parse(readFileSync(join(work, 'w', 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[]; weights: Array<{ shape: number[]; dtype: string }> }>; userDefinedMetadata: { model: { name: string; parameterCount: number } } };
  const specs = model.weightsManifest[0]!.weights;
  const values = specs.reduce((n, s) => n + s.shape.reduce((p, d) => p * d, 1), 0);
  assert.deepEqual(model.weightsManifest[0]!.paths, ['weights.bin']);
  assert.equal(values, model.userDefinedMetadata.model.parameterCount);
  assert.equal(statSync(join(work, 'w', 'weights.bin')).size, 4 * values);
  assert.equal('weights' in (JSON.parse(readFileSync(join(work, 'r.json'), 'utf8')) as object), false, 'the result file stays JSON of the run');
  const bad = run(['train', '--pde', 'heat', '--out', 'r2.json', '--weights', 'r.json']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--weights r\.json: is a file; give a folder/);
});

test('a sweep with keep-weights keeps each job\'s weights; sweep weights writes one job\'s; a sweep without them says so', { timeout: 180_000 }, () => {
  writeFileSync(join(work, 'kw.yaml'), 'name: kw\nseeds: 2\nkeep-weights: true\nbase: {pde: heat, grid: 12, radius: 2, epochs: 5}\n');
  assert.equal(run(['sweep', 'run', 'kw.yaml', '--no-table']).status, 0);
  const status = JSON.parse(run(['sweep', 'status', 'kw.yaml', '--json']).stdout) as { jobs: Array<{ id: string }> };
  const job = status.jobs[0]!.id;
  const out = run(['sweep', 'weights', 'kw.yaml', '--job', job.slice(0, 6), '--out', 'kw-weights']);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`of job ${job}`));
  const manifest = JSON.parse(readFileSync(join(work, 'kw-weights', 'model.json'), 'utf8')) as { weightsManifest: Array<{ weights: Array<{ shape: number[] }> }>; userDefinedMetadata: { job: string } };
  assert.equal(manifest.userDefinedMetadata.job, job);
  const values = manifest.weightsManifest[0]!.weights.reduce((n, s) => n + s.shape.reduce((p, d) => p * d, 1), 0);
  assert.equal(statSync(join(work, 'kw-weights', 'weights.bin')).size, 4 * values);
  writeFileSync(join(work, 'nw.yaml'), 'name: nw\nseeds: 1\nbase: {pde: heat, grid: 12, radius: 2, epochs: 5}\n');
  assert.equal(run(['sweep', 'run', 'nw.yaml', '--no-table']).status, 0);
  const other = (JSON.parse(run(['sweep', 'status', 'nw.yaml', '--json']).stdout) as { jobs: Array<{ id: string }> }).jobs[0]!.id;
  const none = run(['sweep', 'weights', 'nw.yaml', '--job', other, '--out', 'nw-weights']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no weights stored: its sweep did not keep weights \(keep-weights: true in the spec\)/);
  const unknown = run(['sweep', 'weights', 'nw.yaml', '--job', 'ffff', '--out', 'nw-weights']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--job ffff: no job of sweep nw has that id/);
});
