// Run as a child process by webgpu.ts: asks Dawn for the adapter this process's environment gives. A child,
// because Dawn prints its warnings straight to stderr (a CPU machine would see them on every backend choice)
// and because a driver that crashes must not take the caller with it. Dawn's stderr stays with the parent,
// which turns it into the reason when there is no adapter.
import { answer } from './child-answer.js';
import { describeAdapter, type WebGpuAdapterInfo } from './webgpu-adapter.js';
import { dawnFlags } from './webgpu-flags.js';

type Dawn = { create: (flags: string[]) => { requestAdapter(options?: object): Promise<{ info: Parameters<typeof describeAdapter>[0] } | null> } };

async function probe(): Promise<{ adapter?: WebGpuAdapterInfo; error?: string }> {
  let dawn: Dawn;
  try {
    dawn = (await import('webgpu' as string)) as Dawn;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: /Cannot find (package|module) 'webgpu'/.test(message) ? 'the webgpu package is not installed' : `the webgpu package did not load: ${message.split('\n')[0]}` };
  }
  const adapter = await dawn.create(dawnFlags()).requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? { adapter: describeAdapter(adapter.info) } : {};
}

answer(await probe().catch((error: unknown) => ({ error: `Dawn failed: ${error instanceof Error ? error.message : String(error)}` })));
