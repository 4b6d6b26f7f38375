// Lane pinning (worker/gpu-pinning.ts) on a sysfs tree made here, and the adapter helpers of the webgpu rung.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiVersionAtLeast, driPrimeAddress, findDeviceSelectLayer, gpuPciAddresses, laneGpuPinning, planDeviceSelect } from '../worker/gpu-pinning.js';
import { adapterLabel, isSoftwareAdapter, noAdapterReason } from '../mollifier/backend/webgpu-adapter.js';
import { vulkanDriversDeclared } from '../mollifier/backend/webgpu.js';

function fakeSysfs(devices: Array<[address: string, vendor: string, klass: string]>): string {
  const root = mkdtempSync(join(tmpdir(), 'mollifier-sysfs-'));
  for (const [address, vendor, klass] of devices) {
    mkdirSync(join(root, address));
    writeFileSync(join(root, address, 'vendor'), `${vendor}\n`);
    writeFileSync(join(root, address, 'class'), `${klass}\n`);
  }
  return root;
}

test('GPUs by PCI address: NVIDIA 3D controllers in address order; a NIC and the BMC display are not GPUs', () => {
  const root = fakeSysfs([
    ['0000:b1:00.0', '0x10de', '0x030200'],
    ['0000:1b:00.0', '0x10de', '0x030200'],
    ['0000:3d:00.0', '0x15b3', '0x020000'], // network card
    ['0000:03:00.0', '0x1a03', '0x030000'], // the BMC's VGA
    ['0000:88:00.0', '0x10de', '0x030200'],
  ]);
  assert.deepEqual(gpuPciAddresses(root), ['0000:1b:00.0', '0000:88:00.0', '0000:b1:00.0']);
  assert.deepEqual(gpuPciAddresses(join(root, 'missing')), []);
  // No NVIDIA GPU: every display controller counts.
  assert.deepEqual(gpuPciAddresses(fakeSysfs([['0000:03:00.0', '0x1002', '0x030000']])), ['0000:03:00.0']);
});

test('lane i gets CUDA index i in PCI order and the Vulkan device at the i-th PCI address, alone', () => {
  const addresses = ['0000:1b:00.0', '0000:88:00.0', '0000:B1:00.0'];
  const lane2 = laneGpuPinning(2, addresses, { mode: 'system', env: {}, why: '' });
  assert.equal(lane2.pciAddress, '0000:B1:00.0');
  assert.deepEqual(lane2.env, {
    CUDA_VISIBLE_DEVICES: '2',
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    TF_FORCE_GPU_ALLOW_GROWTH: 'true',
    DRI_PRIME: 'pci-0000_b1_00_0!',
    MESA_VK_DEVICE_SELECT_FORCE_DEFAULT_DEVICE: '1',
  });
  // A GPU index past what sysfs shows: CUDA pinning still, no Vulkan pinning (the supervisor warns).
  const lane5 = laneGpuPinning(5, addresses, { mode: 'system', env: {}, why: '' });
  assert.equal(lane5.pciAddress, null);
  assert.equal(lane5.env.DRI_PRIME, undefined);
  assert.equal(lane5.env.CUDA_VISIBLE_DEVICES, '5');
  assert.throws(() => driPrimeAddress('1b:00.0'), /not a PCI address/);
});

test('the device-select layer is found where the Vulkan loader looks, or its absence is known', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mollifier-layers-'));
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ layer: { name: 'VK_LAYER_OTHER' } }));
  writeFileSync(join(dir, 'broken.json'), '{');
  // The user's config folder comes first in the loader's search (XDG_CONFIG_HOME/vulkan/implicit_layer.d).
  const layers = join(dir, 'c', 'vulkan', 'implicit_layer.d');
  mkdirSync(layers, { recursive: true });
  writeFileSync(join(layers, 'other.json'), JSON.stringify({ layer: { name: 'VK_LAYER_OTHER' } }));
  writeFileSync(join(layers, 'broken.json'), '{');
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'c'), XDG_DATA_HOME: join(dir, 'd') };
  // The system's own (Debian's mesa-vulkan-drivers) may be there; the made-up folder holds none.
  assert.notEqual(findDeviceSelectLayer(env).manifest, join(layers, 'other.json'));
  writeFileSync(join(layers, 'select.json'), JSON.stringify({ layer: { name: 'VK_LAYER_MESA_device_select', api_version: '1.4.303' } }));
  assert.deepEqual(findDeviceSelectLayer(env), { manifest: join(layers, 'select.json'), apiVersion: '1.4.303' });
});

