// Kernels for the wasm backend that hand their work to the native addon (native/src/). They read their operands
// and write their output in place on the wasm heap through the backend's own views (typedArrayFromHeap), so
// nothing is copied; the output is allocated first because an allocation may grow the heap and detach older
// views. Each kernel handles the common shapes and passes anything else to the kernel it replaced.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import type { NativeAddon } from './addon.js';
import { tanhDerivativeFactor } from './tanh-factor.js';

/** How often each native kernel ran, and how often it passed a call to the kernel it replaced. */
export type NativeCallCounts = Record<string, { native: number; fallback: number }>;

export const tanhGradKernelName = 'MollifierTanhGrad';

type Args = Parameters<KernelFunc>[0];

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Broadcast the batch dimensions of two matmul operands, or undefined for a case the native path leaves alone. */
export function matMulPlan(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): { outShape: number[]; batch: number; strideA: number; strideB: number; m: number; n: number; k: number } | undefined {
  if (aShape.length < 2 || bShape.length < 2) return undefined;
  const [a0, a1] = [aShape[aShape.length - 2]!, aShape[aShape.length - 1]!];
  const [b0, b1] = [bShape[bShape.length - 2]!, bShape[bShape.length - 1]!];
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k) return undefined; // the original kernel words the error
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  let outer: number[];
  if (batchA === batchB && outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA;
  else if (batchA === 1 && outerA.length <= outerB.length) outer = outerB;
  else if (batchB === 1 && outerB.length <= outerA.length) outer = outerA;
  else return undefined;
  const batch = Math.max(batchA, batchB);
  if (batch * m * n === 0) return undefined;
  return { outShape: [...outer, m, n], batch, strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n, m, n, k };
}

/** The reduction axes as one contiguous block of dims, viewed as [outer, reduce, inner]; undefined otherwise. */
export function reductionPlan(
  shape: readonly number[],
  axis: number | readonly number[],
  keepDims: boolean,
): { outer: number; reduce: number; inner: number; outShape: number[] } | undefined {
  const rank = shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis as number]).map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
  if (axes.some((a) => a < 0 || a >= rank)) return undefined;
  if (axes.length === 0) return undefined;
  const first = axes[0]!;
  if (axes.some((a, i) => a !== first + i)) return undefined;
  const last = first + axes.length;
  const outShape = keepDims ? shape.map((d, i) => (i >= first && i < last ? 1 : d)) : shape.filter((_, i) => i < first || i >= last);
  const plan = { outer: size(shape.slice(0, first)), reduce: size(shape.slice(first, last)), inner: size(shape.slice(last)), outShape };
  return plan.outer * plan.reduce * plan.inner === 0 ? undefined : plan;
}

/**
 * The native element-wise path: the operand of the output's size and the other, which must repeat along it (its
 * shape, leading 1s dropped, is the output's trailing dims: same shape, a row, a scalar). Undefined otherwise.
 */
export function binaryPlan(aShape: readonly number[], bShape: readonly number[]): { outShape: number[]; swap: boolean } | undefined {
  const rank = Math.max(aShape.length, bShape.length);
  const padded = (shape: readonly number[]) => [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const [pa, pb] = [padded(aShape), padded(bShape)];
  const outShape: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] !== pb[i] && pa[i] !== 1 && pb[i] !== 1) return undefined; // the wasm kernel words the error
    outShape.push(pa[i] === 1 ? pb[i]! : pa[i]!);
  }
  if (size(outShape) === 0) return undefined;
  const repeats = (small: number[]): boolean => {
    const first = small.findIndex((d) => d !== 1);
    return first < 0 || small.slice(first).every((d, i) => d === outShape[first + i]);
  };
  if (size(aShape) === size(outShape) && repeats(pb)) return { outShape, swap: false };
  if (size(bShape) === size(outShape) && repeats(pa)) return { outShape, swap: true };
  return undefined;
}

