// Regression test for upstream tfjs#3252: the stock gradients of Tanh, Sigmoid, Exp, Softmax, LogSoftmax,
// Elu and Pow save their output, which the next level of tf.grad sees as a constant, so nested gradients
// throw or come out wrong. initBackend() re-registers them; a worker without the fix shows the bug is
// still upstream (when this starts failing there, upstream has fixed it and the fix can go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../mollifier/backend/index.js';
import { runGradientProbes, type ProbeResult } from './support/gradient-probes.js';
import { runWorker } from './support/run-worker.js';

await initBackend();

const tolerance = 1e-4;
const ok = (r: ProbeResult): boolean => r.relativeError !== null && r.relativeError < tolerance;
const describe = (r: ProbeResult): string => `${r.kernel} ${r.derivative}: ${r.error ?? r.relativeError}`;

const before = tf.memory().numTensors;
const fixed = await runGradientProbes();
const kernels = [...new Set(fixed.map((r) => r.kernel))];

test('tfjs#3252 probes leave no tensor behind', () => {
  assert.equal(tf.memory().numTensors, before);
});

for (const kernel of kernels) {
  test(`tfjs#3252 fixed: nested tf.grad of ${kernel} matches the analytic derivatives`, () => {
    const results = fixed.filter((r) => r.kernel === kernel);
    const failures = results.filter((r) => !ok(r));
    assert.deepEqual(failures.map(describe), [], `with the fix: ${results.map(describe).join('; ')}`);
  });
}

test('tfjs#3252 still upstream: without the fix every one of these kernels breaks a nested gradient', async () => {
  const report = await runWorker<{ fixes: string[]; results: ProbeResult[] }>(new URL('./support/grad-probe.js', import.meta.url));
  assert.deepEqual(report.fixes, []);
  const tanh = report.results.find((r) => r.kernel === 'Tanh' && r.derivative === 'd2/dx2 of tanh(x)')!;
  assert.ok(!ok(tanh), `nested tanh gradient without the fix: ${describe(tanh)}`);
  for (const kernel of kernels) {
    const broken = report.results.filter((r) => r.kernel === kernel && !ok(r));
    assert.ok(broken.length > 0, `${kernel}: every nested gradient is right without the fix; has upstream fixed tfjs#3252?`);
  }
});
