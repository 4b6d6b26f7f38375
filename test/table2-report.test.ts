// Table 2 on the orchestrator: the specs run as sweeps into a results store, and `mollifier report table2` reads
// the store alone. Before, a second orchestrator (bench/table2: its own ids, runner, JSON-lines store and report)
// ran Table 2 beside the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobRow } from '../orchestrator/store.js';
import { meanCorrelation, table2Groups } from '../orchestrator/table2/groups.js';
import { evaluateTargets, table2Markdown } from '../orchestrator/table2/report.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'mollifier');
const work = mkdtempSync(join(tmpdir(), 'mollifier-table2-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const columns = { 'PINN': ['pinn', 'autodiff'], 'PINN+M': ['pinn', 'mollifier'] } as const;

function row(pde: string, column: keyof typeof columns, seed: number, metrics: Record<string, number | string | null> | null, extra: Partial<JobRow> = {}): JobRow {
  const [model, derivatives] = columns[column];
  const level = [1, 0.5, 1.5][seed % 3]!;
  return {
    sweep: `table2-${pde}`,
    id: `${pde}-${column}-${seed}`,
    group: `${pde}-${column}`,
    index: seed,
    options: { kind: 'train', pde, model, derivatives, family: 'bump', radius: 2, 'obs-noise': 0, sample: 1, epochs: 5, lr: 1e-3, seed, preset: 'cpu', k: level } as JobRow['options'],
    inputs: null,
    status: metrics ? 'done' : 'failed',
    attempts: 1,
    generation: 0,
    reason: null,
    metrics: metrics ? { param_corr: null, param_corr_smoothed: null, param_mean: level, param_true_mean: level, param_mean_rel_err: 0, laplacian_corr: null, time_s: 1, peak_bytes: 1e6, backend: 'wasm', versions_node: 'v20', versions_tfjs: '4.22.0', machine_cpu: 'Test CPU', machine_cores: 2, machine_memory_gib: 8, machine_platform: 'linux', ...metrics } : null,
    host: 'test',
    lane: `cpu${seed % 2}`,
    device: 'cpu',
    queued_at: null,
    started_at: new Date(Date.UTC(2025, 0, 1, 0, 0, seed * 10)).toISOString(),
    finished_at: new Date(Date.UTC(2025, 0, 1, 0, 0, seed * 10 + 5)).toISOString(),
    duration_s: 5,
    ...extra,
  };
}

test('mean corr: r of predicted vs true means across runs; null below 3 levels or with equal predictions; runs without both skipped', () => {
  const means = (pairs: Array<[number | null, number | null]>) => pairs.map(([p, t], i) => row('heat', 'PINN+M', i, { param_mean: p, param_true_mean: t }));
  // By hand: both sets of means average 1.5; Σdxdy = 1, Σdx² = 1, Σdy² = 1.06, so r = 1/√1.06.
  const r = meanCorrelation(means([[1.1, 1], [0.9, 1], [1.6, 1.5], [1.4, 1.5], [2.1, 2], [1.9, 2]]));
  assert.ok(Math.abs(r.corr! - 1 / Math.sqrt(1.06)) < 1e-12, String(r.corr));
  assert.deepEqual([r.n, r.levels], [6, 3]);
  assert.equal(meanCorrelation(means([[1, 1], [2, 2], [3, 2]])).corr, null);
  assert.equal(meanCorrelation(means([[1, 1], [1, 2], [1, 3]])).corr, null);
  assert.deepEqual(meanCorrelation(means([[1, 1], [null, 5], [2, 2], [3, 3]])), { corr: 1, n: 3, levels: 3 });
});

test('the report renders from hand-made store rows with failed ones and says MET or MISSED', () => {
  const rows: JobRow[] = [];
  for (let seed = 0; seed < 3; seed++) {
    rows.push(row('heat', 'PINN+M', seed, { param_corr: 0.95 - 0.01 * seed, laplacian_corr: 0.5, time_s: 10, peak_bytes: 2e7 }));
    rows.push(row('heat', 'PINN', seed, { param_corr: 0.2, laplacian_corr: 0.1, time_s: 60, peak_bytes: 4e8 }));
    rows.push(row('rd', 'PINN+M', seed, { param_corr: 0.7, param_corr_smoothed: 0.65, param_mean_rel_err: 0.04, laplacian_corr: 0.8, time_s: 20, peak_bytes: 1e8 }));
    rows.push(row('rd', 'PINN', seed, null, { reason: 'RuntimeError: memory access out of bounds' }));
    rows.push(row('langevin', 'PINN+M', seed, { param_corr: 0.5, time_s: 5 }));
  }
  rows.push(row('langevin', 'PINN', 0, null, { reason: 'timed out after 2 min (the sweep\'s timeout-minutes)' }));
  const checks = evaluateTargets(table2Groups(rows));
  const verdict = (text: RegExp) => checks.find((c) => text.test(c.target))!.verdict;
  assert.equal(verdict(/heat.*spatial corr/), 'MET');
  assert.equal(verdict(/heat.*Laplacian/), 'MISSED');
  assert.equal(verdict(/param_mean within 10 %/), 'MET');
  assert.equal(verdict(/param_corr_smoothed ≥ 0.6/), 'MET');
  assert.equal(verdict(/Langevin/), 'MISSED');
  assert.equal(verdict(/time ratio/), 'NO DATA');
  // rd autodiff ran out of the 4 GiB wasm memory: the memory ratio is at least 2^32 / 1e8 ≈ 43×.
  assert.equal(verdict(/peak-memory ratio/), 'MET');
  const text = table2Markdown(rows, { command: 'mollifier report table2 --store s.sqlite', storePath: 's.sqlite', generated: new Date(0) });
  assert.match(text, /Test CPU, 2 cores, 8 GiB, linux/);
  assert.match(text, /backend \| wasm/);
  assert.match(text, /\| heat, PINN\+M: spatial corr \(param_corr\) ≥ 0\.9 \| param_corr 0\.940 ± 0\.010 \(n = 3\) \| \*\*MET\*\* \|/);
  assert.match(text, /\| heat, PINN\+M: Laplacian corr ≥ 0\.9 \| laplacian_corr 0\.500 ± 0\.000 \(n = 3\) \| \*\*MISSED\*\* \|/);
  assert.match(text, /\| \*\*Reaction-diffusion\*\* \| time \(s\) \| out of memory \(3\/3\) \| 20\.0 ± 0\.0 \(paper 335\) \|/);
  assert.match(text, /\| \*\*Heat\*\* \| time \(s\) \| 60\.0 ± 0\.0 \(paper 2294\) \| 10\.0 ± 0\.0 \(paper 1582\) \|/);
  assert.match(text, /\| Heat \| PINN \| 6\.0× \| 20× \|/);
  assert.match(text, /\| \*\*Heat\*\* \| time[^\n]*\n\| {2}\| mean corr \| 1\.00 \(3 runs, 3 levels\) \(paper 0\.81\) \|/);
  assert.match(text, /\| langevin\/PINN\/seed 0\/one level \| `langevin-PINN-0` \| failed \|.*timed out after 2 min/);
  assert.match(text, /\| rd\/PINN\/seed 1\/k 0\.5 \| `rd-PINN-1` \| failed \(OOM\) \|/);
  assert.match(text, /run time \| 15\.0 s of wall time with a job running; 80\.0 s of job time/);
  assert.equal(text.includes('NaN'), false);
});

test('a small Table 2 row run as a sweep into a real store, and the report from that store alone', () => {
  // The heat row's spec with its level files (run i takes level i mod 3), at 5 epochs and two columns.
  const spec = join(work, 'table2-heat.yaml');
  const levels = join(root, 'examples', 'table2');
  writeFileSync(
    spec,
    [
      'name: table2-heat',
      'seeds: 3',
      'base: {pde: heat, epochs: 5, radius: 2, sample: 1, model: pinn}',
      'cycle:',
      '  - {case: smooth, grid: 12}',
      `  - {param-field: ${JSON.stringify(join(levels, 'heat-s-0.5.csv'))}}`,
      `  - {param-field: ${JSON.stringify(join(levels, 'heat-s-1.5.csv'))}}`,
      'matrix:',
      '  derivatives: [autodiff, mollifier]',
      '  include:',
      '    - {derivatives: autodiff, collocation-batch: 64}',
      '',
    ].join('\n'),
  );
  const store = join(work, 'table2.sqlite');
  const ran = run('sweep', 'run', spec, '--store', store, '--lanes', '2', '--no-table', '--data-root', root);
  assert.equal(ran.code, 0, ran.stderr);
  const out = join(work, 'table2.md');
  const report = run('report', 'table2', '--store', store, '--out', out);
  assert.equal(report.code, 0, report.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /6 runs, 6 completed, 0 diverged, 0 failed/);
  assert.match(text, /\| \*\*Heat\*\* \| time \(s\) \| [0-9.]+ ± [0-9.]+ \(paper 2294\) \| [0-9.]+ ± [0-9.]+ \(paper 1582\) \| not run \|/);
  assert.match(text, /\| {2}\| mean corr \| (-?[0-9.]+ \(3 runs, 3 levels\)|— \(3 levels; needs 3\)) \(paper 0\.81\) \|/);
  assert.match(text, /\| case smooth, grid 12: 1; param-field heat-s-0\.5\.csv: 1; param-field heat-s-1\.5\.csv: 1 \| 12×12 \| 5 \| bump r = 2 \| 100 % \|/);
  assert.match(text, /\| machine \| [^|]+, \d+ cores, \d+ GiB, linux/);
  assert.match(run('report', 'table2', '--store', store, '--sweep', 'nope').stderr, /--sweep nope: not in .* \(it has table2-heat\)/);
  assert.equal(run('report', 'table2', '--store', join(work, 'absent.sqlite')).code, 2);
  assert.equal(existsSync(join(work, 'absent.sqlite')), false);
});
