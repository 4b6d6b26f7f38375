// Registering the native kernels on the wasm backend (mollifier/backend/native/README.md). Done once per thread,
// before the backend initialises, by initBackend (mollifier/backend/select.ts).
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { loadNativeAddon, nativeWanted } from './addon.js';
import { nativeKernels, tanhGradKernelName, type NativeCallCounts } from './kernels.js';
import { setNativeTanhGrad, tanhGradient } from './tanh-grad.js';

/** Which native kernels serve the wasm backend, or why none do. */
export type NativeStatus =
  | { state: 'on'; blas: string; kernels: string[] }
  | { state: 'off' | 'not built' | 'failed'; reason: string; kernels: [] };

const counts: NativeCallCounts = {};
let status: NativeStatus | undefined;
const installed = new WeakSet<KernelFunc>();

/** The status line's words: "on (OpenBLAS 0.3.21 ...)" or "not built: <reason>". */
export function describeNative(native: NativeStatus): string {
  if (native.state === 'on') return `on (${native.blas.split(' ').slice(0, 2).join(' ')}: ${native.kernels.length} kernels)`;
  return native.state === 'off' ? `off (${native.reason})` : native.reason;
}

/**
 * Replace the wasm backend's kernels for matrix products, tanh and its derivative, sums and Identity by native
 * ones. Never throws: the status says what happened. Idempotent; MOLLIFIER_NATIVE=0 (or `wanted: false`) keeps
 * the wasm kernels.
 */
export function installNativeKernels(wanted: boolean = nativeWanted()): NativeStatus {
  if (status?.state === 'on') {
    tf.registerGradient(tanhGradient(true)); // installHigherOrderGradients, run again before this, put back the x-only one
    return status;
  }
  if (!wanted) return (status = { state: 'off', reason: 'MOLLIFIER_NATIVE=0', kernels: [] });
  const load = loadNativeAddon();
  if (!load.addon) return (status = { state: load.reason.startsWith('not built') ? 'not built' : 'failed', reason: load.reason, kernels: [] });
  const originals: Record<string, KernelFunc> = {};
  const configs: Record<string, KernelConfig> = {};
  for (const name of ['BatchMatMul', '_FusedMatMul', 'Tanh', 'Sum', 'Identity', 'Cast', 'Add', 'Sub', 'Multiply', 'SquaredDifference']) {
    const config = tf.getKernel(name, 'wasm');
    if (!config) return (status = { state: 'failed', reason: `failed: the wasm backend has no ${name} kernel`, kernels: [] });
    if (installed.has(config.kernelFunc)) continue;
    originals[name] = config.kernelFunc;
    configs[name] = config;
  }
  const replacements = nativeKernels(load.addon, originals, counts);
  for (const [name, kernelFunc] of Object.entries(replacements)) {
    const original = configs[name];
    if (name !== tanhGradKernelName && !original) continue;
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc };
    // The fallbacks are the replaced kernels: keep their setup (it binds their wasm functions).
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    if (original?.disposeFunc) config.disposeFunc = original.disposeFunc;
    tf.registerKernel(config);
    installed.add(kernelFunc);
  }
  setNativeTanhGrad(true);
  // The gradient registry is global: from here on Tanh also saves its output, which the native derivative reads.
  tf.registerGradient(tanhGradient(true));
  return (status = { state: 'on', blas: load.addon.info().blas, kernels: Object.keys(replacements) });
}

/** True for a kernel function this module registered. */
export function isNativeKernel(kernelFunc: KernelFunc): boolean {
  return installed.has(kernelFunc);
}

/** Calls per native kernel since the thread started (native, and passed on to the wasm kernel). */
export function nativeCallCounts(): NativeCallCounts {
  return Object.fromEntries(Object.entries(counts).map(([name, c]) => [name, { ...c }]));
}
