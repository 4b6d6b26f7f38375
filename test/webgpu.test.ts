// The webgpu rung on a software Vulkan device (lavapipe): the derivative, layer and gradient-fix tests run
// on it with their own tolerances (the same files as on wasm), a short training run matches wasm, and the
// failure and report paths say what they should. Every run is a child process with its own environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { softwareVulkanEnv, softwareVulkanIcd } from './support/software-vulkan.js';
import { CliProcess, NatsServer, requireBinary } from './support/services.js';
import { ResultStore } from '../orchestrator/store.js';
import { answerMarker } from '../mollifier/backend/child-answer.js';
import { planDeviceSelect, overrideManifestText, readDeviceSelectManifest } from '../worker/gpu-pinning.js';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-webgpu-'));
const vulkan = softwareVulkanIcd();
const skip = 'skip' in vulkan ? vulkan.skip : false;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...softwareVulkanEnv('icd' in vulkan ? vulkan.icd : ''), MOLLIFIER_LOG_LEVEL: 'warn', MOLLIFIER_LOG_FORMAT: 'json', ...extra });
const withoutBackend = (e: NodeJS.ProcessEnv) => {
  delete e.MOLLIFIER_BACKEND;
  return e;
};

interface TrainResult {
  status: string;
  metrics: { loss_data: number; loss_pde: number; backend: string; device: string; param_corr: number | null };
}

function train(name: string, environment: NodeJS.ProcessEnv, ...args: string[]): TrainResult & { trajectory: Map<number, number> } {
  const out = join(work, `${name}.json`);
  const run = spawnSync(process.execPath, [cli, 'train', ...args, '--out', out], { encoding: 'utf8', env: { ...environment, MOLLIFIER_LOG_LEVEL: 'info' }, timeout: 300_000 });
  assert.equal(run.status, 0, `${name}: ${run.stderr}`);
  // The progress log lines (JSON off a terminal): the loss at each reported epoch.
  const trajectory = new Map<number, number>();
  for (const line of run.stderr.split('\n').filter((l) => l.startsWith('{'))) {
    const entry = JSON.parse(line) as { epoch?: number; loss?: number };
    if (entry.epoch !== undefined && entry.loss !== undefined) trajectory.set(entry.epoch, entry.loss);
  }
  return { ...(JSON.parse(readFileSync(out, 'utf8')) as TrainResult), trajectory };
}

function assertSameTrajectory(a: Map<number, number>, b: Map<number, number>, what: string): void {
  assert.ok(a.size > 0 && a.size === b.size, `${what}: ${a.size} vs ${b.size} progress lines`);
  for (const [epoch, loss] of a) assert.ok(within(loss, b.get(epoch)!, 0.01), `${what}, epoch ${epoch}: ${loss} vs ${b.get(epoch)}`);
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
  assertSameTrajectory(gpu.trajectory, cpu.trajectory, 'heat webgpu vs wasm');
  assert.equal(gpu.trajectory.size, 30, 'a progress line per epoch');
});

