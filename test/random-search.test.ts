// Random search in sweep specs (method: random): reproducible draws, ids shared with grid jobs, each distribution
// inside its bounds, bad specs refused with their file position; and the median-stopping rule's decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpec, readSpec, SpecError, type SweepSpec } from '../orchestrator/spec.js';
import { drawConfigurations, roundSignificant, significantDigits } from '../orchestrator/random-search.js';
import { earlyStopMinOthers, earlyStopReason, LossCurve, shouldStopEarly, type EarlyStopRule } from '../orchestrator/early-stop.js';

const heatRandom = (searchSeed: number, count = 12) => `name: heat-random
method: random
count: ${count}
search-seed: ${searchSeed}
seeds: 3
base: { pde: heat, epochs: 300 }
parameters:
  lr: { distribution: loguniform, min: 1.0e-4, max: 1.0e-2 }
  radius: { distribution: int, min: 2, max: 8 }
  obs-noise: { distribution: uniform, min: 0, max: 0.1 }
  model: { distribution: choice, values: [pinn, piratenet] }
`;

const train = (spec: SweepSpec) => spec.jobs.map((job) => (job.options.kind === 'train' ? job.options : assert.fail('a train job')));

test('random search: the same spec and search-seed draw the same jobs and ids; another search-seed draws others', () => {
  const first = parseSpec(heatRandom(7), 'r.yaml');
  const again = parseSpec(heatRandom(7), 'r.yaml');
  assert.deepEqual(again.jobs, first.jobs);
  assert.equal(first.jobs.length, 36, '12 configurations × 3 seeds (no two draws equal here)');
  assert.equal(new Set(first.jobs.map((j) => j.id)).size, 36);
  // Each configuration is one group: its seeds share it, configurations do not.
  assert.equal(new Set(first.jobs.map((j) => j.group)).size, 12);
  for (let c = 0; c < 12; c++) assert.equal(new Set(first.jobs.slice(3 * c, 3 * c + 3).map((j) => j.group)).size, 1);
  assert.deepEqual(train(first).slice(0, 3).map((o) => o.seed), [0, 1, 2]);
  const other = parseSpec(heatRandom(8), 'r.yaml');
  assert.notDeepEqual(train(other).map((o) => o.lr), train(first).map((o) => o.lr));
  assert.equal(first.jobs.filter((j) => other.jobs.some((o) => o.id === j.id)).length, 0, 'no job in common');
  // Draws go configuration by configuration: asking for more keeps the first ones.
  const more = parseSpec(heatRandom(7, 20), 'r.yaml');
  assert.deepEqual(more.jobs.slice(0, 36), first.jobs);
  // The default search-seed is 0.
  const unseeded = parseSpec(heatRandom(0).replace('search-seed: 0\n', ''), 'r.yaml');
  assert.deepEqual(unseeded.jobs, parseSpec(heatRandom(0), 'r.yaml').jobs);
});

test('random search: a drawn configuration has the id and group a grid job with the same options has', () => {
  const random = parseSpec(heatRandom(7), 'r.yaml');
  for (const job of random.jobs.slice(0, 6)) {
    const o = job.options.kind === 'train' ? job.options : assert.fail();
    const grid = parseSpec(`name: g\nseeds: [${o.seed}]\nbase: {pde: heat, epochs: 300, lr: ${o.lr}, radius: ${o.radius}, obs-noise: ${o['obs-noise']}}\nmatrix:\n  model: [${o.model}]\n`);
    assert.equal(grid.jobs[0]!.id, job.id);
    assert.equal(grid.jobs[0]!.group, job.group);
  }
});

