// `mollifier bench table2`: stable job ids, resuming, failed rows, and the report from a results file alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, evaluateTargets, jobId, parseResults, table2Groups, table2Markdown, table2Plan, type Table2Record } from '../bench/table2/index.js';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-table2-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

test('plan job ids are stable, distinct, and ignore where the level files are written', () => {
  const a = table2Plan({ fieldsDir: join(work, 'one') });
  const b = table2Plan({ fieldsDir: join(work, 'two') });
  assert.equal(a.jobs.length, 3 * 6 * 5);
  assert.deepEqual(a.jobs.map((j) => j.id), b.jobs.map((j) => j.id));
  assert.equal(new Set(a.jobs.map((j) => j.id)).size, a.jobs.length);
  assert.equal(new Set(a.jobs.map((j) => j.label)).size, a.jobs.length);
  const quick = table2Plan({ quick: true });
  assert.equal(quick.jobs.length, 18);
  assert.equal(quick.jobs.filter((j) => a.jobs.some((k) => k.id === j.id)).length, 0);
  // Five runs per column span three levels, level 1 (the paper's case) first.
  const heatPinn = a.jobs.filter((j) => j.problem === 'heat' && j.column === 'PINN+M');
  assert.deepEqual(heatPinn.map((j) => j.level.value), [1, 0.5, 1.5, 1, 0.5]);
  assert.deepEqual(heatPinn.map((j) => j.seed), [0, 1, 2, 3, 4]);
  // The id follows the config, not its key order; a level file by its content.
  const config = a.jobs[0]!.config;
  assert.equal(jobId(config), jobId(Object.fromEntries(Object.entries(config).reverse()) as typeof config));
  assert.notEqual(jobId(config), jobId({ ...config, epochs: (config.epochs ?? 0) + 1 }));
  assert.equal(canonicalJson({ b: 1, a: [1, { d: undefined, c: 2 }] }), '{"a":[1,{"c":2}],"b":1}');
  const filed = a.jobs.find((j) => j.field)!;
  assert.equal(filed.id, jobId({ ...filed.config, paramField: 'anywhere.csv' }, filed.field!.sha256));
  assert.deepEqual(table2Plan({ only: 'rd/pinn/mollifier' }).jobs.map((j) => j.seed), [0, 1, 2, 3, 4]);
  assert.equal(table2Plan({ seeds: 2 }).jobs.length, 36);
});

test('a rerun skips finished jobs; a timed-out job is a failed row', () => {
  const results = join(work, 'resume.jsonl');
  const first = run('bench', 'table2', '--quick', '--only', 'langevin/pinn/', '--results', results);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /2 jobs planned, 0 already in .*, 2 to run/);
  const records = lines(results).map((l) => JSON.parse(l) as Table2Record);
  assert.equal(records.length, 2);
  assert.deepEqual(records.map((r) => r.status), ['completed', 'completed']);
  assert.deepEqual(new Set(records.map((r) => r.label)), new Set(['langevin/pinn/autodiff/seed0/mu0=1', 'langevin/pinn/mollifier/seed0/mu0=1']));
  const planned = table2Plan({ quick: true, only: 'langevin/pinn/' }).jobs.map((j) => j.id);
  assert.deepEqual(new Set(records.map((r) => r.id)), new Set(planned));

  const again = run('bench', 'table2', '--quick', '--only', 'langevin/pinn/', '--results', results);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /2 jobs planned, 2 already in .*, 0 to run/);
  assert.doesNotMatch(again.stderr, /^start /m);
  assert.equal(lines(results).length, 2);

  const timeout = run('bench', 'table2', '--quick', '--only', 'heat/piratenet/autodiff', '--timeout', '1', '--results', results);
  assert.equal(timeout.code, 0, timeout.stderr);
  const last = JSON.parse(lines(results).at(-1)!) as Table2Record;
  assert.equal(lines(results).length, 3);
  assert.equal(last.status, 'failed');
  assert.equal(last.timed_out, true);
  assert.match(last.reason!, /timed out after 1 s/);
  assert.match(run('bench', 'table2', '--quick', '--only', 'heat/piratenet/autodiff', '--results', results).stderr, /1 already in/);
});

function record(problem: Table2Record['problem'], column: Table2Record['column'], seed: number, metrics: Partial<NonNullable<Table2Record['metrics']>> | null, extra: Partial<Table2Record> = {}): Table2Record {
  const mollified = column.endsWith('+M');
  const level = [1, 0.5, 1.5][seed % 3]!;
  return {
    id: `${problem}-${column}-${seed}`,
    label: `${problem}/${column}/seed${seed}`,
    problem,
    column,
    model: column.replace('+M', '').toLowerCase(),
    derivatives: mollified ? 'mollifier' : 'autodiff',
    seed,
    level: { name: 'x', value: level },
    grid: 16,
    config: { pde: problem, model: 'pinn', derivatives: mollified ? 'mollifier' : 'autodiff', family: 'bump', radius: 2, obsNoise: 0, sample: 0.1, epochs: 5, lr: 1e-3, seed, preset: 'cpu', estimate: 'separable' },
    status: metrics ? 'completed' : 'failed',
    metrics: metrics
      ? ({ param_corr: null, param_corr_smoothed: null, param_mean: level, param_true_mean: level, param_mean_rel_err: 0, param_std_ratio: 1, param_nonfinite: 0, laplacian_corr: null, loss_data: 0, loss_pde: 0, time_s: 1, peak_bytes: 1e6, rss_bytes: 1e8, backend: 'wasm', versions: { node: 'v20', tfjs: '4.22.0' }, ...metrics } as NonNullable<Table2Record['metrics']>)
      : null,
    backend: 'wasm',
    versions: { node: 'v20', tfjs: '4.22.0' },
    wall_s: 2,
    started_at: new Date(Date.UTC(2025, 0, 1, 0, 0, seed * 10)).toISOString(),
    finished_at: new Date(Date.UTC(2025, 0, 1, 0, 0, seed * 10 + 5)).toISOString(),
    host: { hostname: 'test', cpu: 'Test CPU', cores: 2, memory_gib: 8, platform: 'linux' },
    command: 'mollifier bench table2 --test',
    ...extra,
  };
}

