// The webgpu rung on a software Vulkan device (lavapipe): the derivative, layer and gradient-fix tests run
// on it with their own tolerances (the same files as on wasm), a short training run matches wasm, and the
// failure and report paths say what they should. Every run is a child process with its own environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { softwareVulkanEnv, softwareVulkanIcd } from './support/software-vulkan.js';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-webgpu-'));
const vulkan = softwareVulkanIcd();
const skip = 'skip' in vulkan ? vulkan.skip : false;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...softwareVulkanEnv('icd' in vulkan ? vulkan.icd : ''), MOLLIFIER_LOG_LEVEL: 'warn', ...extra });
const withoutBackend = (e: NodeJS.ProcessEnv) => {
  delete e.MOLLIFIER_BACKEND;
  return e;
};

interface TrainResult {
  status: string;
  metrics: { loss_data: number; loss_pde: number; backend: string; device: string; param_corr: number | null };
}

function train(name: string, environment: NodeJS.ProcessEnv, ...args: string[]): TrainResult {
  const out = join(work, `${name}.json`);
  const run = spawnSync(process.execPath, [cli, 'train', ...args, '--out', out], { encoding: 'utf8', env: environment, timeout: 300_000 });
  assert.equal(run.status, 0, `${name}: ${run.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as TrainResult;
}

const within = (a: number, b: number, relative: number) => Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));

test('the derivative, layer and tfjs#3252 tests pass on webgpu (software Vulkan) with their wasm tolerances', { skip, timeout: 600_000 }, () => {
  const files = ['autodiff', 'layer', 'backend-gradients'].map((f) => fileURLToPath(new URL(`./${f}.test.js`, import.meta.url)));
  // A runner of its own: without this variable it would see it runs inside a test and run nothing.
  const childEnv = env({ MOLLIFIER_BACKEND: 'webgpu', MOLLIFIER_LOG_LEVEL: 'info' });
  delete childEnv.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', ...files], { encoding: 'utf8', env: childEnv, timeout: 540_000 });
  const failures = run.stdout.split('\n').filter((l) => /^\s*not ok /.test(l));
  assert.deepEqual(failures, [], run.stdout.slice(-4000));
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  // Forced, so nothing else could have run them; the log line names the software adapter.
  assert.match(run.stdout + run.stderr, /backend webgpu on llvmpipe/);
  const passed = Number(/^# pass (\d+)/m.exec(run.stdout)?.[1] ?? 0);
  assert.ok(passed >= 25, `only ${passed} tests passed on webgpu`);
});

test('regression: no synchronous read on a training job (webgpu throws "OffscreenCanvas is not defined"): heat PINN on webgpu ends within 1 % of wasm', { skip, timeout: 600_000 }, () => {
  const args = ['--pde', 'heat', '--grid', '24', '--epochs', '30', '--seed', '3'];
  const gpu = train('heat-webgpu', env({ MOLLIFIER_BACKEND: 'webgpu' }), ...args);
  // The same machine, software adapter present, nothing forced: the ladder passes the software adapter by.
  const cpu = train('heat-ladder', withoutBackend(env()), ...args);
  assert.equal(gpu.metrics.backend, 'webgpu');
  assert.match(gpu.metrics.device, /llvmpipe.*\[software\]/);
  assert.equal(cpu.metrics.backend, 'wasm');
  assert.equal(cpu.metrics.device, 'cpu');
  for (const key of ['loss_data', 'loss_pde'] as const) {
    assert.ok(within(gpu.metrics[key], cpu.metrics[key], 0.01), `${key}: webgpu ${gpu.metrics[key]} vs wasm ${cpu.metrics[key]}`);
  }
});

test('PirateNet (least-squares initialise) with autodiff derivatives runs on webgpu and matches cpu within 1 %', { skip, timeout: 600_000 }, () => {
  const args = ['--pde', 'heat', '--model', 'piratenet', '--derivatives', 'autodiff', '--pde-warmup', '0', '--grid', '12', '--radius', '2', '--epochs', '4', '--seed', '5'];
  const gpu = train('pirate-webgpu', env({ MOLLIFIER_BACKEND: 'webgpu' }), ...args);
  const cpu = train('pirate-cpu', env({ MOLLIFIER_BACKEND: 'cpu' }), ...args);
  assert.equal(gpu.status, 'completed');
  for (const key of ['loss_data', 'loss_pde'] as const) {
    assert.ok(within(gpu.metrics[key], cpu.metrics[key], 0.01), `${key}: webgpu ${gpu.metrics[key]} vs cpu ${cpu.metrics[key]}`);
  }
});

test('MOLLIFIER_BACKEND=webgpu where no adapter exists: exit 2, one line saying why, nothing written', { timeout: 120_000 }, () => {
  const out = join(work, 'never.json');
  const run = spawnSync(process.execPath, [cli, 'train', '--pde', 'heat', '--grid', '12', '--epochs', '2', '--out', out], {
    encoding: 'utf8',
    env: { ...env(), MOLLIFIER_BACKEND: 'webgpu', VK_DRIVER_FILES: join(work, 'no-such-icd.json') },
  });
  assert.equal(run.status, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /^mollifier: MOLLIFIER_BACKEND=webgpu: no WebGPU adapter/);
  assert.equal(existsSync(out), false);
});

interface Rung {
  name: string;
  available: boolean;
  device: string | null;
  reason: string | null;
}

function backends(environment: NodeJS.ProcessEnv): Rung[] {
  const run = spawnSync(process.execPath, [cli, 'backends', '--json'], { encoding: 'utf8', env: environment, timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  const parsed = JSON.parse(run.stdout) as { backends: Rung[] };
  assert.deepEqual(Object.keys(parsed), ['backends']);
  assert.deepEqual(parsed.backends.map((b) => b.name), ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'], 'ladder order');
  for (const b of parsed.backends) {
    assert.deepEqual(Object.keys(b).sort(), ['available', 'device', 'name', 'reason']);
    if (!b.available) assert.ok(b.reason && b.device === null, `${b.name} unavailable without a reason`);
  }
  return parsed.backends;
}

test('backends --json: every rung in ladder order; webgpu usable on the software adapter, with the reason the ladder passes it by', { skip, timeout: 300_000 }, () => {
  const rungs = backends(withoutBackend(env()));
  const webgpu = rungs.find((b) => b.name === 'webgpu')!;
  assert.equal(webgpu.available, true);
  assert.match(webgpu.device!, /llvmpipe.*\[software\]/);
  assert.match(webgpu.reason!, /MOLLIFIER_BACKEND=webgpu/);
  const wasm = rungs.find((b) => b.name === 'wasm')!;
  assert.deepEqual(wasm, { name: 'wasm', available: true, device: 'cpu', reason: null });
});

test('backends --json with no Vulkan driver: webgpu not available, and why', { timeout: 300_000 }, () => {
  const rungs = backends(withoutBackend({ ...env(), VK_DRIVER_FILES: join(work, 'no-such-icd.json') }));
  const webgpu = rungs.find((b) => b.name === 'webgpu')!;
  assert.equal(webgpu.available, false);
  assert.match(webgpu.reason!, /no WebGPU adapter/);
});
