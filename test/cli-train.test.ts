import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-train-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('train writes result.json with config, status, metrics and fields', () => {
  const out = join(work, 'heat.json');
  const { code, stderr } = run('train', '--pde', 'heat', '--grid', '12', '--radius', '2', '--epochs', '5', '--seed', '1', '--out', out);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as {
    config: { pde: string; epochs: number };
    status: string;
    metrics: Record<string, unknown>;
    fields: { parameter: number[]; parameter_true: number[] | null; field: Record<string, number[]>; field_true: Record<string, number[]>; laplacian: number[]; laplacian_true: number[] | null };
    history: { epoch: number[]; loss: number[] } | null;
  };
  assert.equal(result.status, 'completed');
  assert.equal(result.config.epochs, 5);
  for (const key of ['param_corr', 'param_corr_smoothed', 'param_mean', 'param_mean_rel_err', 'param_std_ratio', 'laplacian_corr', 'loss_data', 'loss_pde', 'time_s', 'peak_bytes', 'rss_bytes', 'backend', 'versions']) {
    assert.ok(key in result.metrics, key);
  }
  assert.equal(result.fields.parameter.length, 8 * 8);
  assert.equal(result.fields.field.u!.length, 8 * 8);
  assert.equal(result.fields.laplacian.length, 8 * 8);
  // The truth beside the estimates where the data are simulated, and the loss history.
  assert.equal(result.fields.field_true.u!.length, 8 * 8);
  assert.equal(result.fields.laplacian_true!.length, 8 * 8);
  assert.equal(result.fields.parameter_true!.length, 8 * 8);
  assert.equal(result.history!.epoch[0], 1);
  assert.equal(result.history!.epoch.at(-1), result.config.epochs);
  assert.ok(result.history!.loss.every((v) => Number.isFinite(v)));
  // Which kernels computed it (mollifier/backend/native/): CI installs OpenBLAS, so there they are on unless turned off.
  const kernels = result.metrics.kernels as { backend: string; native?: string; calls?: Record<string, { native: number; fallback: number }> };
  if (kernels.backend === 'wasm') {
    assert.ok(kernels.native, 'a wasm result says whether native kernels ran');
    if (process.env.MOLLIFIER_NATIVE === '0') assert.equal(kernels.native, 'off (MOLLIFIER_NATIVE=0)');
    else if (process.env.CI === 'true') {
      assert.match(kernels.native, /^on \(OpenBLAS /);
      assert.ok(kernels.calls!.BatchMatMul!.native > 0 && kernels.calls!.Tanh!.native > 0, JSON.stringify(kernels.calls));
    }
  }
});

test('MOLLIFIER_NATIVE=0: the backend line says the native kernels are off, and the result records it', () => {
  const out = join(work, 'heat-off.json');
  const result = spawnSync(process.execPath, [cli, 'train', '--pde', 'heat', '--grid', '12', '--radius', '2', '--epochs', '2', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, MOLLIFIER_NATIVE: '0', MOLLIFIER_LOG_LEVEL: 'info', MOLLIFIER_BACKEND: 'wasm' },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /backend wasm \(native kernels: off \(MOLLIFIER_NATIVE=0\)\)/);
  const kernels = (JSON.parse(readFileSync(out, 'utf8')) as { metrics: { kernels: { native: string; calls: object } } }).metrics.kernels;
  assert.equal(kernels.native, 'off (MOLLIFIER_NATIVE=0)');
  assert.deepEqual(kernels.calls, {});
});

test('bad train input exits 2 with the reason and writes nothing', () => {
  const out = join(work, 'never.json');
  const cases: Array<[string[], RegExp]> = [
    [['--pde', 'wave'], /'wave' is not a problem: expected langevin, heat, rd, decay \(load your own with --problems DIR\)/],
    [['--pde', 'heat', '--model', 'transformer'], /--model must be one of pinn, piratenet, pinnsformer, none, got 'transformer'/],
    [['--pde', 'heat', '--epochs', '0'], /--epochs 0: must be an integer > 0/],
    [['--pde', 'heat', '--epochs', '-3'], /--epochs -3: must be an integer > 0/],
    [['--pde', 'heat', '--sample', '0'], /--sample 0: must be in \(0, 1\]/],
    [['--pde', 'heat', '--sample', '1.2'], /--sample 1.2: must be in \(0, 1\]/],
    [['--pde', 'heat', '--grid', '10', '--radius', '6', '--epochs', '2'], /too few for radius 6/],
    [['--pde', 'heat', '--family', 'gauss'], /--family must be one of bump, poly2, poly4, sine, fd, got 'gauss'/],
    [['--pde', 'heat', '--pde-warmup', '1'], /--pde-warmup 1: must be in \[0, 1\)/],
    [['--pde', 'heat', '--fourier-band', '2,1'], /--fourier-band must be two positive numbers min,max with min ≤ max, got '2,1'/],
    [['--pde', 'heat', '--interface-length', '0.1'], /--interface-length does not apply to heat: its residual has no length scale/],
    [['--pde', 'rd', '--interface-length', '-1'], /--interface-length -1: must be > 0/],
    [['--pde', 'heat', '--collocation-batch', '0'], /--collocation-batch 0: must be an integer > 0/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = run('train', ...args, '--out', out);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, message);
    assert.equal(existsSync(out), false);
  }
});

test('regression: rd autodiff past the wasm heap ends in one line naming what to change, not a stack trace', { timeout: 120_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'mollifier-oom-'));
  // 1024 collocation nodes: the default 256 fits since the native kernels stopped copying on Identity.
  const run = spawnSync(process.execPath, [cli, 'train', '--pde', 'rd', '--derivatives', 'autodiff', '--epochs', '2', '--grid', '32', '--collocation-batch', '1024', '--out', join(out, 'r.json')], {
    encoding: 'utf8',
    env: { ...process.env, MOLLIFIER_BACKEND: 'wasm', MOLLIFIER_LOG_LEVEL: 'error' },
  });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  // Stock wasm kernels overrun the heap inside a kernel; native ones refuse the allocation (mollifier/backend/native/kernels.ts).
  assert.match(
    lines.at(-1)!,
    /^mollifier: failed: (RuntimeError: (memory access out of bounds: the backend ran out of memory|Aborted\(\).*: the wasm backend aborted, most often because its 4 GiB heap is full)|Error: out of memory: the wasm heap \(4 GiB at most\) has no room for a float32 tensor \[[0-9, ]+\] \([0-9.]+ MiB\)); lower --collocation-batch/,
  );
  assert.ok(!lines.some((l) => /^\s+at /.test(l)), `a stack trace: ${run.stderr}`);
  assert.ok(!existsSync(join(out, 'r.json')), 'no half-written result');
});
