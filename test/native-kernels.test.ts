// The native kernels on wasm (mollifier/backend/native/, native/src/): every kernel against a float64 reference
// (these run on whichever kernels are active, so the CI pass with MOLLIFIER_NATIVE=0 checks the wasm ones the same
// way), tanh's derivatives to the 7th order, 50 training steps with and without them against what one float32 ulp
// does, the addon's guards, and the build that must never fail an install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, tf, type Tensor } from '../mollifier/index.js';
import { binaryPlan, loadNativeAddon, matMulPlan, nativeCallCounts, nativeWanted, reductionPlan, tanhDerivative, tanhDerivativeFactor } from '../mollifier/backend/index.js';
import { runWorker } from './support/run-worker.js';

const choice = await initBackend({ log: false });
const onWasm = choice.tfBackend === 'wasm';
const native = choice.native?.state === 'on';
const skipOffWasm = onWasm ? false : `backend is ${choice.tfBackend}, not wasm`;
const skipNoNative = native ? false : `native kernels ${choice.native?.state ?? 'absent'}`;
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Units in the last place of float32 between a float32 result and a float64 reference. */
function ulps(actual: number, expected: number): number {
  if (actual === expected) return 0;
  const reference = Math.fround(expected);
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(reference) || 2 ** -126)), -126);
  return Math.abs(actual - expected) / 2 ** (exponent - 23);
}

function callsOf(name: string): number {
  return nativeCallCounts()[name]?.native ?? 0;
}

test('with CI=true the native kernels are on, unless MOLLIFIER_NATIVE=0 turns them off (then they are off, not missing)', { skip: skipOffWasm }, () => {
  if (!nativeWanted()) {
    assert.equal(choice.native?.state, 'off');
    return;
  }
  if (process.env.CI === 'true') assert.equal(choice.native?.state, 'on', `native kernels: ${JSON.stringify(choice.native)}`);
});

test('matMulPlan broadcasts batch dims the native path handles and leaves the rest', () => {
  assert.deepEqual(matMulPlan([7, 5], [5, 3], false, false), { outShape: [7, 3], batch: 1, strideA: 0, strideB: 0, m: 7, n: 3, k: 5 });
  assert.deepEqual(matMulPlan([2, 5, 7], [2, 3, 5], true, true), { outShape: [2, 7, 3], batch: 2, strideA: 35, strideB: 15, m: 7, n: 3, k: 5 });
  assert.deepEqual(matMulPlan([7, 5], [4, 5, 3], false, false)?.strideA, 0);
  assert.equal(matMulPlan([2, 1, 7, 5], [1, 3, 5, 3], false, false), undefined, 'a two-sided broadcast goes to the wasm kernel');
  assert.equal(matMulPlan([7, 5], [4, 3], false, false), undefined, 'mismatched inner dims: the wasm kernel words the error');
});

test('reductionPlan views contiguous axes as [outer, reduce, inner] and refuses the rest', () => {
  assert.deepEqual(reductionPlan([4, 5, 6], [1], false), { outer: 4, reduce: 5, inner: 6, outShape: [4, 6] });
  assert.deepEqual(reductionPlan([4, 5, 6], [-1, 1], true), { outer: 4, reduce: 30, inner: 1, outShape: [4, 1, 1] });
  assert.deepEqual(reductionPlan([4, 5], 0, false), { outer: 1, reduce: 4, inner: 5, outShape: [5] });
  assert.equal(reductionPlan([4, 5, 6], [0, 2], false), undefined);
  assert.equal(reductionPlan([4, 0, 6], [1], false), undefined);
});

test('binaryPlan takes same shapes, rows and scalars on either side, and leaves column broadcasts', () => {
  assert.deepEqual(binaryPlan([4, 3], [4, 3]), { outShape: [4, 3], swap: false });
  assert.deepEqual(binaryPlan([4, 3], [3]), { outShape: [4, 3], swap: false });
  assert.deepEqual(binaryPlan([1, 3], [2, 4, 3]), { outShape: [2, 4, 3], swap: true });
  assert.deepEqual(binaryPlan([], [5]), { outShape: [5], swap: true });
  assert.equal(binaryPlan([4, 1], [4, 3]), undefined, 'a column repeats across rows, not along them');
  assert.equal(binaryPlan([4, 2], [4, 3]), undefined);
});

