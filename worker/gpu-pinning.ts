// Which GPU a lane process may see, for every backend, as environment set before anything loads.
// tfjs-node-gpu: CUDA_VISIBLE_DEVICES (TensorFlow picks devices per process; PLATFORM.md), with
// CUDA_DEVICE_ORDER=PCI_BUS_ID so CUDA's index i is the i-th GPU by PCI address. webgpu: Vulkan ignores
// CUDA_VISIBLE_DEVICES and Dawn can only match an adapter by name, identical on identical GPUs; the Vulkan
// device-select layer (Mesa's VK_LAYER_MESA_device_select, an implicit layer in front of every driver,
// NVIDIA's included) selects by PCI address: DRI_PRIME=pci-DDDD_BB_DD_F! shows that device alone (the `!`
// needs Mesa ≥ 23.3; Debian 12's 22.3 layer matches PCI addresses inverted). What was and was not verified
// is in worker/README.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** The environment that pins a lane process to GPU `index` (CUDA's index, in PCI order). */
export function laneGpuPinning(index: number, pciAddresses: readonly string[]): LanePinning {
  const env: Record<string, string> = {
    CUDA_VISIBLE_DEVICES: String(index),
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    // Several lane processes may share one GPU (--jobs-per-gpu runs threads, but users also start workers
    // side by side): without this the first TensorFlow process takes all the GPU's memory.
    TF_FORCE_GPU_ALLOW_GROWTH: 'true',
  };
  const pciAddress = pciAddresses[index] ?? null;
  if (pciAddress) {
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

// The loader's implicit-layer search path on Linux (Vulkan-Loader docs, LoaderLayerInterface.md).
const implicitLayerDirs = (env: NodeJS.ProcessEnv) => [
  ...(env.VK_ADD_IMPLICIT_LAYER_PATH ?? '').split(':').filter(Boolean),
  join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? '/root', '.config'), 'vulkan/implicit_layer.d'),
  '/etc/xdg/vulkan/implicit_layer.d',
  '/etc/vulkan/implicit_layer.d',
  join(env.XDG_DATA_HOME ?? join(env.HOME ?? '/root', '.local/share'), 'vulkan/implicit_layer.d'),
  '/usr/local/share/vulkan/implicit_layer.d',
  '/usr/share/vulkan/implicit_layer.d',
];

/** Mesa's device-select layer as the Vulkan loader would find it, so a lane can say when pinning cannot work. */
export function findDeviceSelectLayer(env: NodeJS.ProcessEnv = process.env): DeviceSelectLayer {
  for (const dir of implicitLayerDirs(env)) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { layer?: { name?: string; api_version?: string } };
        if (manifest.layer?.name === 'VK_LAYER_MESA_device_select') return { manifest: join(dir, file), apiVersion: manifest.layer.api_version ?? null };
      } catch {
        // Not a manifest the loader could read either.
      }
    }
  }
  return { manifest: null, apiVersion: null };
}
