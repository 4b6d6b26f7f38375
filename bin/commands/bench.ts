// `mollifier bench derivatives`: the time and memory of derivatives by autodiff vs the mollifier layer.
import type { Command } from 'commander';
import { readFileSync, existsSync } from 'node:fs';
import { UsageError } from '../usage-error.js';
import { timeSimulators, simulatorMarkdown } from '../../bench/simulators/index.js';
import { writeFilesAtomically } from '../output.js';
import { validationMarkdown } from '../../bench/validation/index.js';
import { initBackend } from '../../mollifier/index.js';
import { benchPlan, benchmarkMarkdown, runBenchPlan, spliceSection } from '../../bench/derivatives/index.js';
import { parseInteger, parseIntegerList, parseNumber } from '../parse.js';
import { backendBenchPlan } from '../../bench/backends/plan.js';
import { runBackendBench } from '../../bench/backends/run.js';
import { backendBenchMarkdown } from '../../bench/backends/report.js';
import { loadNativeAddon, parseBackendName, type BackendName } from '../../mollifier/index.js';
import type { KernelVariant } from '../../bench/derivatives/run.js';

/** --kernels: which wasm kernels to compare; by default stock and native where the native ones are on. */
function kernelVariants(given: string | undefined, nativeOn: boolean, onWasm: boolean): KernelVariant[] | undefined {
  if (given === undefined) return onWasm && nativeOn ? ['wasm', 'native'] : undefined;
  const variants = given.split(',').map((v) => v.trim());
  for (const v of variants) if (v !== 'wasm' && v !== 'native') throw new UsageError(`--kernels: '${v}' is not wasm or native`);
  if (!onWasm) throw new UsageError('--kernels compares wasm kernels, but the backend here is not wasm');
  if (variants.includes('native') && !nativeOn) throw new UsageError('--kernels native: the native kernels are not on here (see `mollifier backends`)');
  return [...new Set(variants)] as KernelVariant[];
}

interface DerivativeBenchOptions {
  kernels?: string;
  quick?: boolean;
  json?: boolean;
  torch: boolean;
  depths?: number[];
  out?: string;
}

function updateReport(path: string, section: string, name: string): void {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFilesAtomically([{ path, text: spliceSection(previous, section, name) }]);
  process.stderr.write(`wrote ${path}\n`);
}

