// Sweeps without a server: protocol codec, spec expansion and errors, the store's exactly-once rule,
// statistics, and the embedded `sweep run` (SIGINT, then the same command resumes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode, protocolVersion, type ResultMessage } from '../protocol/index.js';
import { parseSpec, SpecError } from '../orchestrator/spec.js';
import { ResultStore } from '../orchestrator/store.js';
import { groupStatistics, isCorrelationMetric, summarise, summariseMetric } from '../orchestrator/statistics.js';
import { formatTable } from '../orchestrator/table.js';
import { CliProcess } from './support/services.js';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'mollifier-sweep-unit-'));
const bytes = (text: string) => new TextEncoder().encode(text);

const result = (job: string, status: ResultMessage['status'] = 'completed', metrics: ResultMessage['metrics'] = { param_corr: 0.9 }): ResultMessage => ({
  v: protocolVersion, type: 'result', sweep: 's', run: '0123456789abcdef', job, ticket: '0123456789abcdef0123456789abcdef', status, metrics, attempt: 1, host: 'h', lane: 'cpu0', device: 'cpu', pid: 1,
  started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:02.000Z',
});

test('codec: a message round-trips; garbage, unknown versions and wrong types come back as reasons, never throws', () => {
  const message = result('0123456789abcdef');
  const back = decode('result', encode('result', message));
  assert.ok(back.ok);
  assert.deepEqual(back.ok && back.value, message);
  const cases: Array<[Uint8Array, RegExp]> = [
    [bytes('{not json'), /not JSON/],
    [bytes('42'), /not a message object/],
    [bytes(JSON.stringify({ ...message, v: 1 })), /protocol version 1/],
    [bytes(JSON.stringify({ ...message, type: 'job' })), /expected a result message/],
    [bytes(JSON.stringify({ ...message, status: 'great' })), /status/],
    [bytes(JSON.stringify({ ...message, job: 'x' })), /job: a job or group id/],
    [new Uint8Array([0xff, 0xfe]), /not JSON/],
  ];
  for (const [input, reason] of cases) {
    const decoded = decode('result', input);
    assert.equal(decoded.ok, false);
    assert.match((decoded as { error: string }).error, reason);
  }
  // Another version's message is told apart from garbage (a worker leaves such a job for a worker of that version).
  const older = decode('result', bytes(JSON.stringify({ ...message, v: 1 })));
  assert.equal(!older.ok && older.otherVersion, 1);
  const garbage = decode('result', bytes('{not json'));
  assert.equal(!garbage.ok && garbage.otherVersion, undefined);
  assert.throws(() => encode('result', { ...message, attempt: 0 }), /refusing to send an invalid result message/);
});

test('spec: matrix × seeds with include/exclude as in CI matrices; ids stable across key order and defaults', () => {
  const spec = parseSpec(
    `name: t\nseeds: [0, 1]\nbase: {pde: heat, epochs: 10}\nmatrix:\n  model: [pinn, piratenet]\n  derivatives: [mollifier, autodiff]\n  exclude:\n    - {model: piratenet, derivatives: autodiff}\n  include:\n    - {model: pinn, radius: 3}\n    - {model: pinnsformer, derivatives: mollifier}\n`,
  );
  const names = spec.jobs.map((j) => `${j.options.kind === 'train' ? `${j.options.model}/${j.options.derivatives}/r${j.options.radius}` : 'noop'}/s${j.options.seed}`);
  assert.deepEqual(names, ['pinn/mollifier/r3/s0', 'pinn/mollifier/r3/s1', 'pinn/autodiff/r3/s0', 'pinn/autodiff/r3/s1', 'piratenet/mollifier/r4/s0', 'piratenet/mollifier/r4/s1', 'pinnsformer/mollifier/r4/s0', 'pinnsformer/mollifier/r4/s1']);
  assert.equal(new Set(spec.jobs.map((j) => j.id)).size, 8);
  assert.equal(spec.jobs[0]!.group, spec.jobs[1]!.group, 'seeds share a group');
  assert.notEqual(spec.jobs[0]!.group, spec.jobs[2]!.group);
  // The same job written differently (key order, an explicit default) has the same id.
  const a = parseSpec('name: a\nseeds: 1\nbase: {pde: heat, model: pinn, epochs: 10}\n').jobs[0]!;
  const b = parseSpec('name: b\nseeds: 1\nbase: {epochs: 10, pde: heat}\n').jobs[0]!;
  assert.equal(a.id, b.id);
});

