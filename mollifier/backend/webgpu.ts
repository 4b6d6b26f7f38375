// The webgpu rung: TensorFlow.js's WebGPU backend on Dawn's node bindings (the `webgpu` package), which
// reaches a GPU through Vulkan. Chosen by the ladder only when a hardware adapter exists; a software one
// (lavapipe) only when MOLLIFIER_BACKEND=webgpu asks for it (select.ts).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { adapterLabel, isSoftwareAdapter, noAdapterReason, type WebGpuAdapterInfo } from './webgpu-adapter.js';
import { dawnFlags, probeMarker } from './webgpu-flags.js';

export interface WebGpuProbe {
  adapter?: WebGpuAdapterInfo;
  /** Why there is no adapter (set when `adapter` is not). */
  reason?: string;
}

const probeTimeoutMs = 30_000;
let probed: Promise<WebGpuProbe> | undefined;

/**
 * The adapter this process would get, asked of Dawn in a child process (webgpu-probe.ts says why). Once per
 * thread: the answer cannot change while the process's environment does not.
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probed ??= new Promise((resolve) => {
    const script = fileURLToPath(new URL('./webgpu-probe.js', import.meta.url));
    execFile(process.execPath, [script], { timeout: probeTimeoutMs, maxBuffer: 1 << 20, env: process.env }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith(probeMarker));
      if (!line) {
        const why = error?.killed ? `timed out after ${probeTimeoutMs / 1000} s` : (stderr.trim().split('\n').pop() ?? error?.message ?? 'no answer');
        resolve({ reason: `the WebGPU probe failed: ${why}`.slice(0, 300) });
        return;
      }
      const answer = JSON.parse(line.slice(probeMarker.length)) as { adapter?: WebGpuAdapterInfo; error?: string };
      if (answer.adapter) resolve({ adapter: answer.adapter });
      else resolve({ reason: answer.error ?? noAdapterReason(stderr) });
    });
  });
  return probed;
}

interface DawnGpu {
  requestAdapter(options?: object): Promise<DawnAdapter | null>;
}
interface DawnAdapter {
  info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

/**
 * Makes `navigator.gpu` the one adapter Dawn gives this process, so tfjs-backend-webgpu (which asks
 * navigator.gpu.requestAdapter when it starts) gets exactly the adapter the probe described, and installs
 * the GPU* constants the backend reads from the global scope. Call before the backend package is imported.
 */
export async function installWebGpuNavigator(): Promise<WebGpuAdapterInfo> {
  const { create, globals } = (await import('webgpu' as string)) as { create: (flags: string[]) => DawnGpu; globals: Record<string, unknown> };
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const gpu = create(dawnFlags());
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter in this process');
  const info = adapter.info;
  const described: WebGpuAdapterInfo = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info),
  };
  let handedOut = false;
  const pinned = {
    // tfjs asks once; an adapter is spent once it made a device, so a second caller gets a fresh one.
    requestAdapter: async (options?: object) => {
      if (handedOut) return gpu.requestAdapter(options ?? { powerPreference: 'high-performance' });
      handedOut = true;
      return adapter;
    },
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: new Set<string>(),
  };
  const scope = globalThis as { navigator?: object };
  if (scope.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu: pinned }, configurable: true, writable: true });
  else Object.defineProperty(scope.navigator, 'gpu', { value: pinned, configurable: true, writable: true });
  return described;
}

export { adapterLabel };