/**
 * The output tensor, allocated on the wasm heap. A full heap makes the backend's malloc return 0, which it does not
 * check: a kernel writing there would overwrite the heap's first bytes, so a failed allocation throws instead.
 */
export function allocateOutput(backend: BackendWasm, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  if (size(shape) > 0 && backend.dataIdMap.get(out.dataId)?.memoryOffset === 0) {
    backend.disposeData(out.dataId, true);
    const mib = (size(shape) * 4) / 2 ** 20;
    throw new Error(`out of memory: the wasm heap (4 GiB at most) has no room for a float32 tensor [${shape.join(', ')}] (${mib.toFixed(1)} MiB)`);
  }
  return out;
}

const factorFloats = new Map<number, Float32Array>();
// Q_k's coefficients are integers below 2^24 up to the highest order allowed: exact in float32.
function tanhFactorFloats(order: number): Float32Array {
  let q = factorFloats.get(order);
  if (!q) factorFloats.set(order, (q = Float32Array.from(tanhDerivativeFactor(order))));
  return q;
}

const binaryOps: Record<string, number> = { Add: 0, Sub: 1, Multiply: 2, SquaredDifference: 3 };

const activationCodes: Record<string, number> = { linear: 0, relu: 1, leakyrelu: 2, relu6: 3, sigmoid: 4, elu: 5 };