test('device-select plan: Mesa 25\'s layer is trusted, Debian 12\'s (inverted PCI match) never, an override goes in front', () => {
  const old = { manifest: '/usr/share/vulkan/implicit_layer.d/VkLayer_MESA_device_select.json', apiVersion: '1.3.211' };
  const current = { manifest: '/opt/mesa/VkLayer_MESA_device_select.json', apiVersion: '1.4.303' };
  assert.equal(planDeviceSelect(old, null, '/cache').mode, 'none');
  assert.match(planDeviceSelect(old, null, '/cache').why, /inverted/);
  assert.equal(planDeviceSelect({ manifest: null, apiVersion: null }, null, '/cache').mode, 'none');
  assert.deepEqual(planDeviceSelect(current, null, '/cache'), { mode: 'system', env: {}, why: `device-select layer ${current.manifest} (api 1.4.303)` });
  const override = planDeviceSelect(old, current, '/cache', { VK_LAYER_PATH: '/x', VK_INSTANCE_LAYERS: 'VK_LAYER_A' });
  assert.equal(override.mode, 'override');
  assert.deepEqual(override.env, { VK_LAYER_PATH: '/cache:/x', VK_INSTANCE_LAYERS: 'VK_LAYER_MESA_device_select:VK_LAYER_A' });
  assert.equal(planDeviceSelect(old, old, '/cache').mode, 'none', 'an old override is refused too');
  assert.equal(apiVersionAtLeast('1.10.0', '1.4.303'), true);
  assert.equal(apiVersionAtLeast('1.3.300', '1.4.303'), false);
  // No trusted layer: CUDA pinning only, never a DRI_PRIME an old layer would misread.
  const unpinned = laneGpuPinning(0, ['0000:1b:00.0'], planDeviceSelect(old, null, '/cache'));
  assert.equal(unpinned.env.DRI_PRIME, undefined);
  assert.equal(unpinned.env.CUDA_VISIBLE_DEVICES, '0');
  const pinned = laneGpuPinning(0, ['0000:1b:00.0'], override);
  assert.equal(pinned.env.DRI_PRIME, 'pci-0000_1b_00_0!');
  assert.equal(pinned.env.VK_INSTANCE_LAYERS, 'VK_LAYER_MESA_device_select:VK_LAYER_A');
});

test('adapters: software ones are known as such, labels name driver and vendor, no-adapter reasons drop Dawn noise', () => {
  const lavapipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', isFallbackAdapter: true };
  assert.equal(isSoftwareAdapter(lavapipe), true);
  assert.equal(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'nvidia-h100', description: 'NVIDIA: 550.54', isFallbackAdapter: false }), false);
  assert.equal(isSoftwareAdapter({ description: 'SwiftShader Device' }), true);
  assert.equal(adapterLabel({ ...lavapipe, software: true }), 'llvmpipe-llvm-15; llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) [software]');
  assert.equal(adapterLabel({ vendor: 'nvidia', architecture: 'hopper', device: 'nvidia-h100-80gb-hbm3', description: 'NVIDIA: 550.54', software: false }), 'nvidia-h100-80gb-hbm3; NVIDIA: 550.54 (hopper)');
  const dawn = [
    'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
    'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
    ' - While initializing adapter (backend=BackendType::Vulkan)',
    '    at InitializeImpl (/home/runner/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
  ].join('\n');
  assert.equal(noAdapterReason(dawn), 'no WebGPU adapter: Vulkan shaderUniform*ArrayDynamicIndexing required.');
  assert.match(noAdapterReason(''), /no WebGPU adapter/);
});

test('a Vulkan driver is declared by VK_DRIVER_FILES or an ICD manifest where the loader looks', () => {
  const home = mkdtempSync(join(tmpdir(), 'mollifier-icd-'));
  assert.equal(vulkanDriversDeclared({ HOME: home, VK_DRIVER_FILES: '/x/icd.json' }), true);
  mkdirSync(join(home, 'data', 'vulkan', 'icd.d'), { recursive: true });
  writeFileSync(join(home, 'data', 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
  assert.equal(vulkanDriversDeclared({ HOME: home, XDG_DATA_HOME: join(home, 'data') }), true);
});