test('random search: each distribution stays in its bounds with values of its type; loguniform is uniform in log space', () => {
  const spec = parseSpec(heatRandom(3, 400).replace('seeds: 3', 'seeds: 1'), 'r.yaml');
  const options = train(spec);
  assert.ok(options.length > 300, `${options.length} distinct configurations`);
  for (const o of options) {
    assert.ok(o.lr >= 1e-4 && o.lr <= 1e-2, `lr ${o.lr}`);
    assert.ok(typeof o.radius === 'number' && Number.isInteger(o.radius) && o.radius >= 2 && o.radius <= 8, `radius ${o.radius}`);
    assert.ok(o['obs-noise'] >= 0 && o['obs-noise'] <= 0.1, `obs-noise ${o['obs-noise']}`);
    assert.ok(o.model === 'pinn' || o.model === 'piratenet', `model ${o.model}`);
    for (const x of [o.lr, o['obs-noise']]) assert.equal(x, Number(x.toPrecision(significantDigits)), `${x} rounded to ${significantDigits} digits`);
  }
  // Every integer of the inclusive range and every choice come up; a fraction never does.
  assert.deepEqual([...new Set(options.map((o) => o.radius))].sort(), [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...new Set(options.map((o) => o.model))].sort(), ['pinn', 'piratenet']);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // Log-uniform on [1e-4, 1e-2]: the median is near the geometric mean 1e-3 (the arithmetic midpoint is 5e-3);
  // the uniform's median is near its midpoint.
  const lrMedian = median(options.map((o) => o.lr));
  assert.ok(Math.abs(Math.log10(lrMedian) + 3) < 0.2, `lr median ${lrMedian}`);
  assert.ok(options.filter((o) => o.lr < 1e-3).length / options.length > 0.4, 'half the draws below the geometric mean');
  assert.ok(Math.abs(median(options.map((o) => o['obs-noise'])) - 0.05) < 0.01);
});

test('random search: equal draws collapse into one group; a choice draws only its listed values, arrays included', () => {
  const spec = parseSpec(
    'name: c\nmethod: random\ncount: 50\nseeds: 2\nbase: {pde: heat}\nparameters:\n  model: {distribution: choice, values: [pinn, piratenet]}\n  fourier-band: {distribution: choice, values: [[0.5, 1], [1, 2]]}\n',
    'c.yaml',
  );
  assert.equal(spec.jobs.length, 8, '2 × 2 distinct configurations × 2 seeds');
  assert.equal(new Set(spec.jobs.map((j) => j.group)).size, 4);
  for (const o of train(spec)) assert.ok([[0.5, 1], [1, 2]].some((band) => JSON.stringify(band) === JSON.stringify(o['fourier-band'])));
  // The draws themselves: parameters in sorted name order, one generator, rounded floats.
  const drawn = drawConfigurations({ b: { distribution: 'int', min: 0, max: 9 }, a: { distribution: 'uniform', min: 0, max: 1 } }, 5, 11);
  assert.deepEqual(Object.keys(drawn[0]!), ['a', 'b']);
  assert.deepEqual(drawn, drawConfigurations({ a: { distribution: 'uniform', min: 0, max: 1 }, b: { distribution: 'int', min: 0, max: 9 } }, 5, 11), 'key order does not matter');
  assert.equal(roundSignificant(0.0012345678), 0.00123457);
  // A bound written with more digits than kept is still never crossed.
  for (const c of drawConfigurations({ x: { distribution: 'uniform', min: 1.0000001, max: 1.0000002 } }, 20, 1)) assert.ok((c.x as number) >= 1.0000001 && (c.x as number) <= 1.0000002);
});