test('spec cycle: seed i takes entry i mod n; a configuration\'s runs stay one group; a key in both the cycle and the matrix is refused', () => {
  const spec = parseSpec('name: c\nseeds: [0, 1, 2, 3]\nbase: {pde: rd, case: smooth, epochs: 5}\ncycle:\n  - {k: 1}\n  - {k: 0.5}\n  - {k: 1.5}\nmatrix:\n  model: [pinn, piratenet]\n');
  const ks = spec.jobs.map((j) => (j.options.kind === 'train' ? `${j.options.model}/s${j.options.seed}/k${j.options.k}` : ''));
  assert.deepEqual(ks, ['pinn/s0/k1', 'pinn/s1/k0.5', 'pinn/s2/k1.5', 'pinn/s3/k1', 'piratenet/s0/k1', 'piratenet/s1/k0.5', 'piratenet/s2/k1.5', 'piratenet/s3/k1']);
  assert.equal(new Set(spec.jobs.slice(0, 4).map((j) => j.group)).size, 1, 'the cycle does not split a group');
  assert.notEqual(spec.jobs[0]!.group, spec.jobs[4]!.group);
  assert.equal(new Set(spec.jobs.map((j) => j.id)).size, 8);
  assert.throws(() => parseSpec('name: c\nseeds: 2\nbase: {pde: rd}\ncycle:\n  - {k: 1}\nmatrix:\n  k: [1, 2]\n'), /cycle\[0\]\.k: k is also a matrix list/);
  assert.throws(() => parseSpec('name: c\nseeds: 2\nbase: {pde: rd}\ncycle:\n  - {seed: 1}\n'), /cycle\[0\]\.seed: seeds are set by the top-level/);
});

test('spec errors name every problem with its path and line', () => {
  const bad = `name: t\nbase: {pde: heat, foo: 1}\nmatrix:\n  model: [pinn, resnet]\n  epochs: ["x"]\n  sample: [0]\n`;
  try {
    parseSpec(bad, 'bad.yaml');
    assert.fail('no error');
  } catch (error) {
    assert.ok(error instanceof SpecError);
    const lines = error.message.split('\n');
    assert.equal(lines.length, 4, error.message);
    assert.match(lines[0]!, /^bad\.yaml:2:\d+: base\.foo: unknown option 'foo'/);
    assert.match(lines[1]!, /^bad\.yaml:4:\d+: matrix\.model\[1\]: .*pinn/);
    assert.match(lines[2]!, /^bad\.yaml:5:\d+: matrix\.epochs\[0\]: .*number/);
    assert.match(lines[3]!, /^bad\.yaml:6:\d+: matrix\.sample\[0\]/);
  }
  assert.throws(() => parseSpec('name: t\nbase: {pde: heat}\nmatrix:\n  model: [pinn]\n  exclude: [{model: pinn}]\n'), /matrix: the matrix is empty/);
  assert.throws(() => parseSpec('name: t\nmatrix: {model: [pinn]}\n'), /pde: required option missing/);
  assert.throws(() => parseSpec('name: t\nseeds: 0\nbase: {pde: heat}\n'), /seeds/);
  assert.throws(() => parseSpec('name: t\nbase: {pde: heat, seed: 3}\n'), /base\.seed: seeds are set by the top-level 'seeds'/);
});

test('store: a result is recorded once; a redelivered one changes nothing; retry-failed requeues', () => {
  const store = new ResultStore(join(tmp(), 'store.sqlite'));
  const spec = parseSpec('name: s\nseeds: 2\nbase: {kind: noop}\n');
  assert.equal(store.plan('s', spec.jobs).added, 2);
  assert.equal(store.plan('s', spec.jobs).added, 0, 'planning again adds nothing');
  const [first, second] = spec.jobs;
  assert.equal(store.recordResult(result(first!.id, 'completed', { x: 1 })), true);
  assert.equal(store.recordResult(result(first!.id, 'completed', { x: 2 })), false, 'duplicate ignored');
  assert.equal(store.jobs('s')[0]!.metrics!.x, 1);
  assert.equal(store.recordResult(result('ffffffffffffffff')), false, 'unknown job ignored');
  assert.equal(store.recordFailure({ v: protocolVersion, type: 'failure', sweep: 's', job: second!.id, reason: 'gone', attempts: 3, at: '2026-01-01T00:00:00.000Z' }), true);
  assert.deepEqual(store.counts('s'), { queued: 0, running: 0, done: 1, failed: 1, diverged: 0, stopped: 0, total: 2 });
  assert.equal(store.retryFailed('s'), 1);
  assert.equal(store.unfinished('s')[0]!.generation, 1);
  store.close();
});

