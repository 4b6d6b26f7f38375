#!/usr/bin/env node
// The noise sweeps of docs/noise.md as one compact table per sweep: rows the noise level, columns the methods, each
// cell a metric's mean ± sd [95 % interval] n over the held-out runs (Fisher's interval for correlations,
// orchestrator/statistics.ts). Reads a results store only.
// Usage: node bench/noise-table.mjs STORE SWEEP [OPTION]   (OPTION: the level's option, default obs-noise)
import { ResultStore } from '../dist/orchestrator/store.js';
import { summariseMetric } from '../dist/orchestrator/statistics.js';
import { columnName } from '../dist/orchestrator/table.js';

const [storePath, sweep, levelOption = 'obs-noise'] = process.argv.slice(2);
const store = new ResultStore(storePath, { create: false });
const rows = store.jobs(sweep);
store.close();
const levels = [...new Set(rows.map((r) => r.options[levelOption]))].sort((a, b) => a - b);
const methods = [...new Set(rows.map((r) => columnName(r.options)))];
const metrics = [['param_corr', 'corr'], ['param_corr_smoothed', 'corr vs smoothed truth'], ['laplacian_corr', 'Laplacian corr'], ['param_mean_rel_err', 'relative error of the mean']];
const f = (v) => (v === null || v === undefined ? '—' : v.toFixed(3));
const lines = [`| ${levelOption} | metric | ${methods.map((m) => `${m} (r = ${rows.find((r) => columnName(r.options) === m).options.radius})`).join(' | ')} |`, `|---|---|${methods.map(() => '---|').join('')}`];
for (const level of levels) {
  for (const [name, label] of metrics) {
    const cells = methods.map((m) => {
      const values = rows.filter((r) => r.options[levelOption] === level && columnName(r.options) === m && r.status === 'done').flatMap((r) => (typeof r.metrics?.[name] === 'number' ? [r.metrics[name]] : []));
      if (!values.length) return '—';
      const s = summariseMetric(name, values);
      return `${f(s.mean)} ± ${f(s.std)}${s.ci95 ? ` [${f(s.ci95[0])}, ${f(s.ci95[1])}]` : ''} n=${s.n}`;
    });
    if (cells.every((c) => c === '—')) continue;
    lines.push(`| ${label === 'corr' ? level : ''} | ${label} | ${cells.join(' | ')} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