test('add, sub, mul and squared difference with every broadcast equal float64 references', { skip: skipOffWasm }, () => {
  const before = ['Add', 'Sub', 'Multiply', 'SquaredDifference'].reduce((n, k) => n + callsOf(k), 0);
  const ops: Array<[string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number]> = [
    ['add', tf.add, (x, y) => x + y],
    ['sub', tf.sub, (x, y) => x - y],
    ['mul', tf.mul, (x, y) => x * y],
    ['squaredDifference', tf.squaredDifference, (x, y) => (x - y) ** 2],
  ];
  const shapes: Array<[number[], number[]]> = [[[3, 5], [3, 5]], [[3, 5], [5]], [[5], [3, 5]], [[3, 5], []], [[], [3, 5]], [[3, 1], [3, 5]], [[2, 3, 5], [1, 5]]];
  for (const [name, op, f] of ops) {
    for (const [sa, sb] of shapes) {
      tf.tidy(() => {
        const a = tf.randomUniform(sa, -2, 2, 'float32', 1);
        const b = tf.randomUniform(sb, -2, 2, 'float32', 2);
        const got = op(a, b);
        const [ba, bb] = [tf.broadcastTo(a, got.shape), tf.broadcastTo(b, got.shape)].map((t) => t.dataSync());
        const values = got.dataSync();
        for (let i = 0; i < values.length; i++) assert.ok(Math.abs(values[i]! - f(ba![i]!, bb![i]!)) <= 1e-6 * Math.max(1, Math.abs(f(ba![i]!, bb![i]!))), `${name} ${sa}/${sb} at ${i}`);
      });
    }
  }
  if (native) assert.ok(['Add', 'Sub', 'Multiply', 'SquaredDifference'].reduce((n, k) => n + callsOf(k), 0) > before, 'the native element-wise kernels ran');
});

function reference(a: number[][][], b: number[][][], transposeA: boolean, transposeB: boolean): number[][][] {
  const t = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));
  return a.map((aBatch, i) => {
    const left = transposeA ? t(aBatch) : aBatch;
    const right = transposeB ? t(b[b.length === 1 ? 0 : i]!) : b[b.length === 1 ? 0 : i]!;
    return left.map((row) => right[0]!.map((_, j) => row.reduce((s, v, k) => s + v * right[k]![j]!, 0)));
  });
}

test('matMul with every flag and batch broadcast, and fused.matMul with a bias and an activation, equal float64 references', { skip: skipOffWasm }, () => {
  const before = callsOf('BatchMatMul') + callsOf('_FusedMatMul');
  const tensorsBefore = tf.memory().numTensors;
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      tf.tidy(() => {
        const a = tf.randomUniform([3, ...(transposeA ? [33, 17] : [17, 33])], -1, 1, 'float32', 5);
        const b = tf.randomUniform([1, ...(transposeB ? [9, 33] : [33, 9])], -1, 1, 'float32', 6);
        const expected = reference(a.arraySync() as number[][][], b.arraySync() as number[][][], transposeA, transposeB);
        const product = tf.matMul(a, b, transposeA, transposeB);
        assert.deepEqual(product.shape, [3, 17, 9]);
        const flat = expected.flat(2);
        const got = product.dataSync();
        for (let i = 0; i < flat.length; i++) assert.ok(Math.abs(got[i]! - flat[i]!) < 1e-5, `matMul ${transposeA}/${transposeB} at ${i}`);
        const bias = tf.linspace(-1, 1, 9);
        // The stock kernel gets a batched fused matMul with a bias wrong (test/backend-wasm-matmul.test.ts): on it,
        // only the first batch, as a 2D product.
        const [fa, fb, count] = native
          ? [a, tf.tile(b, [3, 1, 1]), flat.length]
          : [tf.squeeze(tf.slice(a, [0, 0, 0], [1, -1, -1]), [0]), tf.squeeze(b, [0]), flat.length / 3];
        for (const [activation, f] of [['relu', (v: number) => Math.max(v, 0)], ['leakyrelu', (v: number) => (v > 0 ? v : 0.3 * v)], ['linear', (v: number) => v]] as const) {
          const fused = tf.fused.matMul({ a: fa, b: fb, transposeA, transposeB, bias, activation, leakyreluAlpha: 0.3 }).dataSync();
          const biasValues = bias.dataSync();
          for (let i = 0; i < count; i++) assert.ok(Math.abs(fused[i]! - f(flat[i]! + biasValues[i % 9]!)) < 1e-5, `fused ${activation} ${transposeA}/${transposeB} at ${i}`);
        }
      });
    }
  }
  // Broadcast on both sides goes to the wasm kernel (tfjs-core 4.22 computes it wrongly on every backend, cpu
  // included, against explicit tiles: not ours to change here, only not to make different).
  const fallbacksBefore = nativeCallCounts().BatchMatMul?.fallback ?? 0;
  tf.tidy(() => {
    const got = tf.matMul(tf.randomUniform([2, 1, 4, 3], -1, 1, 'float32', 7), tf.randomUniform([1, 3, 3, 2], -1, 1, 'float32', 8));
    assert.deepEqual(got.shape, [2, 3, 4, 2]);
  });
  if (native) assert.equal(nativeCallCounts().BatchMatMul!.fallback, fallbacksBefore + 1, 'the two-sided broadcast went to the wasm kernel');
  assert.equal(tf.memory().numTensors, tensorsBefore, 'leaked tensors');
  if (native) assert.ok(callsOf('BatchMatMul') + callsOf('_FusedMatMul') > before, 'the native matmul ran');
});

