import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, peakTensorBytes, tf } from '../mollifier/backend/index.js';
import { simulateProblem } from '../mollifier/pdes/simulate.js';
import { learningRate, train, trainingData } from '../mollifier/training/index.js';
import { mlpFieldModel } from './support/mlp-field-model.js';

await initBackend({ log: false });

test('learning rate: constant for the first 10 %, then cosine down to lr_min', () => {
  const options = { initial: 1e-3, minimum: 1e-5, total: 100, constantFraction: 0.1 };
  assert.equal(learningRate(0, options), 1e-3);
  assert.equal(learningRate(9, options), 1e-3);
  assert.equal(learningRate(10, options), 1e-3);
  assert.ok(Math.abs(learningRate(55, options) - (1e-5 + 0.5 * (1e-3 - 1e-5))) < 1e-12);
  assert.ok(Math.abs(learningRate(100, options) - 1e-5) < 1e-15);
  for (let t = 11; t <= 100; t++) assert.ok(learningRate(t, options) <= learningRate(t - 1, options));
});

function tinyHeat(seed: number) {
  const instance = simulateProblem('heat', { case: 'smooth', grid: 16 });
  const data = trainingData(instance, { sample: 0.3, seed });
  return { data, model: mlpFieldModel(2, 1, data.bounds, seed, 16, 2) };
}

test('a tiny mollified heat job: the loss falls 10× within seconds', async () => {
  const { data, model } = tinyHeat(1);
  const losses: number[] = [];
  const outcome = await train(data, model, { derivatives: 'mollifier', epochs: 150, radius: 2, lr: 3e-3, progressEvery: 1, onProgress: (p) => losses.push(p.loss) });
  assert.equal(outcome.status, 'completed');
  assert.ok(losses[losses.length - 1]! * 10 <= losses[0]!, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.equal(outcome.estimates!.separable!.length, 12 * 12);
  assert.ok(outcome.peakBytes > 0);
  model.dispose();
});

test('the same seed gives the same losses and estimates; tensors do not leak across jobs', async () => {
  const run = async (seed: number) => {
    const { data, model } = tinyHeat(seed);
    const outcome = await train(data, model, { derivatives: 'mollifier', epochs: 20, radius: 2, seed });
    model.dispose();
    return outcome;
  };
  const before = tf.memory().numTensors;
  const a = await run(3);
  const b = await run(3);
  const c = await run(4);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(a.lossData, b.lossData);
  assert.deepEqual(a.estimates!.direct, b.estimates!.direct);
  assert.notEqual(a.lossData, c.lossData);
});

test('the autodiff path trains on collocation batches and gives estimates on the same nodes', async () => {
  const { data, model } = tinyHeat(2);
  const outcome = await train(data, model, { derivatives: 'autodiff', epochs: 5, radius: 2, collocationBatch: 64 });
  assert.equal(outcome.status, 'completed');
  assert.equal(outcome.estimates!.separable!.length, 12 * 12);
  assert.ok(Number.isFinite(outcome.lossPde));
  model.dispose();
});

test('divergence ends the job with status diverged and the reason; the history ends at the diverging epoch', async () => {
  const { data, model } = tinyHeat(5);
  const outcome = await train(data, model, { derivatives: 'mollifier', epochs: 200, radius: 2, lr: 1e3, divergenceFactor: 10 });
  assert.equal(outcome.status, 'diverged');
  assert.match(outcome.reason!, /loss (became|.* exceeds)/);
  assert.equal(outcome.estimates, undefined);
  const last = outcome.history.epoch.at(-1)!;
  assert.ok(outcome.reason!.includes(`at epoch ${last}`), `history ends at epoch ${last}: ${outcome.reason}`);
  model.dispose();
});

test('the loss history keeps the first epoch, every ⌈epochs / 200⌉-th and the last, with the losses progress reported', async () => {
  const { data, model } = tinyHeat(6);
  const reported = new Map<number, number>();
  const outcome = await train(data, model, { derivatives: 'mollifier', epochs: 450, radius: 2, progressEvery: 1, onProgress: (p) => reported.set(p.epoch, p.loss) });
  model.dispose();
  const { epoch, loss, data: dataLoss, pde } = outcome.history;
  // ⌈450 / 200⌉ = 3: epochs 1, 3, 6, ..., 450.
  assert.deepEqual(epoch, [1, ...Array.from({ length: 150 }, (_, i) => 3 * (i + 1))]);
  assert.equal(loss.length, epoch.length);
  assert.equal(dataLoss.length, epoch.length);
  assert.equal(pde.length, epoch.length);
  epoch.forEach((e, i) => assert.equal(loss[i], reported.get(e), `epoch ${e}`));
  assert.ok(loss.at(-1)! < loss[0]!, 'the loss fell');
  const every = await (async () => {
    const { data: d2, model: m2 } = tinyHeat(6);
    const short = await train(d2, m2, { derivatives: 'mollifier', epochs: 7, radius: 2, historyEvery: 3 });
    m2.dispose();
    return short.history.epoch;
  })();
  assert.deepEqual(every, [1, 3, 6, 7]);
});

test('peakTensorBytes: the peak of live tensor bytes inside, exact, and the engine counts normally after', async () => {
  const before = tf.memory().numBytes;
  const peak = await peakTensorBytes(() => {
    const a = tf.zeros([1000]);
    const b = tf.zeros([500]);
    a.dispose();
    const c = tf.zeros([200]);
    tf.dispose([b, c]);
  });
  assert.equal(peak - before, 1500 * 4);
  const d = tf.zeros([10]);
  assert.equal(tf.memory().numBytes - before, 40, 'the byte counter is a plain number again');
  d.dispose();
  assert.equal(tf.memory().numBytes, before);
});

test('PDE warm-up: the first epoch trains on the data alone; rim data fits the rim the valid layer leaves out', async () => {
  const { data, model } = tinyHeat(2);
  const weighted: number[] = [];
  const outcome = await train(data, model, { derivatives: 'mollifier', epochs: 10, radius: 2, pdeWarmup: 0.5, progressEvery: 1, onProgress: (p) => weighted.push(p.loss - p.lossData) });
  assert.equal(outcome.status, 'completed');
  assert.equal(weighted[0], 0, 'epoch 1: PDE weight 0');
  assert.ok(weighted[9]! > 0, 'after the warm-up the PDE term counts');
  model.dispose();
  // Rim data on or off changes the data loss (the observed rim nodes enter it), with the same model and seed.
  const losses = async (rimData: boolean) => {
    const { data: d, model: m } = tinyHeat(2);
    const first: number[] = [];
    await train(d, m, { derivatives: 'mollifier', epochs: 1, radius: 2, rimData, progressEvery: 1, onProgress: (p) => first.push(p.lossData) });
    m.dispose();
    return first[0]!;
  };
  const [withRim, without] = [await losses(true), await losses(false)];
  assert.ok(Number.isFinite(withRim) && Number.isFinite(without));
  assert.notEqual(withRim, without);
});