test('random search: bad specs are refused with the file position, as grid specs are', () => {
  const refused = (text: string, ...expected: RegExp[]) => {
    try {
      parseSpec(text, 'bad.yaml');
    } catch (error) {
      assert.ok(error instanceof SpecError, String(error));
      const lines = error.message.split('\n');
      assert.equal(lines.length, expected.length, error.message);
      expected.forEach((pattern, i) => assert.match(lines[i]!, pattern));
      return;
    }
    assert.fail(`accepted: ${text}`);
  };
  const random = (parameters: string, extra = 'count: 3\n') => `name: x\nmethod: random\n${extra}base: {pde: heat}\nparameters:\n${parameters}`;
  refused(random('  lr: {distribution: normal, min: 1, max: 2}\n'), /^bad\.yaml:6:\d+: parameters\.lr\.distribution: unknown distribution "normal": expected uniform, loguniform, int, choice$/);
  refused(random('  lr: {min: 1, max: 2}\n'), /^bad\.yaml:6:\d+: parameters\.lr\.distribution: a parameter needs a distribution/);
  refused(random('  lr: {distribution: uniform, min: 0.1, max: 0.1}\n'), /^bad\.yaml:6:\d+: parameters\.lr\.max: max must be greater than min/);
  refused(random('  lr: {distribution: loguniform, min: 0, max: 1}\n'), /^bad\.yaml:6:\d+: parameters\.lr\.min: a loguniform min must be > 0/);
  refused(random('  radius: {distribution: int, min: 1.5, max: 4}\n'), /^bad\.yaml:6:\d+: parameters\.radius\.min: int bounds are integers/);
  refused(random('  model: {distribution: choice, values: []}\n'), /^bad\.yaml:6:\d+: parameters\.model\.values: a choice needs at least one value/);
  // Drawn values pass the job options' own checks, at the parameter's position.
  refused(random('  lr: {distribution: uniform, min: 0, max: 1}\n'), /^bad\.yaml:6:\d+: parameters\.lr\.min: must be > 0/);
  refused(random('  model: {distribution: choice, values: [pinn, resnet]}\n'), /^bad\.yaml:6:\d+: parameters\.model\.values\[1\]: .*pinn/);
  refused(random('  radius: {distribution: uniform, min: 2, max: 6}\n'), /^bad\.yaml:6:\d+: parameters\.radius\.distribution: .*integer.*use distribution: int/);
  refused(random('  foo: {distribution: int, min: 1, max: 2}\n  seed: {distribution: int, min: 1, max: 2}\n'), /^bad\.yaml:6:\d+: parameters\.foo: unknown option 'foo'/, /^bad\.yaml:7:\d+: parameters\.seed: seeds are set by the top-level 'seeds'/);
  // Method and keys must agree.
  refused(random('  lr: {distribution: uniform, min: 0.1, max: 1}\n', ''), /^bad\.yaml:2:9: method: method: random needs 'count'/);
  refused('name: x\nmethod: random\ncount: 2\nbase: {pde: heat}\n', /^bad\.yaml:2:9: method: method: random needs 'parameters'/);
  refused(`${random('  lr: {distribution: uniform, min: 0.1, max: 1}\n')}matrix:\n  model: [pinn]\n`, /^bad\.yaml:8:\d+: matrix: method: random draws its configurations from 'parameters'/);
  refused('name: x\nbase: {pde: heat}\nsearch-seed: 1\nparameters:\n  lr: {distribution: uniform, min: 0.1, max: 1}\n', /^bad\.yaml:5:\d+: parameters: 'parameters' is for method: random/, /^bad\.yaml:3:\d+: search-seed: 'search-seed' is for method: random/);
  refused(random('  lr: {distribution: uniform, min: 0.1, max: 1}\n', 'count: 0\n'), /^bad\.yaml:3:8: count: count is at least 1/);
  refused(random('  lr: {distribution: uniform, min: 0.1, max: 1}\n', 'count: 60000\nseeds: 2\n'), /^bad\.yaml:3:8: count: 60,000 configurations × 2 seeds = 120,000 jobs; a sweep holds at most 100,000/);
  refused(`${random('  k: {distribution: uniform, min: 0.1, max: 1}\n').replace('pde: heat', 'pde: rd')}cycle:\n  - {k: 1}\n`, /cycle\[0\]\.k: k is also a drawn parameter/);
  refused(random('  lr: {distribution: uniform, min: 0.1, max: 1}\n', 'count: 2\nsearch-seed: -1\n'), /^bad\.yaml:4:\d+: search-seed: search-seed is an integer ≥ 0/);
});

test('early-stop: parsed for both methods, percentile 50 by default; bad values refused at their position', () => {
  assert.deepEqual(parseSpec('name: g\nbase: {pde: heat}\nearly-stop: {after-epochs: 20}\n').earlyStop, { afterEpochs: 20, percentile: 50 });
  assert.deepEqual(parseSpec(`${heatRandom(1)}early-stop: {after-epochs: 5, percentile: 25}\n`).earlyStop, { afterEpochs: 5, percentile: 25 });
  assert.equal(parseSpec('name: g\nbase: {pde: heat}\n').earlyStop, undefined);
  // Not part of any job: the same jobs with and without it.
  assert.deepEqual(parseSpec('name: g\nbase: {pde: heat}\nearly-stop: {after-epochs: 20}\n').jobs, parseSpec('name: g\nbase: {pde: heat}\n').jobs);
  for (const [rule, message] of [
    ['{after-epochs: 0}', /after-epochs is an integer ≥ 1/],
    ['{after-epochs: 2.5}', /after-epochs is an integer ≥ 1/],
    ['{after-epochs: 10, percentile: 0}', /percentile is in \(0, 100\)/],
    ['{after-epochs: 10, percentile: 100}', /percentile is in \(0, 100\)/],
    ['{percentile: 50}', /early-stop\.after-epochs/],
    ['{after-epochs: 10, median: true}', /early-stop: .*median/],
  ] as const) {
    assert.throws(() => parseSpec(`name: g\nbase: {pde: heat}\nearly-stop: ${rule}\n`, 'e.yaml'), (error: unknown) => error instanceof SpecError && /^e\.yaml:3:\d+: early-stop/.test(error.message) && message.test(error.message));
  }
});