test('tanh is within 2 float32 ulps of the float64 value everywhere (native; the stock kernel within 3), keeps NaN, ±0 and the limits', { skip: skipOffWasm }, () => {
  const special = [0, -0, 1e-30, -1e-30, 1e-5, -1e-5, 0.3, 0.5499, 0.55, 0.5501, -0.55, 1, 3, -8.9, 9, 9.01, 9.99, 10, 10.01, 20, -45, Infinity, -Infinity, NaN];
  const random = Array.from({ length: 200_000 }, (_, i) => Math.sin(i * 12.9898) * (i % 3 === 0 ? 12 : i % 3 === 1 ? 2 : 0.6));
  const xs = Float32Array.from([...special, ...random]);
  const before = callsOf('Tanh');
  const ys = tf.tidy(() => tf.tanh(tf.tensor1d(xs)).dataSync());
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x)) {
      assert.ok(Number.isNaN(ys[i]!), 'NaN stays NaN');
      continue;
    }
    worst = Math.max(worst, ulps(ys[i]!, Math.tanh(x)));
  }
  // The native claim is 2 (measured 1); the stock wasm kernel was measured at 2.03 on these inputs.
  assert.ok(worst <= (native ? 2 : 3), `worst error ${worst} ulps`);
  assert.equal(ys[special.indexOf(Infinity)], 1);
  assert.equal(ys[special.indexOf(-Infinity)], -1);
  assert.ok(Object.is(ys[1], -0) || ys[1] === 0);
  if (native) assert.equal(callsOf('Tanh'), before + 1);
});

// tanh's Taylor coefficients at x from the ODE t' = 1 − t² in float64: (k + 1)·a[k+1] = [k = 0] − Σ a[j]·a[k−j].
// Independent of the polynomial recurrence the kernel uses (mollifier/backend/native/tanh-factor.ts).
function tanhDerivativesByTaylor(x: number, highest: number): number[] {
  const a = [Math.tanh(x)];
  for (let k = 0; k < highest; k++) {
    let square = 0;
    for (let j = 0; j <= k; j++) square += a[j]! * a[k - j]!;
    a.push(((k === 0 ? 1 : 0) - square) / (k + 1));
  }
  let factorial = 1;
  return a.slice(1).map((c, k) => c * (factorial *= k + 1));
}

test("tanh's derivatives to the 7th order by nested tf.grad equal a float64 Taylor series; order 11 is refused by name", { skip: skipOffWasm }, () => {
  const xs = [-3, -1.2, -0.4, -0.05, 0, 0.3, 0.9, 2.5];
  const reference = xs.map((x) => tanhDerivativesByTaylor(x, 7));
  let f = (x: Tensor): Tensor => tf.tanh(x);
  for (let order = 1; order <= 7; order++) {
    const g = tf.grad(f as (x: Tensor) => Tensor);
    f = g;
    const got = tf.tidy(() => g(tf.tensor1d(xs)).dataSync());
    const scale = Math.max(...reference.map((r) => Math.abs(r[order - 1]!)));
    reference.forEach((r, i) => assert.ok(Math.abs(got[i]! - r[order - 1]!) <= 4e-6 * scale, `order ${order} at x = ${xs[i]}: ${got[i]} vs ${r[order - 1]}`));
  }
  assert.throws(() => tanhDerivative(tf.ones([2]), tf.ones([2]), 11), /tanh derivative order 11 is not an integer in 1\.\.10/);
  assert.deepEqual(tanhDerivativeFactor(4), [0, 16, 0, -24]);
});

