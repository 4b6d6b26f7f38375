#!/usr/bin/env node
// Real Table 2 jobs (seed 0, level 1 of examples/table2-*.yaml, the PINN, autodiff and mollified) run twice in one
// go, on the stock wasm kernels (MOLLIFIER_NATIVE=0) and on the native ones, one job at a time so neither shares
// the CPU: training time and the scored metrics side by side. Prints a Markdown table for docs/benchmarks.md.
// With --against DIR, the two columns are instead another checkout's CLI (DIR, built, with its own native addon)
// and this one's, both on the native kernels: a before/after of a change to the library. --only WORD keeps the
// jobs whose label holds WORD.
// Usage: node bench/native-jobs.mjs [--model pinn] [--against DIR] [--only autodiff] (after npm run build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/mollifier', import.meta.url));
const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const model = option('--model') ?? 'pinn';
const against = option('--against');
const only = option('--only');
const baselineCli = against ? join(against, 'bin/mollifier') : cli;
const common = ['--model', model, '--seed', '0', '--radius', '4', '--sample', '1'];
const allJobs = [
  { label: 'langevin, autodiff', args: ['--pde', 'langevin', '--case', 'varying', '--grid', '501', '--epochs', '300', '--derivatives', 'autodiff'] },
  { label: 'langevin, mollified', args: ['--pde', 'langevin', '--case', 'varying', '--grid', '501', '--epochs', '300', '--derivatives', 'mollifier'] },
  { label: 'heat, autodiff', args: ['--pde', 'heat', '--case', 'smooth', '--grid', '32', '--epochs', '300', '--derivatives', 'autodiff'] },
  { label: 'heat, mollified', args: ['--pde', 'heat', '--case', 'smooth', '--grid', '32', '--epochs', '300', '--derivatives', 'mollifier'] },
  { label: 'rd, autodiff (10 steps × 64 nodes)', args: ['--pde', 'rd', '--case', 'smooth', '--grid', '64', '--lr', '0.002', '--pde-warmup', '0.3', '--interface-length', '0.15', '--k', '1', '--epochs', '10', '--collocation-batch', '64', '--derivatives', 'autodiff'] },
  { label: 'rd, mollified', args: ['--pde', 'rd', '--case', 'smooth', '--grid', '64', '--lr', '0.002', '--pde-warmup', '0.3', '--interface-length', '0.15', '--k', '1', '--epochs', '400', '--derivatives', 'mollifier'] },
];
const jobs = allJobs.filter((job) => !only || job.label.includes(only));

const work = mkdtempSync(join(tmpdir(), 'mollifier-native-jobs-'));
// `native` false: the baseline column (stock kernels here, or the other checkout on its native ones).
function run(job, native) {
  const out = join(work, `${job.label.replace(/\W+/g, '-')}-${native ? 'native' : 'wasm'}.json`);
  const result = spawnSync(process.execPath, [native ? cli : baselineCli, 'train', ...job.args, ...common, '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, MOLLIFIER_BACKEND: 'wasm', MOLLIFIER_NATIVE: native || against ? '1' : '0', MOLLIFIER_LOG_LEVEL: 'warn' },
  });
  if (result.status !== 0) return { error: result.stderr.trim().split('\n').pop() };
  const { metrics } = JSON.parse(readFileSync(out, 'utf8'));
  process.stderr.write(`${job.label} ${native ? 'this' : 'baseline'}: ${metrics.time_s.toFixed(1)} s, corr ${metrics.param_corr.toFixed(4)} (${metrics.kernels.native})\n`);
  return metrics;
}

const fmt = (v, digits) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');
const [a, b] = against ? ['before', 'after'] : ['wasm', 'native'];
const lines = [
  `| job (${model}, seed 0) | ${a} s | ${against ? 'after' : 'wasm+native'} s | speed-up | param corr ${a} | param corr ${b} | param mean ${a} | param mean ${b} | peak MB ${a} | peak MB ${b} |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const job of jobs) {
  const stock = run(job, false);
  const native = run(job, true);
  const cell = (m, key, digits) => (m.error ? 'failed' : fmt(m[key], digits));
  lines.push(
    `| ${job.label} | ${cell(stock, 'time_s', 1)} | ${cell(native, 'time_s', 1)} | ${stock.error || native.error ? '–' : `${(stock.time_s / native.time_s).toFixed(1)}×`} | ${cell(stock, 'param_corr', 4)} | ${cell(native, 'param_corr', 4)} | ${cell(stock, 'param_mean', 4)} | ${cell(native, 'param_mean', 4)} | ${stock.error ? '–' : fmt(stock.peak_bytes / 1e6, 1)} | ${native.error ? '–' : fmt(native.peak_bytes / 1e6, 1)} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
