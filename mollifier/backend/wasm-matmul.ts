// tfjs-backend-wasm runs BatchMatMul with transposeA/transposeB about 9x slower than without
// (measured: 2.3 vs 21 GFLOP/s; docs/benchmarks.md), and every dense layer's backward pass asks for those flags.
// Transposing the operand explicitly first and calling the fast untransposed kernel cut a training step
// from 503 to 180 ms. The replacement keeps the original kernel and its setup; only the flags change.
import { tf } from './tf.js';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { isNativeKernel } from './native/install.js';

const patchedKernels = ['BatchMatMul', '_FusedMatMul'] as const;
const patched = new WeakSet<KernelFunc>();

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

/** Wrap a matmul kernel so that it never receives a transpose flag. Pure: exported for tests. */
export function transposeFreeMatMul(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  const wrapped: KernelFunc = (args) => {
    const attrs = args.attrs as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean };
    if (!attrs?.transposeA && !attrs?.transposeB) return original(args);
    const { backend } = args;
    const temporaries: TensorInfo[] = [];
    const explicit = (x: TensorInfo, flag: boolean | undefined): TensorInfo => {
      if (!flag) return x;
      const t = transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as TensorInfo;
      temporaries.push(t);
      return t;
    };
    const inputs = { ...args.inputs, a: explicit(args.inputs.a!, attrs.transposeA), b: explicit(args.inputs.b!, attrs.transposeB) };
    try {
      return original({ inputs, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporaries) (backend as { disposeData(dataId: object): void }).disposeData(t.dataId);
    }
  };
  patched.add(wrapped);
  return wrapped;
}

/** Replace the wasm matmul kernels by transpose-free wrappers. Idempotent; a no-op if wasm is not loaded. */
export function installWasmTransposeFreeMatMul(): boolean {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return false;
  for (const kernelName of patchedKernels) {
    const original = tf.getKernel(kernelName, 'wasm');
    // A native kernel (mollifier/backend/native/) already takes transposes in the BLAS call: leave it.
    if (!original || patched.has(original.kernelFunc) || isNativeKernel(original.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    const replacement: KernelConfig = {
      kernelName,
      backendName: 'wasm',
      kernelFunc: transposeFreeMatMul(original.kernelFunc, transpose.kernelFunc),
    };
    if (original.setupFunc) replacement.setupFunc = original.setupFunc;
    if (original.disposeFunc) replacement.disposeFunc = original.disposeFunc;
    tf.registerKernel(replacement);
  }
  return true;
}

/** True when the wasm matmul kernels are the transpose-free wrappers. */
export function wasmMatMulIsTransposeFree(): boolean {
  return patchedKernels.every((name) => {
    const kernel = tf.getKernel(name, 'wasm');
    return kernel !== undefined && patched.has(kernel.kernelFunc);
  });
}