test('sum over contiguous axes (with keepDims) equals a float64 sum; other axes still work', { skip: skipOffWasm }, () => {
  const shape = [6, 50, 7];
  const values = Float32Array.from({ length: 6 * 50 * 7 }, (_, i) => Math.cos(i) * 3);
  const at = (i: number, j: number, k: number): number => values[(i * 50 + j) * 7 + k]!;
  const cases: Array<[number[], boolean, (idx: number[]) => number, number[]]> = [
    [[1], false, ([i, k]) => Array.from({ length: 50 }, (_, j) => at(i!, j, k!)).reduce((a, b) => a + b, 0), [6, 7]],
    [[0, 1], true, ([, , k]) => Array.from({ length: 300 }, (_, n) => at(Math.floor(n / 50), n % 50, k!)).reduce((a, b) => a + b, 0), [1, 1, 7]],
    [[-1], false, ([i, j]) => Array.from({ length: 7 }, (_, k) => at(i!, j!, k)).reduce((a, b) => a + b, 0), [6, 50]],
    [[0, 2], false, ([j]) => Array.from({ length: 42 }, (_, n) => at(Math.floor(n / 7), j!, n % 7)).reduce((a, b) => a + b, 0), [50]],
  ];
  for (const [axis, keepDims, expected, outShape] of cases) {
    const result = tf.tidy(() => {
      const s = tf.sum(tf.tensor3d(values, shape as [number, number, number]), axis, keepDims);
      return { shape: s.shape, data: s.dataSync() };
    });
    assert.deepEqual(result.shape, outShape, `axis ${axis}`);
    const strides = outShape.map((_, d) => outShape.slice(d + 1).reduce((a, b) => a * b, 1));
    for (let n = 0; n < result.data.length; n++) {
      const idx = strides.map((s, d) => Math.floor(n / s) % outShape[d]!);
      const want = expected(idx);
      assert.ok(Math.abs(result.data[n]! - want) <= 1e-5 * Math.max(1, Math.abs(want)), `axis ${axis} at ${idx}: ${result.data[n]} vs ${want}`);
    }
  }
});

test('Identity shares the data instead of copying it, and the copy outlives its source', { skip: skipNoNative }, () => {
  const x = tf.tensor1d([1, 2, 3]);
  const bytesBefore = tf.memory().numBytes;
  const buffersBefore = tf.memory().numDataBuffers;
  const y = tf.clone(x);
  assert.equal(tf.memory().numDataBuffers, buffersBefore, 'no new buffer');
  assert.equal(tf.memory().numBytes, bytesBefore + 12, 'numBytes counts tensors, as upstream');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  y.dispose();
  assert.equal(tf.memory().numDataBuffers, buffersBefore - 1, 'the shared buffer is freed with its last tensor');
});

test('the addon refuses arrays shorter than the sizes it is given, other types and wrong arities, instead of writing past them', { skip: skipNoNative }, () => {
  const addon = loadNativeAddon().addon!;
  const small = new Float32Array(4);
  assert.throws(() => addon.sgemm(small, small, small, 1, 0, 0, 3, 3, 3, 0, 0), /a holds 4 floats, 9 needed/);
  assert.throws(() => addon.sgemm(new Float32Array(9), new Float32Array(9), small, 1, 0, 0, 3, 3, 3, 0, 0), /c holds 4 floats, 9 needed/);
  assert.throws(() => addon.tanh(new Float64Array(4) as unknown as Float32Array, small), /x is not a Float32Array/);
  assert.throws(() => addon.sumMiddle(small, small, 2, 3, 1), /x holds 4 floats, 6 needed/);
  assert.throws(() => (addon.tanh as unknown as (x: Float32Array) => void)(small), /takes 2 arguments, got 1/);
  assert.throws(() => addon.sgemm(small, small, small, 1, 0, 0, -1, 1, 1, 0, 0), /m is not a size/);
  assert.throws(() => addon.tanhDerivative(small, small, small, new Float32Array(0)), /q must hold 1 to 64 coefficients/);
  assert.throws(() => addon.tanhDerivative(new Float32Array(8), small, new Float32Array(8), small), /y holds 4 floats, 8 needed/);
});