/** A job's curve: loss = scale / (1 + epoch) reported every `every` epochs up to `until`. */
const curve = (scale: number, until: number, every = 10) => {
  const c = new LossCurve();
  for (let epoch = 0; epoch <= until; epoch += every) c.record(epoch, scale / (1 + epoch));
  return c;
};

test('early-stop: a clearly worse job is stopped; a good one, one before after-epochs, or one with too few others goes on', () => {
  const rule: EarlyStopRule = { afterEpochs: 100, percentile: 50 };
  const others = [curve(1, 300), curve(1.1, 200), curve(0.9, 150), curve(1.2, 120)];
  const bad = curve(10, 120);
  const decision = shouldStopEarly(rule, bad, others);
  assert.equal(decision.stop, true);
  if (decision.stop) {
    assert.equal(decision.epoch, 120);
    assert.equal(decision.others, 4);
    assert.ok(Math.abs(decision.threshold - 1.05 / 121) < 1e-12, 'median of the others\' best losses up to epoch 120');
    assert.match(earlyStopReason(rule, decision), /^stopped early at epoch 120: best loss 0\.08264 worse than the 50th percentile 0\.008678 of 4 other jobs$/);
  }
  assert.deepEqual(shouldStopEarly(rule, curve(0.95, 120), others), { stop: false, why: 'not-worse' });
  assert.deepEqual(shouldStopEarly(rule, curve(10, 90), others), { stop: false, why: 'before-after-epochs' });
  assert.deepEqual(shouldStopEarly(rule, bad, others.slice(0, earlyStopMinOthers - 1)), { stop: false, why: 'too-few-others' });
  // Others that have not reached the epoch have no loss there; the job itself among the others is skipped.
  assert.deepEqual(shouldStopEarly(rule, curve(10, 250), [...others, curve(10, 250)]), { stop: false, why: 'too-few-others' });
  const self = curve(10, 120);
  assert.equal(shouldStopEarly(rule, self, [self, ...others.slice(0, 3)]).stop, true);
  // A lower percentile stops more: at the 25th a job just above the median's others is stopped, at the 75th not.
  const middling = curve(1.06, 120);
  assert.equal(shouldStopEarly({ afterEpochs: 100, percentile: 25 }, middling, others).stop, true);
  assert.equal(shouldStopEarly({ afterEpochs: 100, percentile: 75 }, middling, others).stop, false);
  // Non-finite losses are no evidence; a job with none goes on.
  const silent = new LossCurve();
  silent.record(150, null);
  assert.deepEqual(shouldStopEarly(rule, silent, others), { stop: false, why: 'no-loss' });
});

test('early-stop: a loss curve keeps the best loss up to an epoch, only once the job has reached it', () => {
  const c = new LossCurve();
  c.record(0, 5);
  c.record(7, 2);
  c.record(13, 3);
  c.record(20, Number.NaN);
  assert.equal(c.epoch, 20);
  assert.equal(c.bestUpTo(6), 5);
  assert.equal(c.bestUpTo(13), 2);
  assert.equal(c.bestUpTo(21), null, 'not reached');
  c.record(7, 4); // a redelivered job reports epoch 7 again
  assert.deepEqual(c.samples(), [[0, 5], [7, 4], [13, 3]]);
  assert.equal(new LossCurve().bestUpTo(0), null);
});

test('examples/random-heat.yaml: a small random search with early stopping', () => {
  const spec = readSpec(join(fileURLToPath(new URL('../../examples/', import.meta.url)), 'random-heat.yaml'));
  assert.equal(spec.name, 'random-heat');
  assert.deepEqual(spec.seeds, [0, 1]);
  assert.equal(spec.jobs.length, 12, '6 distinct draws × 2 seeds');
  assert.deepEqual(spec.earlyStop, { afterEpochs: 100, percentile: 50 });
  for (const o of train(spec)) {
    assert.equal(o.pde, 'heat');
    assert.equal(o.epochs, 200);
    assert.ok(o.lr >= 1e-4 && o.lr <= 1e-2);
  }
});