/** What the report commands share: --json prints the run; the report section goes to --out (default docs/benchmarks.md; none with --quick). */
function reportRun<R>(options: { quick?: boolean; out?: string; json?: boolean }, name: string, run: R, markdown: (run: R, command: string, when: Date) => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  const out = options.out ?? (options.quick ? undefined : 'docs/benchmarks.md');
  if (out) updateReport(out, markdown(run, `mollifier bench ${name}${options.quick ? ' --quick' : ''}`, new Date()), name);
}

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks');
  bench
    .command('derivatives')
    .description('time and peak memory of a training step: data loss only, + PDE loss by autodiff, + PDE loss by the mollifier layer')
    .option('--quick', 'a small plan that finishes in under a minute (writes no report)')
    .option('--json', 'print the rows as JSON on stdout')
    .option('--no-torch', 'skip the PyTorch side even when torch is installed')
    .option('--depths <list>', 'network depths, comma-separated (full run default 3,5,7,9,11,13,15)', parseIntegerList('--depths'))
    .option('--out <file>', 'report to update (full run default docs/benchmarks.md)')
    .option('--kernels <list>', 'wasm kernels to compare, side by side: wasm (stock), native (default: both where the native ones are on)')
    .action(async (options: DerivativeBenchOptions) => {
      // Choose the backend here first, so a bad MOLLIFIER_BACKEND fails once, not in every worker process.
      const choice = await initBackend();
      const kernels = kernelVariants(options.kernels, choice.native?.state === 'on', choice.name === 'wasm');
      const plan = benchPlan({ quick: Boolean(options.quick), ...(options.depths ? { depths: options.depths } : {}) });
      const run = await runBenchPlan(plan, { torch: options.torch, ...(kernels ? { kernels } : {}), log: (line) => process.stderr.write(`${line}\n`) });
      const addon = loadNativeAddon().addon;
      if (addon && kernels?.includes('native')) {
        const { blas, vectorIsa } = addon.info();
        run.native = `${blas.split(' ').slice(0, 2).join(' ')}, ${vectorIsa} loops, 1 BLAS thread`;
      }
      if (options.json) process.stdout.write(`${JSON.stringify(run.rows)}\n`);
      const out = options.out ?? (options.quick ? undefined : 'docs/benchmarks.md');
      if (out) {
        const command = ['mollifier bench derivatives', options.quick ? '--quick' : '', options.depths ? `--depths ${options.depths.join(',')}` : '', options.kernels ? `--kernels ${options.kernels}` : '', options.torch ? '' : '--no-torch'].filter(Boolean).join(' ');
        updateReport(out, benchmarkMarkdown(run, command, new Date()), 'derivatives');
      }
    });
  bench
    .command('backends')
    .description('the same training steps (data; + Laplacian; + biharmonic; autodiff and mollified) at 4,096, 16,384 and 65,536 points on every backend, beside PyTorch')
    .option('--backends <list>', 'backends to run, comma-separated (default: every available one but a software WebGPU adapter and cpu)')
    .option('--sizes <list>', 'grid sizes in points, perfect squares (default 4096,16384,65536)', parseIntegerList('--sizes'))
    .option('--quick', 'one 16×16 grid, 2 steps (writes no report unless --out)')
    .option('--json', 'print the rows as JSON on stdout')
    .option('--no-torch', 'skip the PyTorch side even when torch is installed')
    .option('--timeout <seconds>', 'per-configuration limit', parseInteger('--timeout'), 900)
    .option('--max-tensor-gb <gb>', 'limit on live tensor memory per configuration; a row past it is OOM (for software Vulkan, which takes host memory)', parseNumber('--max-tensor-gb'))
    .option('--out <file>', 'report to update (default docs/benchmarks.md; none with --quick)')
    .action(async (options: { backends?: string; sizes?: number[]; quick?: boolean; json?: boolean; torch: boolean; timeout: number; maxTensorGb?: number; out?: string }) => {
      const backends = options.backends?.split(',').map((name) => {
        try {
          return parseBackendName(name.trim()) as BackendName;
        } catch {
          throw new UsageError(`--backends: '${name}' is not a backend (node-gpu, node, webgpu, wasm, cpu)`);
        }
      });
      for (const size of options.sizes ?? []) {
        if (size < 16 || Math.round(Math.sqrt(size)) ** 2 !== size) throw new UsageError(`--sizes: ${size} is not a perfect square of at least 16 points`);
      }
      if (options.timeout < 1) throw new UsageError(`--timeout ${options.timeout} must be ≥ 1`);
      if (options.maxTensorGb !== undefined && !(options.maxTensorGb > 0)) throw new UsageError(`--max-tensor-gb ${options.maxTensorGb} must be > 0`);
      const plan = backendBenchPlan({ quick: Boolean(options.quick), ...(options.sizes ? { sizes: options.sizes } : {}) });
      const run = await runBackendBench(plan, { ...(backends ? { backends } : {}), ...(options.maxTensorGb ? { maxTensorBytes: options.maxTensorGb * 2 ** 30 } : {}), torch: options.torch, timeoutMs: options.timeout * 1000, log: (line) => process.stderr.write(`${line}\n`) });
      if (options.json) process.stdout.write(`${JSON.stringify(run.rows)}\n`);
      const out = options.out ?? (options.quick ? undefined : 'docs/benchmarks.md');
      if (out) {
        const command = ['mollifier bench backends', options.backends ? `--backends ${options.backends}` : '', options.sizes ? `--sizes ${options.sizes.join(',')}` : '', options.maxTensorGb ? `--max-tensor-gb ${options.maxTensorGb}` : '', options.quick ? '--quick' : '', options.torch ? '' : '--no-torch'].filter(Boolean).join(' ');
        updateReport(out, backendBenchMarkdown(run, command, new Date()), 'backends');
      }
    });
  bench
    .command('simulators')
    .description('wall time of the built-in problems\' simulators')
    .option('--quick', 'small sizes only (writes no report)')
    .option('--json', 'print the rows as JSON on stdout')
    .option('--out <file>', 'report to update (default docs/benchmarks.md; none with --quick)')
    .action((options: { quick?: boolean; json?: boolean; out?: string }) => {
      const rows = timeSimulators((line) => process.stderr.write(`${line}\n`), Boolean(options.quick));
      if (options.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      const out = options.out ?? (options.quick ? undefined : 'docs/benchmarks.md');
      if (out) updateReport(out, simulatorMarkdown(rows, `mollifier bench simulators${options.quick ? ' --quick' : ''}`, new Date()), 'simulators');
    });
  bench
    .command('sweep')
    .description('orchestration cost: 2,000 no-op jobs on 8 lanes (embedded and over NATS), and 1 → 2 lanes on training jobs')
    .option('--quick', '200 no-op jobs and 20-epoch training jobs (writes no report unless --out)')
    .option('--out <file>', 'report to update (default docs/benchmarks.md; none with --quick)')
    .option('--json', 'print the rows as JSON on stdout')
    .action(async (options: { quick?: boolean; out?: string; json?: boolean }) => {
      const { runSweepBench, sweepBenchMarkdown } = await import('../../bench/sweep/run.js');
      const run = await runSweepBench({ quick: Boolean(options.quick), log: (line) => process.stderr.write(`${line}\n`) });
      reportRun(options, 'sweep', run, sweepBenchMarkdown);
    });
  bench
    .command('chaos')
    .description('2,000 no-op jobs over NATS with a worker SIGKILLed every 5 s and garbage on every subject, beside a calm baseline')
    .option('--quick', '200 jobs (writes no report unless --out)')
    .option('--out <file>', 'report to update (default docs/benchmarks.md; none with --quick)')
    .option('--json', 'print the rows as JSON on stdout')
    .action(async (options: { quick?: boolean; out?: string; json?: boolean }) => {
      const { runChaosBench, chaosBenchMarkdown } = await import('../../bench/chaos/run.js');
      const run = await runChaosBench({ quick: Boolean(options.quick), log: (line) => process.stderr.write(`${line}\n`) });
      reportRun(options, 'chaos', run, chaosBenchMarkdown);
    });
  bench
    .command('validation')
    .description('simulators and separable estimates against known truth and the COMSOL data: writes docs/validation.md')
    .option('--comsol <dir>', 'folder of the COMSOL exports', '../shared/data/comsol')
    .option('--out <file>', 'report to write', 'docs/validation.md')
    .action(async (options: { comsol: string; out: string }) => {
      await initBackend();
      const text = await validationMarkdown(options.comsol, (line) => process.stderr.write(`${line}\n`));
      writeFilesAtomically([{ path: options.out, text }]);
      process.stderr.write(`wrote ${options.out}\n`);
    });
}
