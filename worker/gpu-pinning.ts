// Which GPU a lane process may see, for every backend, as environment set before anything loads.
// tfjs-node-gpu: CUDA_VISIBLE_DEVICES (TensorFlow picks devices per process), with
// CUDA_DEVICE_ORDER=PCI_BUS_ID so CUDA's index i is the i-th GPU by PCI address. webgpu: Vulkan ignores
// CUDA_VISIBLE_DEVICES and Dawn can only match an adapter by name, identical on identical GPUs; the Vulkan
// device-select layer (Mesa's VK_LAYER_MESA_device_select, an implicit layer in front of every driver,
// NVIDIA's included) selects by PCI address: DRI_PRIME=pci-DDDD_BB_DD_F! shows that device alone (the `!`
// needs Mesa ≥ 23.3; Debian 12's 22.3 layer matches PCI addresses inverted, so it is never trusted). What was
// and was not verified is in worker/README.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// The one deep import of worker/: the supervisor pins its lanes before anything loads TensorFlow.js, and the public
// entry would load it; backend/webgpu.ts's manifest search is plain file-system code.
import { vulkanManifestDirs } from '../mollifier/backend/webgpu.js';

const nvidiaVendor = '0x10de';

/** PCI addresses ("0000:1b:00.0") of the GPUs under a sysfs PCI device folder, in address order. */
export function gpuPciAddresses(sysfsDevices = '/sys/bus/pci/devices'): string[] {
  if (!existsSync(sysfsDevices)) return [];
  const read = (address: string, file: string) => {
    try {
      return readFileSync(join(sysfsDevices, address, file), 'utf8').trim().toLowerCase();
    } catch {
      return '';
    }
  };
  // Class 0x0300xx (VGA) or 0x0302xx (3D controller: data-centre GPUs have no display).
  const gpus = readdirSync(sysfsDevices).filter((a) => /^0x030[02]/.test(read(a, 'class')));
  const nvidia = gpus.filter((a) => read(a, 'vendor') === nvidiaVendor);
  // CUDA numbers NVIDIA GPUs only; with none, every GPU counts (a Vulkan-only node).
  return (nvidia.length ? nvidia : gpus).sort();
}

/** "0000:1B:00.0" → "pci-0000_1b_00_0", the device-select layer's spelling. */
export function driPrimeAddress(pciAddress: string): string {
  const match = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(pciAddress);
  if (!match) throw new Error(`'${pciAddress}' is not a PCI address like 0000:1b:00.0`);
  return `pci-${match.slice(1).join('_').toLowerCase()}`;
}

export interface LanePinning {
  env: Record<string, string>;
  /** The GPU's PCI address when known: what the lane records next to its index. */
  pciAddress: string | null;
}

/**
 * The environment that pins a lane process to GPU `index` (CUDA's index, in PCI order). `vulkan` is the
 * device-select plan (planDeviceSelect): without a layer that matches PCI addresses correctly, no Vulkan
 * pinning is set, since Debian 12's layer would send every lane but one to the last GPU.
 */
export function laneGpuPinning(index: number, pciAddresses: readonly string[], vulkan: DeviceSelectPlan = { mode: 'none', env: {}, why: '' }): LanePinning {
  const env: Record<string, string> = {
    CUDA_VISIBLE_DEVICES: String(index),
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    // Several lane processes may share one GPU (--jobs-per-gpu runs threads, but users also start workers
    // side by side): without this the first TensorFlow process takes all the GPU's memory.
    TF_FORCE_GPU_ALLOW_GROWTH: 'true',
  };
  const pciAddress = pciAddresses[index] ?? null;
  if (pciAddress && vulkan.mode !== 'none') {
    Object.assign(env, vulkan.env);
    env.DRI_PRIME = `${driPrimeAddress(pciAddress)}!`;
    env.MESA_VK_DEVICE_SELECT_FORCE_DEFAULT_DEVICE = '1';
  }
  return { env, pciAddress };
}

export interface DeviceSelectLayer {
  /** The layer manifest found, or null. */
  manifest: string | null;
  /** Its Vulkan API version as the manifest states it. */
  apiVersion: string | null;
}

/**
 * The manifest api_version from which a device-select layer is known to match PCI addresses right and honour
 * `!`: the manifest said 1.3.211 from Mesa 22.2 (inverted match) through 24.x (fixed in 23.2, `!` in 23.3), and
 * 1.4.303 from Mesa 25.0 on, so only the latter proves a good layer.
 */