test('statistics: mean, sample std and the 95 % t-interval on known values', () => {
  const s = summarise([1, 2, 3, 4, 5]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.std! - Math.sqrt(2.5)) < 1e-12);
  // t(0.975, 4) = 2.7764451
  const half = 2.7764451051977 * (Math.sqrt(2.5) / Math.sqrt(5));
  assert.ok(Math.abs(s.ci95![0] - (3 - half)) < 1e-9 && Math.abs(s.ci95![1] - (3 + half)) < 1e-9);
  assert.deepEqual(summarise([NaN, 2]), { n: 1, mean: 2, std: null, ci95: null });
  const store = new ResultStore(join(tmp(), 'stats.sqlite'));
  const spec = parseSpec('name: s\nseeds: 3\nbase: {pde: heat}\nmatrix: {derivatives: [mollifier, autodiff]}\n');
  store.plan('s', spec.jobs);
  spec.jobs.forEach((job, i) => store.recordResult(result(job.id, 'completed', { param_corr: i / 10, time_s: i })));
  const groups = groupStatistics(store.jobs('s'));
  assert.equal(groups.length, 2);
  assert.deepEqual(groups.map((g) => g.n), [3, 3]);
  assert.ok(Math.abs(groups[0]!.metrics.param_corr!.mean! - 0.1) < 1e-12);
  const json = JSON.parse(formatTable(groups, 'json')) as { groups: Array<{ n: number; derivatives: string; metrics: Record<string, unknown> }> };
  assert.deepEqual(json.groups.map((g) => [g.derivatives, g.n]), [['mollifier', 3], ['autodiff', 3]]);
  const md = formatTable(groups, 'md');
  assert.match(md, /\| problem \| metric \| PINN\+M \| PINN \|/);
  assert.match(md, /\| heat \| time \(s\) \| 1\.0 ± 1\.0 \(n=3\) \| 4\.0 ± 1\.0 \(n=3\) \|/);
  store.close();
});

test('statistics: correlations get the Fisher-z interval, inside (-1, 1), checked by hand; ±1 stays finite', () => {
  // Which metrics are correlations: a `corr` word in the name, nothing else.
  for (const name of ['param_corr', 'param_corr_smoothed', 'laplacian_corr', 'direct_param_corr', 'direct_param_corr_smoothed']) assert.ok(isCorrelationMetric(name), name);
  for (const name of ['param_mean', 'time_s', 'correction', 'scorr', 'corrx']) assert.ok(!isCorrelationMetric(name), name);
  // Near 1 the plain t-interval runs past 1 (upper 1.0445); the Fisher one cannot.
  const high = [0.99, 0.95, 0.999];
  assert.ok(summarise(high).ci95![1] > 1, 'the t-interval would exceed 1');
  const fisher = summariseMetric('param_corr', high);
  assert.ok(fisher.ci95![0] > -1 && fisher.ci95![1] < 1, `${fisher.ci95}`);
  assert.ok(Math.abs(fisher.mean! - 0.9796666666666667) < 1e-12, 'the mean stays the plain mean of r');
  // By hand, r = 0.5, 0.6, 0.7: z = atanh(r), t(0.975, 2) = 0.95 / √(2 · 0.975 · 0.025) (the closed form for 2 df),
  // half = t · sd(z) / √3, interval tanh(mean z ± half) = [0.298327, 0.800075].
  const z = [0.5, 0.6, 0.7].map(Math.atanh);
  const zMean = (z[0]! + z[1]! + z[2]!) / 3;
  const half = (0.95 / Math.sqrt(2 * 0.975 * 0.025)) * (Math.sqrt(z.reduce((s, v) => s + (v - zMean) ** 2, 0) / 2) / Math.sqrt(3));
  const known = summariseMetric('laplacian_corr', [0.5, 0.6, 0.7]);
  assert.ok(Math.abs(known.ci95![0] - Math.tanh(zMean - half)) < 1e-9 && Math.abs(known.ci95![1] - Math.tanh(zMean + half)) < 1e-9, `${known.ci95}`);
  assert.ok(Math.abs(known.ci95![0] - 0.298327) < 1e-6 && Math.abs(known.ci95![1] - 0.800075) < 1e-6);
  assert.ok(Math.abs(known.mean! - 0.6) < 1e-12 && Math.abs(known.std! - 0.1) < 1e-12);
  // r = ±1 exactly (a constant prediction of a constant truth) is clamped: finite, and the interval stays open.
  for (const values of [[1, 1, 1], [1, 0.2], [-1, -1], [1, -1, 0.5]]) {
    const s = summariseMetric('param_corr', values);
    assert.ok(s.ci95 && s.ci95.every((v) => Number.isFinite(v) && v > -1 && v < 1), `${values}: ${s.ci95}`);
  }
  // A table of a store: param_corr by Fisher, time_s by the plain t-interval.
  const store = new ResultStore(join(tmp(), 'fisher.sqlite'));
  const spec = parseSpec('name: s\nseeds: 3\nbase: {pde: heat}\n');
  store.plan('s', spec.jobs);
  spec.jobs.forEach((job, i) => store.recordResult(result(job.id, 'completed', { param_corr: high[i]!, time_s: high[i]! })));
  const [group] = groupStatistics(store.jobs('s'));
  store.close();
  assert.deepEqual(group!.metrics.param_corr!.ci95, fisher.ci95);
  assert.deepEqual(group!.metrics.time_s!.ci95, summarise(high).ci95);
});