test('the report renders from a hand-made results file with failed rows and says MET or MISSED', () => {
  const records: Table2Record[] = [];
  for (let seed = 0; seed < 3; seed++) {
    records.push(record('heat', 'PINN+M', seed, { param_corr: 0.95 - 0.01 * seed, laplacian_corr: 0.5, time_s: 10, peak_bytes: 2e7 }));
    records.push(record('heat', 'PINN', seed, { param_corr: 0.2, laplacian_corr: 0.1, time_s: 60, peak_bytes: 4e8 }));
    records.push(record('rd', 'PINN+M', seed, { param_corr: 0.7, param_corr_smoothed: 0.65, param_mean_rel_err: 0.04, laplacian_corr: 0.8, time_s: 20, peak_bytes: 1e8 }));
    records.push(record('rd', 'PINN', seed, null, { reason: 'RuntimeError: memory access out of bounds', oom: true }));
    records.push(record('langevin', 'PINN+M', seed, { param_corr: 0.5, time_s: 5 }));
  }
  records.push(record('langevin', 'PINN', 0, null, { reason: 'timed out after 120 s', timed_out: true }));
  const path = join(work, 'hand-made.jsonl');
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n{"id": "cut sh`);
  assert.equal(parseResults(readFileSync(path, 'utf8')).records.length, records.length);

  const checks = evaluateTargets(table2Groups(records));
  const verdict = (text: RegExp) => checks.find((c) => text.test(c.target))!.verdict;
  assert.equal(verdict(/heat.*spatial corr/), 'MET');
  assert.equal(verdict(/heat.*Laplacian/), 'MISSED');
  assert.equal(verdict(/param_mean within 10 %/), 'MET');
  assert.equal(verdict(/param_corr_smoothed ≥ 0.6/), 'MET');
  assert.equal(verdict(/Langevin/), 'MISSED');
  assert.equal(verdict(/time ratio/), 'NO DATA');
  // rd autodiff ran out of the 4 GiB wasm memory: the memory ratio is at least 2^32 / 1e8 ≈ 43×.
  assert.equal(verdict(/peak-memory ratio/), 'MET');

  const out = join(work, 'table2.md');
  const result = run('bench', 'table2', '--report-only', '--results', path, '--out', out);
  assert.equal(result.code, 0, result.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /Test CPU, 2 cores/);
  assert.match(text, /backend \| wasm/);
  assert.match(text, /1 unreadable line/);
  assert.match(text, /\| heat, PINN\+M: spatial corr \(param_corr\) ≥ 0\.9 \| param_corr 0\.940 ± 0\.010 \(n = 3\) \| \*\*MET\*\* \|/);
  assert.match(text, /\| heat, PINN\+M: Laplacian corr ≥ 0\.9 \| laplacian_corr 0\.500 ± 0\.000 \(n = 3\) \| \*\*MISSED\*\* \|/);
  assert.match(text, /Langevin \(time-varying\), PINN\+M: temporal corr ≥ 0\.9 \| param_corr 0\.500 ± 0\.000 \(n = 3\) \| \*\*MISSED\*\*/);
  assert.match(text, /\| \*\*Reaction-diffusion\*\* \| time \(s\) \| out of memory \(3\/3\) \| 20\.0 ± 0\.0 \(paper 335\) \|/);
  assert.match(text, /\| \*\*Heat\*\* \| time \(s\) \| 60\.0 ± 0\.0 \(paper 2294\) \| 10\.0 ± 0\.0 \(paper 1582\) \|/);
  assert.match(text, /\| Heat \| PINN \| 6\.0× \| 20× \|/);
  assert.match(text, /\| \*\*Heat\*\* \| time[^\n]*\n\|  \| mean corr \| 1\.00 \(3 runs, 3 levels\) \(paper 0\.81\) \|/);
  assert.match(text, /\| langevin\/PINN\/seed0 \| `langevin-PINN-0` \| failed \|.*timed out after 120 s \|/);
  assert.match(text, /\| rd\/PINN\/seed1 \| `rd-PINN-1` \| failed \(OOM\) \|/);
  assert.match(text, /run time \| 15\.0 s of wall time/);
  assert.equal(table2Markdown(records, { command: 'x', resultsPath: path, generated: new Date(0) }).includes('NaN'), false);
});