test('regression: a native kernel meeting a full wasm heap throws "out of memory" instead of writing at address 0', { skip: skipNoNative }, async () => {
  // The backend's malloc returns 0 on a full heap and the backend does not check; the kernel wrote there before.
  const result = await runWorker<{ message: string; after: number[]; heapBytes: number }>(new URL('./support/heap-full.js', import.meta.url), 120_000);
  assert.match(result.message, /^out of memory: the wasm heap \(4 GiB at most\) has no room for a float32 tensor \[67108864\] \(256\.0 MiB\)$/);
  assert.ok(result.heapBytes > 3.5 * 2 ** 30, `the heap filled (${result.heapBytes} bytes)`);
  assert.deepEqual(result.after, [4, 6], 'the backend still computes right after the refused allocation');
});

interface Trajectory {
  backend: string;
  native: string | undefined;
  losses: number[];
  weights: number[];
}

test('50 training steps with and without the native kernels differ by no more than one float32 ulp of the initial weights does', { skip: skipNoNative }, async () => {
  const entry = new URL('./support/native-trajectory.js', import.meta.url);
  const [withNative, without, perturbed] = await Promise.all([
    runWorker<Trajectory>(entry, 120_000, { native: true, perturb: false, steps: 50 }),
    runWorker<Trajectory>(entry, 120_000, { native: false, perturb: false, steps: 50 }),
    runWorker<Trajectory>(entry, 120_000, { native: false, perturb: true, steps: 50 }),
  ]);
  assert.equal(withNative.native, 'on');
  assert.equal(without.native, 'off');
  assert.ok(without.losses[49]! < without.losses[0]! * 0.5, `the run trains (loss ${without.losses[0]} -> ${without.losses[49]})`);
  const gap = (p: Trajectory, q: Trajectory): { loss: number; weight: number } => ({
    loss: Math.max(...p.losses.map((l, i) => Math.abs(l - q.losses[i]!) / q.losses[i]!)),
    weight: Math.max(...p.weights.map((w, i) => Math.abs(w - q.weights[i]!))),
  });
  const nativeGap = gap(withNative, without);
  const roundOff = gap(perturbed, without);
  console.log(`native vs wasm: loss ${nativeGap.loss.toExponential(2)}, weights ${nativeGap.weight.toExponential(2)}; one-ulp perturbation: loss ${roundOff.loss.toExponential(2)}, weights ${roundOff.weight.toExponential(2)}`);
  assert.ok(nativeGap.loss <= 10 * roundOff.loss + 1e-6, `loss gap ${nativeGap.loss} vs round-off ${roundOff.loss}`);
  assert.ok(nativeGap.weight <= 10 * roundOff.weight + 1e-6, `weight gap ${nativeGap.weight} vs round-off ${roundOff.weight}`);
});

function copyNativeSources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mollifier-native-'));
  for (const item of ['build.mjs', 'binding.gyp', 'src']) cpSync(join(root, 'native', item), join(dir, item), { recursive: true });
  return dir;
}

test('regression: without OpenBLAS the build exits 0 and records why (an install never fails on it)', () => {
  const dir = copyNativeSources();
  const result = spawnSync(process.execPath, [join(dir, 'build.mjs')], { encoding: 'utf8', env: { ...process.env, PKG_CONFIG_LIBDIR: join(dir, 'none'), PKG_CONFIG_PATH: '' } });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /mollifier native kernels: not built: OpenBLAS not found by pkg-config \(Debian: apt-get install libopenblas-dev\)/);
  const status = JSON.parse(readFileSync(join(dir, 'build', 'status.json'), 'utf8')) as { built: boolean; reason: string };
  assert.equal(status.built, false);
  assert.equal(existsSync(join(dir, 'build', 'Release', 'mollifier_native.node')), false);
});

test('regression: a compiler that fails leaves a "build failed" reason, exit 0, and no addon', () => {
  const dir = copyNativeSources();
  const result = spawnSync(process.execPath, [join(dir, 'build.mjs')], { encoding: 'utf8', env: { ...process.env, CC: '/bin/false', CXX: '/bin/false', LINK: '/bin/false' } });
  assert.equal(result.status, 0, result.stderr);
  const status = JSON.parse(readFileSync(join(dir, 'build', 'status.json'), 'utf8')) as { built: boolean; reason: string };
  assert.equal(status.built, false);
  assert.match(status.reason, /^build failed: .* \(see native\/build\.log\)$/);
  assert.equal(existsSync(join(dir, 'build', 'Release', 'mollifier_native.node')), false);
});
