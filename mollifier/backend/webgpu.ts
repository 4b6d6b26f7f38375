// The webgpu rung: TensorFlow.js's WebGPU backend on Dawn's node bindings (the `webgpu` package), which
// reaches a GPU through Vulkan. Chosen by the ladder only when a hardware adapter exists; a software one
// (lavapipe) only when MOLLIFIER_BACKEND=webgpu asks for it (select.ts).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { askChild } from './child-answer.js';
import { adapterLabel, describeAdapter, noAdapterReason, type WebGpuAdapterInfo } from './webgpu-adapter.js';
import { dawnFlags } from './webgpu-flags.js';

export interface WebGpuProbe {
  adapter?: WebGpuAdapterInfo;
  /** Why there is no adapter (set when `adapter` is not). */
  reason?: string;
}

const probeTimeoutMs = 30_000;
let probed: Promise<WebGpuProbe> | undefined;

/**
 * The folders where the Vulkan loader looks for manifests of one kind (`icd.d` drivers, `implicit_layer.d`
 * layers), in its order on Linux (Vulkan-Loader's LoaderInterfaceArchitecture.md).
 */
export function vulkanManifestDirs(kind: 'icd.d' | 'implicit_layer.d', env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? homedir();
  return [
    join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'vulkan', kind),
    `/etc/xdg/vulkan/${kind}`,
    `/etc/vulkan/${kind}`,
    join(env.XDG_DATA_HOME ?? join(home, '.local/share'), 'vulkan', kind),
    `/usr/local/share/vulkan/${kind}`,
    `/usr/share/vulkan/${kind}`,
  ];
}

/**
 * Whether any Vulkan driver is declared where the loader looks: without one there is nothing for Dawn to find,
 * and the probe's child process is not worth starting on every thread of a CPU-only machine.
 */
export function vulkanDriversDeclared(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || env.VK_ADD_DRIVER_FILES) return true;
  return vulkanManifestDirs('icd.d', env).some((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')));
}

/**
 * The adapter this process would get, asked of Dawn in a child process (webgpu-probe.ts says why). Once per
 * thread: the answer cannot change while the process's environment does not.
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probed ??= (async (): Promise<WebGpuProbe> => {
    if (!vulkanDriversDeclared()) return { reason: 'no Vulkan driver installed (no ICD file; see README: Backends and GPU nodes)' };
    const asked = await askChild<{ adapter?: WebGpuAdapterInfo; error?: string }>('./webgpu-probe.js', [], process.env, probeTimeoutMs);
    if (!asked.ok) return { reason: `the WebGPU probe failed: ${asked.why}` };
    return asked.value.adapter ? { adapter: asked.value.adapter } : { reason: asked.value.error ?? noAdapterReason(asked.stderr) };
  })();
  return probed;
}

interface DawnGpu {
  requestAdapter(options?: object): Promise<DawnAdapter | null>;
}
interface DawnAdapter {
  info: Parameters<typeof describeAdapter>[0];
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
  const described = describeAdapter(adapter.info);
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