test('PirateNet (least-squares initialise) with autodiff derivatives runs on webgpu and matches cpu within 1 %', { skip, timeout: 600_000 }, () => {
  const args = ['--pde', 'heat', '--model', 'piratenet', '--derivatives', 'autodiff', '--pde-warmup', '0', '--grid', '12', '--radius', '2', '--epochs', '4', '--seed', '5'];
  const gpu = train('pirate-webgpu', env({ MOLLIFIER_BACKEND: 'webgpu' }), ...args);
  const cpu = train('pirate-cpu', env({ MOLLIFIER_BACKEND: 'cpu' }), ...args);
  assert.equal(gpu.status, 'completed');
  for (const key of ['loss_data', 'loss_pde'] as const) {
    assert.ok(within(gpu.metrics[key], cpu.metrics[key], 0.01), `${key}: webgpu ${gpu.metrics[key]} vs cpu ${cpu.metrics[key]}`);
  }
  assertSameTrajectory(gpu.trajectory, cpu.trajectory, 'piratenet webgpu vs cpu');
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
  native?: string;
}

function backends(environment: NodeJS.ProcessEnv): Rung[] {
  const run = spawnSync(process.execPath, [cli, 'backends', '--json'], { encoding: 'utf8', env: environment, timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  const parsed = JSON.parse(run.stdout) as { backends: Rung[] };
  assert.deepEqual(Object.keys(parsed), ['backends']);
  assert.deepEqual(parsed.backends.map((b) => b.name), ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'], 'ladder order');
  for (const b of parsed.backends) {
    // `native` (the wasm rung's native kernels, mollifier/backend/native/) only where the wasm rung started.
    assert.deepEqual(Object.keys(b).sort(), ['available', 'device', 'name', ...(b.name === 'wasm' && b.available ? ['native'] : []), 'reason']);
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
  const { native, ...rest } = wasm;
  assert.deepEqual(rest, { name: 'wasm', available: true, device: 'cpu', reason: null });
  assert.match(native!, process.env.MOLLIFIER_NATIVE === '0' ? /^off \(MOLLIFIER_NATIVE=0\)$/ : process.env.CI === 'true' ? /^on \(OpenBLAS / : /./);
});

test('backends --json with no Vulkan driver: webgpu not available, and why', { timeout: 300_000 }, () => {
  const rungs = backends(withoutBackend({ ...env(), VK_DRIVER_FILES: join(work, 'no-such-icd.json') }));
  const webgpu = rungs.find((b) => b.name === 'webgpu')!;
  assert.equal(webgpu.available, false);
  assert.match(webgpu.reason!, /no WebGPU adapter/);
});

test('a real sweep through `worker --gpus 0` on webgpu: each result records the lane, its GPU index and the adapter it trained on', { skip: skip || ('skip' in requireBinary('nats-server') ? 'nats-server missing' : false), timeout: 300_000 }, async () => {
  const nats = await NatsServer.start((requireBinary('nats-server') as { path: string }).path);
  const main = fileURLToPath(new URL('../bin/main.js', import.meta.url));
  const worker = new CliProcess(main, ['worker', '--nats', nats.url, '--gpus', '0', '--host', 'gpunode', '--ack-wait', '5'], env({ MOLLIFIER_BACKEND: 'webgpu', MOLLIFIER_LOG_LEVEL: 'info' }) as Record<string, string>);
  try {
    await worker.waitForLine(/gpu0×1/);
    const specPath = join(work, 'webgpu-sweep.yaml');
    writeFileSync(specPath, 'name: webgpu-sweep\nseeds: 2\nbase: {pde: heat, grid: 12, radius: 2, epochs: 3, sample: 1}\n');
    const store = join(work, 'webgpu-sweep.sqlite');
    const run = new CliProcess(main, ['sweep', 'run', specPath, '--nats', nats.url, '--store', store, '--no-table']);
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    const results = new ResultStore(store);
    try {
      const rows = results.jobs();
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.equal(row.status, 'done', `${row.id}: ${row.reason}`);
        assert.equal(row.lane, 'gpu0');
        assert.equal(row.device, 'cuda:0');
        assert.equal(row.metrics!.backend, 'webgpu');
        assert.match(String(row.metrics!.device), /llvmpipe.*\[software\]/);
      }
    } finally {
      results.close();
    }
  } finally {
    worker.kill('SIGTERM');
    await worker.exited;
    await nats.stop();
  }
});

// Two Vulkan devices with the same vendor:device id: Debian 12's lavapipe (Mesa 22.3, which Dawn refuses) and the
// unpacked Mesa 25 one. Which one Dawn ends up with shows which devices the device-select layer left it.
const debianLavapipe = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
test('two Vulkan devices: the lane override puts Mesa 25\'s device-select layer in front inside Dawn, and `!` leaves one device', { skip: skip || (!existsSync(debianLavapipe) && process.env.CI !== 'true' ? `${debianLavapipe} missing` : false), timeout: 120_000 }, () => {
  const icd = (vulkan as { icd: string }).icd;
  const manifest = join(dirname(icd), 'root/usr/share/vulkan/implicit_layer.d/VkLayer_MESA_device_select.json');
  const overrideDir = join(work, 'device-select');
  mkdirSync(overrideDir, { recursive: true });
  writeFileSync(join(overrideDir, 'VkLayer_MESA_device_select.json'), overrideManifestText(manifest));
  const plan = planDeviceSelect({ manifest: null, apiVersion: null }, readDeviceSelectManifest(manifest), overrideDir);
  assert.equal(plan.mode, 'override');
  const probe = (extra: NodeJS.ProcessEnv) => {
    const run = spawnSync(process.execPath, [fileURLToPath(new URL('../mollifier/backend/webgpu-probe.js', import.meta.url))], {
      encoding: 'utf8',
      // The refused Mesa 22.3 device is enumerated last.
      env: { ...env(), VK_DRIVER_FILES: `${debianLavapipe}:${icd}`, ...extra },
    });
    const line = run.stdout.split('\n').find((l) => l.startsWith(answerMarker))!;
    return (JSON.parse(line.slice(answerMarker.length)) as { adapter?: { description: string } }).adapter?.description ?? null;
  };
  assert.match(probe({})!, /Mesa 25/, 'both devices: Dawn takes the one it accepts');
  assert.equal(probe({ ...plan.env, MESA_VK_DEVICE_SELECT: '10005:0!' }), null, 'the override layer left Dawn one device, the last match (the refused one)');
  assert.match(probe({ ...plan.env, MESA_VK_DEVICE_SELECT: '10005:0' })!, /Mesa 25/, 'without `!` both stay');
  assert.match(probe({ MESA_VK_DEVICE_SELECT: '10005:0!' })!, /Mesa 25/, "Debian 12's own layer ignores `!`: the override is what pins");
});

test('regression: a command the GPU rejects (a tensor past the 128 MiB binding limit) gave a silently wrong sum; now the read throws WebGpuError and the backend goes on', { skip, timeout: 120_000 }, () => {
  const run = (mode: string) => {
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./support/webgpu-oversize.js', import.meta.url)), mode], { encoding: 'utf8', env: env({ MOLLIFIER_BACKEND: 'webgpu' }), timeout: 100_000 });
    assert.equal(child.status, 0, child.stderr.slice(-2000));
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as { backend: string; expected: number; sum?: number; error?: string; after: number };
  };
  const unguarded = run('no-fixes');
  assert.equal(unguarded.backend, 'webgpu');
  assert.notEqual(unguarded.sum, unguarded.expected, 'upstream: the rejected command is skipped and the read returns whatever the buffer held');
  const guarded = run('fixes');
  assert.equal(guarded.sum, undefined);
  assert.match(guarded.error!, /^WebGpuError: the GPU rejected \d+ command\(s\).*maximum storage buffer binding size/);
  assert.equal(guarded.after, 1000, 'the next job on the same thread computes right');
});
