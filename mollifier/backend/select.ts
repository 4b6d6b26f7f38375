// Backend ladder: tfjs-node-gpu -> tfjs-node -> webgpu -> wasm -> cpu. MOLLIFIER_BACKEND forces one rung.
// The native packages are optional dependencies: they fail to install where libtensorflow cannot be
// downloaded, and then this ladder simply steps past them, saying why in its one log line. webgpu is taken
// only on a hardware adapter; a software one (lavapipe) only when forced (webgpu.ts).
import { InputError } from '../errors.js';
import { tf } from './tf.js';
import { logger } from '../log.js';
import { installHigherOrderGradients } from './higher-order-gradients.js';
import { installWasmTransposeFreeMatMul } from './wasm-matmul.js';
import { describeNative, installNativeKernels, type NativeStatus } from './native/install.js';
import { nativeWanted } from './native/addon.js';
import { adapterLabel, installWebGpuNavigator, probeWebGpu } from './webgpu.js';
import { installWebGpuErrorGuard } from './webgpu-errors.js';

export const backendNames = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

export interface BackendChoice {
  /** The rung picked. */
  name: BackendName;
  /** tfjs's own name of the active backend ('tensorflow', 'webgpu', 'wasm' or 'cpu'). */
  tfBackend: string;
  /**
   * What the jobs run on, as the backend reports it: the WebGPU adapter (driver description, vendor,
   * architecture), `cuda:<CUDA_VISIBLE_DEVICES>` for tfjs-node-gpu, `cpu` otherwise.
   */
  device: string;
  /** Why each rung above the chosen one was not taken. */
  skipped: Partial<Record<BackendName, string>>;
  /** Fixes installed on the engine. */
  fixes: string[];
  /** The native kernels on the wasm backend (mollifier/backend/native/): on, or why not. Absent on other backends. */
  native?: NativeStatus;
}

export interface BackendOptions {
  /** Force one rung; defaults to MOLLIFIER_BACKEND, then the ladder. */
  backend?: BackendName | undefined;
  /**
   * Install the tfjs fixes (higher-order gradients, wasm transpose-free matmul, webgpu error guard). Default true; false
   * exists so the regression tests can show the upstream bugs are still there.
   */
  fixes?: boolean;
  /**
   * Run the wasm backend's heavy kernels natively (mollifier/backend/native/) where the addon is built. Default:
   * on unless MOLLIFIER_NATIVE=0 or `fixes` is false (the upstream-bug tests want stock kernels).
   */
  native?: boolean;
  /** Log the choice (default true). */
  log?: boolean;
}

export class BackendError extends InputError {
  override name = 'BackendError';
}

const tfName: Record<BackendName, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', webgpu: 'webgpu', wasm: 'wasm', cpu: 'cpu' };

/** Loads a rung's package; returns the device it will run on. */
async function load(name: BackendName, forced: boolean): Promise<string> {
  switch (name) {
    case 'node-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      return `cuda:${process.env.CUDA_VISIBLE_DEVICES ?? 'all'}`;
    case 'node':
      await import('@tensorflow/tfjs-node' as string);
      return 'cpu';
    case 'webgpu': {
      const probe = await probeWebGpu();
      if (!probe.adapter) throw new Error(probe.reason ?? 'no WebGPU adapter');
      if (probe.adapter.software && !forced) {
        throw new Error(`only a software adapter (${adapterLabel(probe.adapter)}), taken only when MOLLIFIER_BACKEND=webgpu`);
      }
      const adapter = await installWebGpuNavigator();
      await import('@tensorflow/tfjs-backend-webgpu');
      return adapterLabel(adapter);
    }
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      return 'cpu';
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return 'cpu';
  }
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find (package|module)/.test(message)) return 'not installed';
  return message.split('\n')[0]!.slice(0, 200);
}

export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if ((backendNames as readonly string[]).includes(value)) return value as BackendName;
  throw new BackendError(`MOLLIFIER_BACKEND=${value} is not a backend (expected ${backendNames.join(', ')})`);
}

let current: Promise<BackendChoice> | undefined;

/**
 * Pick and initialise a backend once per engine (per thread). Later calls return the first choice;
 * call `resetBackendChoice()` first to choose again (tests do).
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  current ??= choose(options);
  return current;
}

export function resetBackendChoice(): void {
  current = undefined;
}

async function choose(options: BackendOptions): Promise<BackendChoice> {
  const forced = options.backend ?? parseBackendName(process.env.MOLLIFIER_BACKEND);
  const ladder: readonly BackendName[] = forced ? [forced] : backendNames;
  const skipped: Partial<Record<BackendName, string>> = {};
  // The gradient registry is global: install before any backend so even a failing rung sees the fix.
  const fixes: string[] = [];
  if (options.fixes !== false) {
    installHigherOrderGradients();
    fixes.push('higher-order-gradients');
  }
  for (const name of ladder) {
    try {
      const device = await load(name, forced !== undefined);
      let native: NativeStatus | undefined;
      if (name === 'wasm') {
        if (options.fixes !== false && installWasmTransposeFreeMatMul()) fixes.push('wasm-transpose-free-matmul');
        // After the transpose-free wrappers: they stay as the fallback of the native matmul for shapes it leaves.
        native = installNativeKernels(options.native ?? (options.fixes !== false && nativeWanted()));
      }
      if (!(await tf.setBackend(tfName[name]))) throw new Error(`tf.setBackend('${tfName[name]}') failed`);
      await tf.ready();
      // Our one log line already says which backend runs and why the native ones did not: silence tfjs's
      // own console advice (the cpu backend's "install tfjs-node" banner would otherwise hit stdout users parse).
      tf.env().set('PROD', true);
      if (name === 'node-gpu' && !gpuVisible()) throw new Error('tfjs-node-gpu loaded but found no GPU');
      if (name === 'webgpu' && options.fixes !== false) {
        installWebGpuErrorGuard();
        fixes.push('webgpu-error-guard');
      }
      const choice: BackendChoice = { name, tfBackend: tf.getBackend(), device, skipped, fixes, ...(native ? { native } : {}) };
      if (options.log !== false) {
        const why = Object.entries(skipped).map(([n, r]) => `${n}: ${r}`).join('; ');
        const on = device === 'cpu' ? '' : ` on ${device}`;
        const kernels = native ? ` (native kernels: ${describeNative(native)})` : '';
        logger().info({ backend: name, device, skipped, fixes, native }, `backend ${name}${kernels}${on}${forced ? ' (forced by MOLLIFIER_BACKEND)' : ''}${why ? `; not ${why}` : ''}`);
      }
      return choice;
    } catch (error) {
      skipped[name] = reason(error);
    }
  }
  if (forced) throw new BackendError(`MOLLIFIER_BACKEND=${forced}: ${skipped[forced]}`);
  const why = Object.entries(skipped).map(([n, r]) => `${n}: ${r}`).join('; ');
  throw new BackendError(`no TensorFlow.js backend could start (${why})`);
}

function gpuVisible(): boolean {
  // tfjs-node-gpu falls back to its CPU kernels silently when CUDA is missing; a visible-devices value of
  // '' or '-1' means the user hid every GPU on purpose.
  const visible = process.env.CUDA_VISIBLE_DEVICES;
  return visible !== '' && visible !== '-1';
}
