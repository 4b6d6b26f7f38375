// `mollifier bench derivatives`: the time and memory of derivatives by autodiff vs the mollifier layer.
import type { Command } from 'commander';
import { readFileSync, existsSync } from 'node:fs';
import { timeSimulators, simulatorMarkdown } from '../../bench/simulators/index.js';
import { writeFilesAtomically } from '../output.js';
import { validationMarkdown } from '../../bench/validation/index.js';
import { initBackend } from '../../mollifier/backend/index.js';
import { benchPlan, benchmarkMarkdown, runBenchPlan, spliceSection } from '../../bench/derivatives/index.js';
import { parseIntegerList } from '../parse.js';

interface DerivativeBenchOptions {
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
    .action(async (options: DerivativeBenchOptions) => {
      // Choose the backend here first, so a bad MOLLIFIER_BACKEND fails once, not in every worker process.
      await initBackend();
      const plan = benchPlan({ quick: Boolean(options.quick), ...(options.depths ? { depths: options.depths } : {}) });
      const run = await runBenchPlan(plan, { torch: options.torch, log: (line) => process.stderr.write(`${line}\n`) });
      if (options.json) process.stdout.write(`${JSON.stringify(run.rows)}\n`);
      const out = options.out ?? (options.quick ? undefined : 'docs/benchmarks.md');
      if (out) {
        const command = ['mollifier bench derivatives', options.quick ? '--quick' : '', options.depths ? `--depths ${options.depths.join(',')}` : '', options.torch ? '' : '--no-torch'].filter(Boolean).join(' ');
        updateReport(out, benchmarkMarkdown(run, command, new Date()), 'derivatives');
      }
    });
  bench
    .command('simulators')
    .description('wall time of the langevin, heat and reaction-diffusion simulators')
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