/** The native kernels, each falling back to `originals[name]`. */
export function nativeKernels(addon: NativeAddon, originals: Record<string, KernelFunc>, counts: NativeCallCounts): Record<string, KernelFunc> {
  const count = (name: string, native: boolean): void => {
    const entry = (counts[name] ??= { native: 0, fallback: 0 });
    if (native) entry.native++;
    else entry.fallback++;
  };
  const fallback = (name: string, args: Args): ReturnType<KernelFunc> => {
    count(name, false);
    return originals[name]!(args);
  };

  const matMul = (name: string, args: Args, fused: boolean): ReturnType<KernelFunc> => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(name, args);
    const plan = matMulPlan(a.shape, b.shape, attrs.transposeA === true, attrs.transposeB === true);
    if (!plan) return fallback(name, args);
    let activation = 0;
    if (fused) {
      const code = activationCodes[attrs.activation ?? 'linear'];
      if (code === undefined || preluActivationWeights) return fallback(name, args);
      if (bias && (bias.dtype !== 'float32' || !(size(bias.shape) === 1 || (size(bias.shape) === plan.n && bias.shape[bias.shape.length - 1] === plan.n)))) {
        return fallback(name, args);
      }
      activation = code;
    }
    const backend = args.backend as BackendWasm;
    const out = allocateOutput(backend, plan.outShape);
    const c = backend.typedArrayFromHeap(out) as Float32Array;
    addon.sgemm(
      backend.typedArrayFromHeap(a) as Float32Array,
      backend.typedArrayFromHeap(b) as Float32Array,
      c,
      plan.batch, plan.strideA, plan.strideB, plan.m, plan.n, plan.k,
      attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0,
    );
    if (fused && (bias || activation !== 0)) {
      const biasView = bias ? (backend.typedArrayFromHeap(bias) as Float32Array) : null;
      addon.biasActivation(c, plan.batch * plan.m, plan.n, biasView, activation, attrs.leakyreluAlpha ?? 0.2);
    }
    count(name, true);
    return out;
  };

  // A tensor that shares its input's data with a reference count: what the wasm backend's own Reshape does, and
  // safe because tensors are never written in place.
  const share = (name: string, args: Args): ReturnType<KernelFunc> => {
    const x = (args.inputs as Record<string, TensorInfo>).x!;
    (args.backend as BackendWasm).incRef(x.dataId);
    count(name, true);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };

  const elementwise = (name: string, args: Args, run: (backend: BackendWasm, x: TensorInfo, out: TensorInfo) => void): ReturnType<KernelFunc> => {
    const x = (args.inputs as Record<string, TensorInfo>).x!;
    if (x.dtype !== 'float32' || size(x.shape) === 0) return fallback(name, args);
    const backend = args.backend as BackendWasm;
    const out = allocateOutput(backend, x.shape);
    run(backend, x, out);
    count(name, true);
    return out;
  };

  const binary = (name: string, args: Args): ReturnType<KernelFunc> => {
    const { a, b } = args.inputs as Record<string, TensorInfo>;
    if (a!.dtype !== 'float32' || b!.dtype !== 'float32') return fallback(name, args);
    const plan = binaryPlan(a!.shape, b!.shape);
    if (!plan) return fallback(name, args);
    const backend = args.backend as BackendWasm;
    const out = allocateOutput(backend, plan.outShape);
    const [big, small] = plan.swap ? [b!, a!] : [a!, b!];
    const view = (t: TensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array;
    addon.binary(view(big), view(small), view(out), binaryOps[name]!, plan.swap ? 1 : 0);
    count(name, true);
    return out;
  };

  return {
    ...Object.fromEntries(Object.keys(binaryOps).map((name) => [name, (args: Args) => binary(name, args)])),
    BatchMatMul: (args) => matMul('BatchMatMul', args, false),
    _FusedMatMul: (args) => matMul('_FusedMatMul', args, true),
    Tanh: (args) =>
      elementwise('Tanh', args, (backend, x, out) => addon.tanh(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array)),
    Sum: (args) => {
      const x = (args.inputs as Record<string, TensorInfo>).x!;
      const attrs = args.attrs as NamedAttrMap & { axis: number | number[]; keepDims?: boolean };
      if (x.dtype !== 'float32') return fallback('Sum', args);
      const plan = reductionPlan(x.shape, attrs.axis, attrs.keepDims === true);
      if (!plan) return fallback('Sum', args);
      const backend = args.backend as BackendWasm;
      const out = allocateOutput(backend, plan.outShape);
      addon.sumMiddle(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, plan.outer, plan.reduce, plan.inner);
      count('Sum', true);
      return out;
    },
    // The wasm backend copies a tensor for Identity (the optimiser calls it dozens of times a step) and for a Cast
    // to the dtype it already has (nested gradients ask for dozens): share the data instead.
    Identity: (args) => share('Identity', args),
    Cast: (args) => ((args.attrs as { dtype?: string }).dtype === (args.inputs as Record<string, TensorInfo>).x!.dtype ? share('Cast', args) : fallback('Cast', args)),
    // dy·tanh⁽ᵏ⁾(x) = dy·(1 − y²)·Q_k(y) from tanh's output y when the gradient has it (for k = 1 the cheap product
    // every framework computes); for k = 1 without it, dy·sech²(x) from x. Q_k: tanh-factor.ts.
    [tanhGradKernelName]: (args) => {
      const { dy, x, y } = args.inputs as Record<string, TensorInfo | undefined>;
      const attrs = (args.attrs ?? {}) as { order?: number; fromOutput?: boolean };
      const order = attrs.order ?? 1;
      const fromOutput = attrs.fromOutput ?? y !== undefined;
      const from = fromOutput ? y : x;
      if (!from || dy!.dtype !== 'float32' || from.dtype !== 'float32' || !tf.util.arraysEqual(dy!.shape, from.shape)) {
        throw new Error(`${tanhGradKernelName}: dy and ${fromOutput ? 'y' : 'x'} must be float32 of one shape (got ${dy!.shape} and ${from?.shape})`);
      }
      if (order !== 1 && !fromOutput) throw new Error(`${tanhGradKernelName}: order ${order} needs y = tanh(x)`);
      const backend = args.backend as BackendWasm;
      const out = allocateOutput(backend, from.shape);
      if (size(from.shape) > 0) {
        const view = (t: TensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array;
        if (order === 1) addon.tanhGrad(view(dy!), view(from), view(out), fromOutput ? 1 : 0);
        else addon.tanhDerivative(view(dy!), view(from), view(out), tanhFactorFloats(order));
      }
      count(tanhGradKernelName, true);
      return out;
    },
  };
}
