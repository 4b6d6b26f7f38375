// Table 2 on the orchestrator: the specs run as sweeps into a results store, and `mollifier report table2` reads
// the store alone (with a preface written by people). Before, a second orchestrator (bench/table2: its own ids,
// runner, JSON-lines store and report) ran Table 2 beside the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobRow } from '../orchestrator/store.js';
import { acrossRuns, meanCorrelation, table2Groups } from '../orchestrator/table2/groups.js';
import { evaluateGoals, intervalCell, table2Markdown } from '../orchestrator/table2/report.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'mollifier');
const work = mkdtempSync(join(tmpdir(), 'mollifier-table2-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const columns = { 'PINN': ['pinn', 'autodiff'], 'PINN+M': ['pinn', 'mollifier'], 'none': ['none', 'mollifier'] } as const;

function row(pde: string, column: keyof typeof columns, seed: number, metrics: Record<string, number | string | null> | null, extra: Partial<JobRow> = {}, options: Record<string, unknown> = {}): JobRow {
  const [model, derivatives] = columns[column];
  const level = [1, 0.5, 1.5][seed % 3]!;
  return {
    sweep: `table2-${pde}`,
    id: `${pde}-${column}-${seed}-${JSON.stringify(options)}`,
    group: `${pde}-${column}-${JSON.stringify(options)}`,
    index: seed,
    options: { kind: 'train', pde, model, derivatives, family: 'bump', radius: 2, 'obs-noise': 0, sample: 1, epochs: 5, lr: 1e-3, seed, preset: 'cpu', k: level, ...options } as JobRow['options'],
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

test('mean corr and noise corr: r across runs with Fisher intervals; null below 3 runs or with a constant side; runs without both skipped', () => {
  const means = (pairs: Array<[number | null, number | null]>) => pairs.map(([p, t], i) => row('heat', 'PINN+M', i, { param_mean: p, param_true_mean: t }));
  // By hand: both sets of means average 1.5; Σdxdy = 1, Σdx² = 1, Σdy² = 1.06, so r = 1/√1.06; Fisher: z ± 1.96/√3.
  const r = meanCorrelation(means([[1.1, 1], [0.9, 1], [1.6, 1.5], [1.4, 1.5], [2.1, 2], [1.9, 2]]));
  assert.ok(Math.abs(r.corr! - 1 / Math.sqrt(1.06)) < 1e-12, String(r.corr));
  assert.equal(r.n, 6);
  const z = Math.atanh(1 / Math.sqrt(1.06));
  assert.ok(Math.abs(r.ci95![0] - Math.tanh(z - 1.959964 / Math.sqrt(3))) < 1e-9 && Math.abs(r.ci95![1] - Math.tanh(z + 1.959964 / Math.sqrt(3))) < 1e-9, String(r.ci95));
  assert.equal(meanCorrelation(means([[1, 1], [2, 2]])).corr, null);
  assert.equal(meanCorrelation(means([[1, 1], [1, 2], [1, 3]])).corr, null);
  const three = meanCorrelation(means([[1, 1], [null, 5], [2, 2], [3, 3]]));
  assert.deepEqual([three.corr, three.n, three.ci95], [1, 3, null]);
  const sds = [0.1, 0.3, 0.2, 0.4].map((sd, i) => row('langevin', 'PINN+M', i, { param_std: 2 * sd, param_true_std: sd }));
  assert.ok(Math.abs(acrossRuns(sds, 'param_std', 'param_true_std').corr! - 1) < 1e-12);
});

test('a cell gives mean ± sd, the 95 % interval and n; nothing is —', () => {
  assert.equal(intervalCell({ n: 5, mean: 0.86, std: 0.06, ci95: [0.78, 0.924] }), '0.860 ± 0.060 [0.780, 0.924] n=5');
  assert.equal(intervalCell({ n: 1, mean: 2, std: null, ci95: null }, 100, 1), '200 n=1');
  assert.equal(intervalCell(undefined), '—');
  // A no-network run takes milliseconds: shown, not rounded to 0.0.
  assert.equal(intervalCell({ n: 5, mean: 0.004, std: 0.001, ci95: [0.003, 0.005] }, 1, 1), '0.0040 ± 0.0010 [0.0030, 0.0050] n=5');
  assert.equal(intervalCell({ n: 2, mean: 0, std: 0, ci95: [0, 0] }, 1, 1), '0.0 ± 0.0 [0.0, 0.0] n=2');
});

test('the report splits regimes and rows, names the extra columns, and says MET or MISSED beside autodiff and no network', () => {
  const rows: JobRow[] = [];
  const paper = { sample: 0.1, 'obs-noise': 0.01 };
  for (let seed = 0; seed < 3; seed++) {
    const truth = { param_true_mean: 1 + seed, param_mean: 1.1 + seed, param_true_std: 0.1 * (seed + 1), param_std: 0.1 * (seed + 1) };
    rows.push(row('heat', 'PINN+M', seed, { ...truth, param_corr: 0.95 - 0.01 * seed, laplacian_corr: 0.5, time_s: 10, peak_bytes: 2e7, radius: 4 }, {}, paper));
    rows.push(row('heat', 'PINN', seed, { ...truth, param_corr: 0.2, laplacian_corr: 0.1, time_s: 60, peak_bytes: 4e8 }, {}, paper));
    rows.push(row('heat', 'PINN', seed, { ...truth, param_corr: 0.1, laplacian_corr: 0.05, time_s: 10, peak_bytes: 4e8 }, {}, { ...paper, epochs: 1 }));
    rows.push(row('heat', 'none', seed, { ...truth, param_corr: 0.97, time_s: 0.01, radius: 8 }, {}, { ...paper, radius: 8 }));
    rows.push(row('heat', 'none', seed, { ...truth, param_corr: 0.98, time_s: 0.01, radius: 9 }, {}, { radius: 'auto' }));
    rows.push(row('rd', 'PINN+M', seed, { param_corr: 0.7, laplacian_corr: 0.8, time_s: 20, peak_bytes: 1e8 }, {}, { ...paper, 'interface-length': 0.15 }));
    rows.push(row('rd', 'PINN', seed, null, { reason: 'RuntimeError: memory access out of bounds' }, { ...paper, 'interface-length': 0.15 }));
    rows.push(row('rd', 'PINN+M', seed, { param_corr: 0.05, laplacian_corr: 0.9, time_s: 200, peak_bytes: 2e9 }, {}, { ...paper, 'phi-n': 'x.txt', case: 'lognorm' }));
    rows.push(row('langevin', 'PINN+M', seed, { param_corr: 0.5, time_s: 5 }, {}, paper));
  }
  // rd's shape: every autodiff column runs 10 steps, the PINN again 40 (equal time): the 40-step one is named.
  const rdRows = (model: string, epochs: number) => [0, 1, 2].map((seed) => ({ ...row('rd', 'PINN', seed, { param_corr: 0.1, time_s: epochs }, {}, { ...paper, 'interface-length': 0.15, epochs, model }) }));
  const rdGroups = table2Groups([...rdRows('pinn', 10), ...rdRows('pinn', 40), ...rdRows('piratenet', 10)]);
  assert.deepEqual(rdGroups.map((g) => `${g.column} ${g.stats.options.epochs}`).sort(), ['PINN (40 steps) 40', 'PINN 10', 'PirateNet 10']);
  // A fresh held-out set (other seeds) is a row of its own, not a second group in the main set's cells.
  const fresh = [...rdRows('pinn', 10), ...[7, 8, 9].map((seed) => row('rd', 'PINN+M', seed, { param_corr: 0.9 }, { sweep: 'table2-rd-fresh' }, { ...paper, 'interface-length': 0.15 })), ...[0, 1, 2].map((seed) => row('rd', 'PINN+M', seed, { param_corr: 0.7 }, {}, { ...paper, 'interface-length': 0.15 }))];
  assert.deepEqual(table2Groups(fresh).map((g) => `${g.row}: ${g.column}`).sort(), ['Reaction-diffusion, l = 0.15, seeds 7-9: PINN+M', 'Reaction-diffusion, l = 0.15: PINN', 'Reaction-diffusion, l = 0.15: PINN+M']);
  const groups = table2Groups(rows);
  const columnsOf = (rowTitle: string) => groups.filter((g) => g.row === rowTitle).map((g) => `${g.column} @ ${g.regime}`).sort();
  assert.deepEqual(columnsOf('Heat'), [
    'PINN (1 step) @ 10 % of nodes observed, 1 % measurement noise',
    'PINN @ 10 % of nodes observed, 1 % measurement noise',
    'PINN+M @ 10 % of nodes observed, 1 % measurement noise',
    'no network (r from data) @ every node observed, no measurement noise',
    'no network @ 10 % of nodes observed, 1 % measurement noise',
  ]);
  assert.deepEqual([...new Set(groups.filter((g) => g.problem.pde === 'rd').map((g) => g.row))].sort(), ['Reaction-diffusion, l = 0.03 (COMSOL, lognorm k)', 'Reaction-diffusion, l = 0.15']);
  const goals = evaluateGoals(groups, '10 % of nodes observed, 1 % measurement noise');
  const verdict = (text: RegExp) => goals.filter((c) => text.test(c.goal)).map((c) => c.verdict);
  assert.deepEqual(verdict(/^Heat.*spatial corr/), ['MISSED']);
  assert.deepEqual(verdict(/Reaction-diffusion.*k-map/), ['MISSED', 'MISSED']);
  assert.deepEqual(verdict(/Reaction-diffusion.*Laplacian/), ['MET', 'MET']);
  assert.match(goals.find((g) => /^Heat.*spatial/.test(g.goal))!.beside, /PINN: 0\.200; PINN \(1 step\): 0\.100; no network: 0\.970/);
  const text = table2Markdown(rows, { command: 'mollifier report table2 --store s.sqlite', storePath: 's.sqlite', generated: new Date(0), preface: 'PREFACE TEXT' });
  assert.match(text, /PREFACE TEXT/);
  assert.match(text, /Test CPU, 2 cores, 8 GiB, linux/);
  assert.match(text, /## The paper's regime: 10 % of nodes observed, 1 % measurement noise[\s\S]*## Second view: every node observed, no measurement noise/);
  assert.match(text, /\| \*\*Heat\*\* \| time \(s\) \| 60\.0 ± 0\.0 \[60\.0, 60\.0\] n=3 \(paper 2294\) \| 10\.0 ± 0\.0 \[10\.0, 10\.0\] n=3 \(paper 1582\) \|/);
  assert.match(text, /\| {2}\| mean corr \(across runs\) \| 1\.00 n=3 \(paper 0\.81\) \|/);
  assert.match(text, /\| \*\*Reaction-diffusion, l = 0\.15\*\* \| time \(s\) \| out of memory \(3\/3\) \|/);
  assert.match(text, /\| Heat \| PINN \| 6\.0× \| 20× \|/);
  assert.match(text, /\| Heat \/ 10 % of nodes observed, 1 % measurement noise \/ no network \/ seed 0 \| `[^`]+` \| done \| 0\.0 \| 0\.970 \|/);
  assert.match(text, /\| Reaction-diffusion, l = 0\.15 \/ [^|]+ \/ PINN \/ seed 1 \| `[^`]+` \| failed \(OOM\) \|/);
  assert.equal(text.includes('NaN'), false);
});

test('a small Table 2 row run as a sweep into a real store, and the report from that store alone', () => {
  // The heat row's held-out spec shape at 5 epochs: each run its own drawn D, two columns and the no-network one.
  const spec = join(work, 'table2-heat.yaml');
  const draws = join(root, 'examples', 'table2', 'held-out');
  writeFileSync(
    spec,
    [
      'name: table2-heat',
      'seeds: [100, 101, 102]',
      'base: {pde: heat, epochs: 5, radius: 4, sample: 0.1, obs-noise: 0.01}',
      'cycle:',
      ...[100, 101, 102].map((s) => `  - {param-field: ${JSON.stringify(join(draws, `heat-seed-${s}.csv`))}}`),
      'matrix:',
      '  model: [pinn, none]',
      '  derivatives: [autodiff, mollifier]',
      '  exclude:',
      '    - {model: none, derivatives: autodiff}',
      '  include:',
      '    - {derivatives: autodiff, collocation-batch: 64}',
      '    - {model: none, radius: 8}',
      '',
    ].join('\n'),
  );
  const store = join(work, 'table2.sqlite');
  const ran = run('sweep', 'run', spec, '--store', store, '--lanes', '2', '--no-table', '--data-root', root);
  assert.equal(ran.code, 0, ran.stderr);
  const out = join(work, 'table2.md');
  const preface = join(work, 'preface.md');
  writeFileSync(preface, 'What the numbers say, written after reading them.\n');
  const report = run('report', 'table2', '--store', store, '--out', out, '--preface', preface);
  assert.equal(report.code, 0, report.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /9 runs, 9 completed, 0 diverged, 0 failed; seeds 100, 101, 102/);
  assert.match(text, /What the numbers say, written after reading them\./);
  assert.match(text, /\| \*\*Heat\*\* \| time \(s\) \| [0-9.]+ ± [0-9.]+ \[[-0-9.]+, [0-9.]+\] n=3 \(paper 2294\) \| [0-9.]+ ± [0-9.]+ \[[-0-9.]+, [0-9.]+\] n=3 \(paper 1582\) \| [0-9.]+ ± [0-9.]+ \[[-0-9.]+, [0-9.]+\] n=3 \|/);
  // Each run has its own drawn s, so mean corr has three distinct truths; the no-network radius is the spec's.
  assert.match(text, /\| {2}\| mean corr \(across runs\) \| -?[0-9.]+ n=3 \(paper 0\.81\) \|/);
  assert.match(text, /\| {2}\| kernel radius \(cells\) \| 4 \| 4 \| 8 \|/);
  assert.match(text, /\| machine \| [^|]+, \d+ cores, \d+ GiB, linux/);
  assert.match(run('report', 'table2', '--store', store, '--sweep', 'nope').stderr, /--sweep nope: not in .* \(it has table2-heat\)/);
  assert.match(run('report', 'table2', '--store', store, '--preface', join(work, 'absent.md')).stderr, /--preface .*absent\.md: cannot read it \(ENOENT\)/);
  assert.equal(run('report', 'table2', '--store', join(work, 'absent.sqlite')).code, 2);
  assert.equal(existsSync(join(work, 'absent.sqlite')), false);
});
