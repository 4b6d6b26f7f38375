// `mollifier bench derivatives`: the time and memory of derivatives by autodiff vs the mollifier layer.
import type { Command } from 'commander';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { benchPlan, benchmarkMarkdown, runBenchPlan, spliceSection } from '../../bench/derivatives/index.js';
import { parseIntegerList } from '../parse.js';

interface DerivativeBenchOptions {
  quick?: boolean;
  json?: boolean;
  torch: boolean;
  depths?: number[];
  out?: string;
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
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
      const plan = benchPlan({ quick: Boolean(options.quick), ...(options.depths ? { depths: options.depths } : {}) });
      const run = await runBenchPlan(plan, { torch: options.torch, log: (line) => process.stderr.write(`${line}\n`) });
      if (options.json) process.stdout.write(`${JSON.stringify(run.rows)}\n`);
      const out = options.out ?? (options.quick ? undefined : 'docs/benchmarks.md');
      if (out) {
        const command = ['mollifier bench derivatives', options.quick ? '--quick' : '', options.depths ? `--depths ${options.depths.join(',')}` : '', options.torch ? '' : '--no-torch'].filter(Boolean).join(' ');
        const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
        writeAtomically(out, spliceSection(previous, benchmarkMarkdown(run, command, new Date())));
        process.stderr.write(`wrote ${out}\n`);
      }
    });
}
