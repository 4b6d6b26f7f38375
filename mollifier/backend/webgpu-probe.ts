// Run as a child process by webgpu.ts: asks Dawn for the adapter this process's environment gives and
// prints it as one marked JSON line. A child, because Dawn prints its warnings straight to stderr (a CPU
// machine would see them on every backend choice) and because a driver that crashes must not take the
// caller with it. Dawn's stderr stays with the parent, which turns it into the reason when there is no adapter.
import { isSoftwareAdapter, type WebGpuAdapterInfo } from './webgpu-adapter.js';
import { dawnFlags, probeMarker } from './webgpu-flags.js';

async function probe(): Promise<{ adapter?: WebGpuAdapterInfo; error?: string }> {
  let create: (flags: string[]) => { requestAdapter(options?: object): Promise<DawnAdapter | null> };
  try {
    ({ create } = (await import('webgpu' as string)) as { create: typeof create });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: /Cannot find (package|module) 'webgpu'/.test(message) ? 'the webgpu package is not installed' : `the webgpu package did not load: ${message.split('\n')[0]}` };
  }
  const adapter = await create(dawnFlags()).requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return {};
  const info = adapter.info;
  return {
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      software: isSoftwareAdapter(info),
    },
  };
}

interface DawnAdapter {
  info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

const result = await probe().catch((error: unknown) => ({ error: `Dawn failed: ${error instanceof Error ? error.message : String(error)}` }));
process.stdout.write(`${probeMarker}${JSON.stringify(result)}\n`);
// Dawn's instance keeps the event loop alive; the answer is out.
process.exit(0);
