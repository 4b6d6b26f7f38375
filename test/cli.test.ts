import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('kernel --json prints weights in the documented cross-correlation orientation', () => {
  const { code, stdout } = run('kernel', '--family', 'bump', '--radius', '3', '--spacing', '0.1', '--derivative', '1', '--json');
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as { weights: number[]; shape: number[] };
  assert.deepEqual(report.shape, [7]);
  // out[i] = Σ w[m+R] g[i+m] on g = 5x gives 5.
  const value = report.weights.reduce((sum, w, k) => sum + w * 5 * (k - 3) * 0.1, 0);
  assert.ok(Math.abs(value - 5) < 1e-9);
});

test('kernel --dims 2 --operator dy --json is row-major with rows along y', () => {
  const { code, stdout } = run('kernel', '--radius', '2', '--spacing', '0.5', '--dims', '2', '--operator', 'dy', '--json');
  assert.equal(code, 0);
  const { weights, shape } = JSON.parse(stdout) as { weights: number[]; shape: number[] };
  assert.deepEqual(shape, [5, 5]);
  let dyOfY = 0;
  let dyOfX = 0;
  for (let a = -2; a <= 2; a++) {
    for (let b = -2; b <= 2; b++) {
      dyOfY += weights[(a + 2) * 5 + (b + 2)]! * a * 0.5;
      dyOfX += weights[(a + 2) * 5 + (b + 2)]! * b * 0.5;
    }
  }
  assert.ok(Math.abs(dyOfY - 1) < 1e-9 && Math.abs(dyOfX) < 1e-9);
});

test('kernel without --json prints a readable table', () => {
  const { code, stdout } = run('kernel', '--family', 'poly4', '--radius', '2', '--derivative', '2');
  assert.equal(code, 0);
  assert.match(stdout, /poly4 kernel/);
  assert.equal(stdout.trim().split('\n').filter((l) => /^\s+-?\d+\s/.test(l)).length, 5);
});

test('bad kernel input exits 2 with one line naming the bad value and no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['kernel', '--family', 'gaussian'], /unknown kernel family 'gaussian'/],
    [['kernel', '--radius', '0'], /radius 0 is invalid/],
    [['kernel', '--radius', 'three'], /'three'/],
    [['kernel', '--spacing', '0'], /spacing 0 is invalid/],
    [['kernel', '--spacing', '-0.5'], /spacing -0.5 is invalid/],
    [['kernel', '--family', 'poly2', '--derivative', '4'], /'poly2' cannot give derivative order 4/],
    [['kernel', '--family', 'poly4', '--dims', '2', '--operator', 'biharmonic'], /'poly4' cannot give the biharmonic operator/],
    [['kernel', '--dims', '2', '--operator', 'rot'], /unknown 2D operator 'rot'/],
    [['kernel', '--derivative', '7'], /derivative order 7/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = run(...args);
    assert.equal(code, 2, `${args.join(' ')}: exit ${code}`);
    assert.equal(stdout, '');
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${stderr}`);
    assert.match(lines[0]!, message);
    assert.doesNotMatch(stderr, /\bat .*\.js:\d+/);
  }
});

test('bench derivatives --quick --json measures all three methods for orders 1, 2 and 4, on stock and native wasm kernels where both run', () => {
  const { code, stdout, stderr } = run('bench', 'derivatives', '--quick', '--json', '--no-torch');
  assert.equal(code, 0, stderr);
  const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
  const backends = [...new Set(rows.map((r) => r.backend as string))].sort();
  // CI builds the native kernels (.ci/run), so there both variants run unless MOLLIFIER_NATIVE=0 keeps them off.
  if (process.env.MOLLIFIER_NATIVE === '0') assert.deepEqual(backends, ['wasm']);
  else if (process.env.CI === 'true') assert.deepEqual(backends, ['wasm', 'wasm+native']);
  for (const backend of backends) {
    const own = rows.filter((r) => r.backend === backend);
    assert.equal(own.length, 9, backend);
    for (const row of own) {
      for (const field of ['order', 'depth', 'points', 'method', 'msPerStep', 'peakBytes', 'oom']) assert.ok(field in row, `${field} in row`);
      assert.equal(row.oom, false);
      assert.ok((row.msPerStep as number) > 0);
    }
    const peak = (order: number, method: string) => own.find((r) => r.order === order && r.method === method)!.peakBytes as number;
    // Nested autodiff keeps every intermediate of every derivative level: it must need more memory.
    for (const order of [1, 2, 4]) assert.ok(peak(order, 'autodiff') > peak(order, 'mollifier'), `${backend} order ${order}`);
  }
});

test('bench derivatives --kernels: a bad list is one line and exit 2', () => {
  const { code, stderr } = run('bench', 'derivatives', '--quick', '--no-torch', '--kernels', 'wasm,gpu');
  assert.equal(code, 2);
  assert.match(stderr.trim(), /^mollifier: --kernels: 'gpu' is not wasm or native$/);
});

test('an unknown or unavailable MOLLIFIER_BACKEND is one line and exit 2, not a stack trace', () => {
  for (const [value, message] of [['gpu', /MOLLIFIER_BACKEND=gpu is not a backend/], ['node', /^mollifier: MOLLIFIER_BACKEND=node: not installed$/]] as const) {
    const result = spawnSync(process.execPath, [cli, 'bench', 'derivatives', '--quick', '--no-torch'], {
      encoding: 'utf8',
      env: { ...process.env, MOLLIFIER_BACKEND: value, MOLLIFIER_LOG_LEVEL: 'warn' },
    });
    // The quick benchmark runs its steps in child processes: the parent checks the backend first.
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr.trim(), message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
});

test('--version prints the package, the protocol and the pinned TensorFlow.js on stdout, exit 0', () => {
  for (const flag of ['--version', '-V']) {
    const { code, stdout, stderr } = run(flag);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^mollifier-layers \d+\.\d+\.\d+ \(protocol \d+, TensorFlow\.js 4\.22\.0, node v\d+\.\d+\.\d+\)\n$/);
    assert.equal(stderr, '');
  }
});