test('sweep run, embedded: an invalid spec exits 2 with every error path', () => {
  const dir = tmp();
  const path = join(dir, 'bad.yaml');
  writeFileSync(path, 'name: t\nbase: {pde: heat, epochs: -1}\nmatrix:\n  model: [pinn, nope]\n');
  const run = spawnSync(process.execPath, [cli, 'sweep', 'run', path, '--store', join(dir, 's.sqlite')], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /bad\.yaml:2:\d+: base\.epochs: /);
  assert.match(run.stderr, /bad\.yaml:4:\d+: matrix\.model\[1\]: /);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('sweep run, embedded: SIGINT stops it, and the same command resumes without running ended jobs again', { timeout: 60_000 }, async () => {
  const dir = tmp();
  const spec = join(dir, 'sweep.yaml');
  writeFileSync(spec, 'name: resume\nseeds: 1\nbase: {kind: noop, duration-ms: 300}\nmatrix:\n  label: [0, 1, 2, 3, 4, 5, 6, 7]\n');
  const store = join(dir, 'resume.sqlite');
  const args = ['sweep', 'run', spec, '--store', store, '--lanes', '2', '--no-table'];
  const first = new CliProcess(cli, args);
  await first.waitForLine(/job [0-9a-f]{16} completed/);
  first.kill('SIGINT');
  assert.equal(await first.exited, 130);
  assert.ok(first.lines.some((l) => /interrupted: .* run the same command again to resume/.test(l)));
  const open = new ResultStore(store);
  const ended = open.jobs('resume').filter((j) => j.status === 'done').map((j) => j.id);
  open.close();
  assert.ok(ended.length >= 1 && ended.length < 8, `ended before SIGINT: ${ended.length}`);
  const second = new CliProcess(cli, args);
  assert.equal(await second.exited, 0);
  for (const id of ended) assert.ok(!second.lines.some((l) => l.includes(`"msg":"job ${id} started`)), `job ${id} ran again`);
  const done = new ResultStore(store);
  assert.deepEqual(done.counts('resume'), { queued: 0, running: 0, done: 8, failed: 0, diverged: 0, stopped: 0, total: 8 });
  done.close();
});

test('timeout-minutes: a job past its limit is stopped and recorded failed with the reason; the lane goes on', () => {
  const dir = tmp();
  const spec = join(dir, 'timeout.yaml');
  // 0.02 min = 1.2 s; the first job would sleep 20 s, the second 100 ms, one lane for both.
  writeFileSync(spec, 'name: timeout\ntimeout-minutes: 0.02\nseeds: 1\nbase: {kind: noop}\nmatrix:\n  duration-ms: [20000, 100]\n');
  const store = join(dir, 'timeout.sqlite');
  const run = spawnSync(process.execPath, [cli, 'sweep', 'run', spec, '--store', store, '--lanes', '1', '--no-table'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const open = new ResultStore(store);
  const jobs = open.jobs('timeout');
  open.close();
  const byDuration = new Map(jobs.map((j) => [(j.options as { 'duration-ms': number })['duration-ms'], j]));
  assert.equal(byDuration.get(20000)!.status, 'failed');
  assert.match(byDuration.get(20000)!.reason ?? '', /timed out after 1\.2 s/);
  assert.ok((byDuration.get(20000)!.duration_s ?? Infinity) < 10, `stopped early: ${byDuration.get(20000)!.duration_s} s`);
  assert.equal(byDuration.get(100)!.status, 'done');
  assert.equal(byDuration.get(100)!.lane, byDuration.get(20000)!.lane);
});

test('sweep status --json and table --format csv read the store', () => {
  const dir = tmp();
  const spec = join(dir, 'tiny.yaml');
  writeFileSync(spec, 'name: tiny\nseeds: 2\nbase: {kind: noop}\nmatrix:\n  outcome: [completed, failed]\n');
  const store = join(dir, 'tiny.sqlite');
  assert.equal(spawnSync(process.execPath, [cli, 'sweep', 'run', spec, '--store', store, '--lanes', '1'], { encoding: 'utf8' }).status, 0);
  const status = JSON.parse(spawnSync(process.execPath, [cli, 'sweep', 'status', '--store', store, '--json'], { encoding: 'utf8' }).stdout) as { jobs: Array<{ id: string; status: string; attempts: number }> };
  assert.deepEqual(status.jobs.map((j) => j.status).sort(), ['done', 'done', 'failed', 'failed']);
  assert.ok(status.jobs.every((j) => /^[0-9a-f]{16}$/.test(j.id) && j.attempts === 1));
  const human = spawnSync(process.execPath, [cli, 'sweep', 'status', '--store', store], { encoding: 'utf8' }).stdout;
  assert.equal(human, 'tiny: 4 jobs: 2 done, 2 failed, 0 diverged, 0 stopped early, 0 running, 0 queued\n  2 failed: noop job asked to fail\n');
  const csv = spawnSync(process.execPath, [cli, 'sweep', 'table', '--store', store, '--format', 'csv'], { encoding: 'utf8' }).stdout;
  assert.match(csv.split('\n')[0]!, /^sweep,group,.*metric,n,mean,std,ci95_low,ci95_high$/);
  const missing = spawnSync(process.execPath, [cli, 'sweep', 'table', '--store', join(dir, 'none.sqlite')], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file/);
});

test('every example spec parses; quick.yaml is the small embedded default of npm start', async () => {
  const { existsSync, readdirSync } = await import('node:fs');
  const { fingerprintPath } = await import('../protocol/index.js');
  const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
  const files = [...readdirSync(examples).filter((f) => f.endsWith('.yaml')), ...readdirSync(join(examples, 'table2-paper')).map((f) => `table2-paper/${f}`)];
  assert.ok(files.length >= 6);
  const { readSpec } = await import('../orchestrator/spec.js');
  // Inputs made by a script (results/table2/: sh examples/table2/rd-instances.sh) or lent beside the project
  // (../shared/data) may be absent from a clean clone: the spec must still parse; every other file must exist.
  const fingerprint = (path: string) => (existsSync(path) || !/^(results\/|\.\.\/shared\/)/.test(path) ? fingerprintPath(path) : `absent ${path}`);
  const jobs = Object.fromEntries(files.map((f) => [f, readSpec(join(examples, f), { fingerprint }).jobs.length]));
  assert.equal(jobs['quick.yaml'], 4);
  assert.equal(jobs['noop-load.yaml'], 2000);
  for (const row of ['langevin', 'heat', 'rd']) assert.equal(jobs[`table2-${row}.yaml`], 30, `table2-${row}: 6 columns × 5 seeds`);
  // Table 2 on held-out runs (docs/table2.md): 6 columns, the no-network one and (Langevin, heat) a shorter autodiff PINN.
  for (const row of ['langevin', 'heat']) assert.equal(jobs[`table2-paper/held-out-${row}.yaml`], 40, row);
  assert.equal(jobs['table2-paper/held-out-rd.yaml'], 35);
  for (const row of ['langevin', 'heat', 'rd']) assert.equal(jobs[`table2-paper/full-${row}.yaml`], 40, `full-${row}: 6 columns and two no-network radii`);
});
