// Runs the backend plan: for each backend asked for, every configuration in its own process (an
// out-of-memory is a row, not a crash), and the PyTorch twin of each configuration in the same run, on
// CUDA where torch sees a GPU, else on one CPU thread (as one wasm job runs).
import { backendAvailability } from '../../mollifier/index.js';
import type { BackendName } from '../../mollifier/index.js';
import type { StepConfig } from '../derivatives/config.js';
import { describe, rowOf, runChild, summary, type BenchRow, type KernelVariant } from '../derivatives/run.js';
import { probeTorch, runTorchStep, type TorchProbe } from '../derivatives/torch.js';

export interface BackendBenchOptions {
  /** Backends to run; default every available one except a software WebGPU adapter and the pure-JS cpu. */
  backends?: BackendName[];
  torch: boolean;
  timeoutMs: number;
  /** A limit on live tensor bytes per configuration (a row past it is out of memory); none by default. */
  maxTensorBytes?: number;
  log: (line: string) => void;
}

export interface BackendBenchRun {
  rows: BenchRow[];
  torch: TorchProbe | undefined;
  /** Each backend run, with the device it reported, and the ones left out with the reason. */
  backends: Array<{ name: BackendName; device: string | null; ran: boolean; reason: string | null }>;
  /** The tfjs rows' cap on live tensor bytes, when one was set. */
  maxTensorBytes?: number;
}

export async function runBackendBench(plan: StepConfig[], options: BackendBenchOptions): Promise<BackendBenchRun> {
  const available = await backendAvailability();
  const chosen = available.map((b) => {
    if (options.backends) {
      const ran = options.backends.includes(b.name) && b.available;
      return { name: b.name, device: b.device, ran, reason: ran ? null : options.backends.includes(b.name) ? b.reason : 'not asked for' };
    }
    const software = b.device?.endsWith('[software]') ?? false;
    const ran = b.available && !software && b.name !== 'cpu';
    const why = !b.available ? b.reason : software ? 'software adapter: correctness only (--backends webgpu runs it)' : b.name === 'cpu' ? 'pure JavaScript, 10× slower than wasm (--backends cpu runs it)' : null;
    return { name: b.name, device: b.device, ran, reason: why };
  });
  for (const b of chosen) options.log(`${b.name}: ${b.ran ? `runs on ${b.device}` : `left out (${b.reason})`}`);
  const nativeOn = available.find((b) => b.name === 'wasm')?.native?.startsWith('on') ?? false;
  const torch = options.torch ? probeTorch() : undefined;
  const torchDevice = torch?.gpu ? 'cuda' : 'cpu';
  options.log(torch ? `PyTorch ${torch.torch} (${torch.blas}) at ${torch.python}, on ${torch.gpu ?? 'the CPU, 1 thread'}` : 'PyTorch not found: tfjs only');
  const rows: BenchRow[] = [];
  for (const [index, config] of plan.entries()) {
    const where = `[${index + 1}/${plan.length}]`;
    for (const backend of chosen.filter((b) => b.ran)) {
      // wasm runs twice where its native kernels are on: stock ('wasm', the ratios' base) and 'wasm+native'.
      const variants: Array<[string, KernelVariant | undefined]> =
        backend.name === 'wasm' && nativeOn ? [['wasm', 'wasm'], ['wasm+native', 'native']] : [[backend.name, undefined]];
      for (const [label, kernels] of variants) {
        const row = rowOf('tfjs', label, config, await runChild(config, options.timeoutMs, backend.name, options.maxTensorBytes, kernels));
        rows.push(row);
        options.log(`${where} ${label} ${describe(config)}: ${summary(row)}`);
      }
    }
    if (torch) {
      const result = await runTorchStep(torch, config, options.timeoutMs, torchDevice);
      const row = rowOf('torch', `torch ${torch.torch}`, config, { ...result, device: torch.gpu ?? `cpu (${torch.blas}, 1 thread)` });
      rows.push(row);
      options.log(`${where} torch ${describe(config)}: ${summary(row)}`);
    }
  }
  return { rows, torch, backends: chosen, ...(options.maxTensorBytes ? { maxTensorBytes: options.maxTensorBytes } : {}) };
}