export const currentLayerApiVersion = '1.4.303';

export function apiVersionAtLeast(version: string | null, minimum: string): boolean {
  if (!version) return false;
  const [a, b] = [version, minimum].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return (a![i] ?? 0) > (b![i] ?? 0);
  return true;
}

export interface DeviceSelectPlan {
  /** system: the loader's own layer is current; override: a current one loaded in front; none: no Vulkan pinning. */
  mode: 'system' | 'override' | 'none';
  env: Record<string, string>;
  why: string;
}

/**
 * Which device-select layer pins webgpu lanes. The override (MOLLIFIER_DEVICE_SELECT_LAYER, a Mesa ≥ 25 manifest
 * such as the one .ci/lavapipe unpacks) is loaded as an explicit instance layer of the same name from
 * `overrideDir`, which the Vulkan loader then uses in place of the system's implicit one (verified on loader
 * 1.3.239; worker/README.md).
 */
export function planDeviceSelect(system: DeviceSelectLayer, override: DeviceSelectLayer | null, overrideDir: string, env: NodeJS.ProcessEnv = {}): DeviceSelectPlan {
  if (override?.manifest) {
    if (!apiVersionAtLeast(override.apiVersion, currentLayerApiVersion)) {
      return { mode: 'none', env: {}, why: `MOLLIFIER_DEVICE_SELECT_LAYER ${override.manifest} is api_version ${override.apiVersion}, older than Mesa 25's ${currentLayerApiVersion}` };
    }
    const join2 = (name: string, value: string) => (env[name] ? `${value}:${env[name]}` : value);
    return {
      mode: 'override',
      env: { VK_LAYER_PATH: join2('VK_LAYER_PATH', overrideDir), VK_INSTANCE_LAYERS: join2('VK_INSTANCE_LAYERS', 'VK_LAYER_MESA_device_select') },
      why: `device-select layer ${override.manifest} (api ${override.apiVersion}) loaded in front`,
    };
  }
  if (!system.manifest) return { mode: 'none', env: {}, why: 'no Vulkan device-select layer (VK_LAYER_MESA_device_select) is installed' };
  if (!apiVersionAtLeast(system.apiVersion, currentLayerApiVersion)) {
    return { mode: 'none', env: {}, why: `the device-select layer ${system.manifest} (api ${system.apiVersion}) may predate Mesa 23.3 and match PCI addresses inverted` };
  }
  return { mode: 'system', env: {}, why: `device-select layer ${system.manifest} (api ${system.apiVersion})` };
}

/** An override manifest for VK_LAYER_PATH: the layer's own, with its library as an absolute path. */
export function overrideManifestText(manifestPath: string): string {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { layer: { library_path: string } };
  const library = manifest.layer.library_path;
  if (!library.startsWith('/')) {
    // A bare name is found beside the manifest's tree: <root>/usr/share/vulkan/implicit_layer.d → <root>/usr/lib/<triplet>.
    const root = dirname(dirname(dirname(dirname(dirname(manifestPath)))));
    const candidates = [join(root, 'usr/lib/x86_64-linux-gnu', library), join(root, 'usr/lib/aarch64-linux-gnu', library), join(root, 'usr/lib', library), join(dirname(manifestPath), library)];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new Error(`${manifestPath}: its library ${library} was not found under ${root}`);
    manifest.layer.library_path = found;
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A device-select layer manifest's api_version, or null when the file is not one. */
export function readDeviceSelectManifest(path: string): DeviceSelectLayer {
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { layer?: { name?: string; api_version?: string } };
    if (manifest.layer?.name === 'VK_LAYER_MESA_device_select') return { manifest: path, apiVersion: manifest.layer.api_version ?? null };
  } catch {
    // Not a manifest the loader could read either.
  }
  return { manifest: null, apiVersion: null };
}

/** Mesa's device-select layer as the Vulkan loader would find it, so a lane can say when pinning cannot work. */
export function findDeviceSelectLayer(env: NodeJS.ProcessEnv = process.env): DeviceSelectLayer {
  for (const dir of vulkanManifestDirs('implicit_layer.d', env)) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const layer = readDeviceSelectManifest(join(dir, file));
      if (layer.manifest) return layer;
    }
  }
  return { manifest: null, apiVersion: null };
}
