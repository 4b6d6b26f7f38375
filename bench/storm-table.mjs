// The validation table of docs/storm.md from `mollifier storm` outputs (examples/storm/validate.sh writes them):
// one row per nucleus, then the mean. Run: node bench/storm-table.mjs results/storm/held-out
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? 'results/storm/held-out';
const rows = [];
for (const name of readdirSync(root).filter((n) => existsSync(join(root, n, 'result.json'))).sort()) {
  const r = JSON.parse(readFileSync(join(root, name, 'result.json'), 'utf8'));
  const t = r.k.truth;
  const perSeed = r.training.jobs.filter((j) => j.metrics).map((j) => j.metrics.param_corr);
  const times = r.training.jobs.filter((j) => j.duration_s).map((j) => j.duration_s);
  rows.push({ name, localisations: r.input.count, bandwidth: r.density.bandwidth, corr: t.corr, smoothed: t.corr_smoothed, perSeed, mean: t.mean, truth: t.truth_mean, err: t.mean_rel_err, sd: r.k.sd_mean, time: times.reduce((a, v) => a + v, 0) / times.length, wall: r.wall_s });
}
const f = (v, d = 3) => v.toFixed(d);
console.log('| nucleus | localisations | bandwidth | corr (mean map) | corr vs smoothed truth | corr per seed | mean k | true mean k | rel. error | mean sd across seeds | s per network | wall s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.localisations} | ${f(r.bandwidth)} | ${f(r.corr)} | ${f(r.smoothed)} | ${r.perSeed.map((v) => f(v)).join(', ')} | ${f(r.mean, 4)} | ${f(r.truth, 4)} | ${f(100 * r.err, 2)} % | ${f(r.sd)} | ${f(r.time, 0)} | ${f(r.wall, 0)} |`);
const avg = (key) => rows.reduce((a, r) => a + r[key], 0) / rows.length;
console.log(`| **mean of ${rows.length}** | | | ${f(avg('corr'))} | ${f(avg('smoothed'))} (min ${f(Math.min(...rows.map((r) => r.smoothed)))}) | | | | ${f(100 * avg('err'), 2)} % (max ${f(100 * Math.max(...rows.map((r) => r.err)), 2)} %) | ${f(avg('sd'))} | ${f(avg('time'), 0)} | |`);

// `--figures DIR`: copies each nucleus's smoothed truth, recovered map, error and spread into DIR and prints the
// markdown rows that show them side by side (docs/storm.md).
if (process.argv.includes('--figures')) {
  const { copyFileSync, mkdirSync } = await import('node:fs');
  const { relative } = await import('node:path');
  const target = process.argv[process.argv.indexOf('--figures') + 1];
  const from = process.argv[process.argv.indexOf('--figures') + 2] ?? 'docs';
  mkdirSync(target, { recursive: true });
  const panels = [['k_truth_smoothed', 'true k, smoothed'], ['k', 'recovered k (mean of 4 networks)'], ['k_error', 'recovered − truth'], ['k_sd', 'spread across the networks']];
  console.log(`\n| nucleus | ${panels.map((p) => p[1]).join(' | ')} |\n|---|${panels.map(() => '---|').join('')}`);
  for (const r of rows) {
    const cells = panels.map(([file]) => {
      const name = `${r.name}-${file}.png`;
      copyFileSync(join(root, r.name, `${file}.png`), join(target, name));
      return `![${file}](${relative(from, join(target, name))})`;
    });
    console.log(`| ${r.name} | ${cells.join(' | ')} |`);
  }
}
