// What a WebGPU adapter is, in the terms a user reads in a log line or a result: pure data, no Dawn here,
// so the probe (a child process) and the backend (this process) describe an adapter the same way.

export interface WebGpuAdapterInfo {
  /** GPUAdapterInfo.vendor, e.g. "nvidia" or "mesa". */
  vendor: string;
  /** GPUAdapterInfo.architecture, e.g. "hopper" or "software". */
  architecture: string;
  /** GPUAdapterInfo.device, e.g. "nvidia-h100-80gb-hbm3" or "llvmpipe-llvm-15-0-6-256-bits-". */
  device: string;
  /** GPUAdapterInfo.description: driver name and version as Dawn reads them. */
  description: string;
  /** A CPU implementation (lavapipe / llvmpipe, SwiftShader): correct, never fast. */
  software: boolean;
}

/** What Dawn's GPUAdapterInfo says, in our terms (the probe and the backend describe an adapter alike). */
export function describeAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }): WebGpuAdapterInfo {
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info),
  };
}

/** One short string naming the adapter: what results and the backend log line record as the device. */
export function adapterLabel(info: WebGpuAdapterInfo): string {
  // Device (the model), then the driver's description, then vendor and architecture where they add something.
  const device = info.device.replace(/-+$/, '');
  const name = [device, info.description].filter(Boolean).join('; ') || 'unknown adapter';
  const parts = [info.vendor, info.architecture].filter((p) => p && p !== 'software' && !name.toLowerCase().includes(p.toLowerCase()));
  return `${name}${parts.length ? ` (${parts.join(', ')})` : ''}${info.software ? ' [software]' : ''}`;
}

/**
 * A software adapter by what it reports: Dawn marks lavapipe as a fallback adapter and its architecture
 * "software"; the device names are a last resort for drivers that report neither.
 */
export function isSoftwareAdapter(info: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; device?: string; description?: string }): boolean {
  if (info.isFallbackAdapter === true) return true;
  if ((info.architecture ?? '').toLowerCase() === 'software') return true;
  return /llvmpipe|lavapipe|swiftshader/i.test(`${info.device ?? ''} ${info.description ?? ''}`);
}

/**
 * The reason Dawn gives when it finds no adapter, from the warnings it prints on stderr: the lines that say
 * what failed (no Vulkan loader, no driver, a driver lacking a required feature), without Dawn's source paths.
 */
export function noAdapterReason(dawnStderr: string): string {
  const lines = dawnStderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('- While') && !/artificially reduced/.test(l) && !/XDG_RUNTIME_DIR/.test(l))
    .map((l) => l.replace(/^Warning:\s*/, ''));
  const unique = [...new Set(lines)];
  return unique.length ? `no WebGPU adapter: ${unique.slice(0, 3).join('; ').slice(0, 300)}` : 'no WebGPU adapter (Dawn found no Vulkan device)';
}
