// `sweep table` and `sweep status` as a user runs them: by spec (its default store) or by --store, the per-run
// CSV read back with a CSV parser, and Ctrl-C during `sweep run` leaving no job shown running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { ResultStore } from '../orchestrator/store.js';
import { CliProcess } from './support/services.js';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'mollifier-sweep-cli-'));
const mollifier = (args: string[], cwd?: string) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, ...(cwd ? { cwd } : {}) });

test('sweep table --runs: one CSV row per job with its varying options, where it ran and every metric', () => {
  const dir = tmp();
  const spec = join(dir, 'runs.yaml');
  writeFileSync(spec, 'name: runs\nseeds: 2\nbase: {kind: noop, duration-ms: 20}\nmatrix:\n  outcome: [completed, failed]\n');
  const store = join(dir, 'runs.sqlite');
  assert.equal(mollifier(['sweep', 'run', spec, '--store', store, '--lanes', '2', '--no-table']).status, 0);
  const out = mollifier(['sweep', 'table', '--store', store, '--runs']);
  assert.equal(out.status, 0, out.stderr);
  const rows = parse(out.stdout, { columns: true }) as Array<Record<string, string>>;
  assert.equal(rows.length, 4, 'one row per job');
  const header = Object.keys(rows[0]!);
  for (const column of ['sweep', 'group', 'job', 'seed', 'options.outcome', 'status', 'attempts', 'host', 'lane', 'device', 'duration_s', 'started_at', 'finished_at', 'metrics.duration_ms', 'metrics.seed', 'reason']) assert.ok(header.includes(column), `${column} in ${header}`);
  assert.ok(!header.includes('options.duration-ms'), 'an option every job shares is left out');
  const open = new ResultStore(store);
  const jobs = open.jobs('runs');
  open.close();
  assert.deepEqual(rows.map((r) => r.job), jobs.map((j) => j.id));
  for (const row of rows) {
    const job = jobs.find((j) => j.id === row.job)!;
    assert.equal(row.sweep, 'runs');
    assert.equal(row.seed, String(job.options.seed));
    assert.equal(row.status, job.status);
    assert.equal(row.lane, job.lane);
    assert.equal(Number(row.duration_s), job.duration_s);
    if (job.status === 'done') {
      assert.equal(Number(row['metrics.duration_ms']), job.metrics!.duration_ms);
      assert.equal(row.reason, '');
    } else {
      assert.equal(row['metrics.duration_ms'], '');
      assert.equal(row.reason, 'noop job asked to fail');
    }
  }
  const md = mollifier(['sweep', 'table', '--store', store, '--runs', '--format', 'md']);
  assert.equal(md.status, 2);
  assert.equal(md.stderr.trim().split('\n').length, 1, md.stderr);
  assert.match(md.stderr, /--runs/);
});

test('sweep table|status SPEC: the spec\'s default store and its sweep; a spec never run is one line, exit 2', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'named.yaml'), 'name: named\nseeds: 2\nbase: {kind: noop}\n');
  writeFileSync(join(dir, 'other.yaml'), 'name: other\nseeds: 1\nbase: {kind: noop}\n');
  assert.equal(mollifier(['sweep', 'run', 'named.yaml', '--lanes', '1', '--no-table'], dir).status, 0);
  // A second sweep in the same store: the spec picks out its own.
  assert.equal(mollifier(['sweep', 'run', 'other.yaml', '--store', join('results', 'named.sqlite'), '--lanes', '1', '--no-table'], dir).status, 0);
  const status = mollifier(['sweep', 'status', 'named.yaml'], dir);
  assert.equal(status.status, 0, status.stderr);
  assert.equal(status.stdout, 'named: 2 jobs: 2 done, 0 failed, 0 diverged, 0 stopped early, 0 running, 0 queued\n');
  const json = JSON.parse(mollifier(['sweep', 'table', 'named.yaml', '--format', 'json'], dir).stdout) as { groups: Array<{ sweep: string; n: number }> };
  assert.deepEqual(json.groups.map((g) => [g.sweep, g.n]), [['named', 2]]);
  // The spec with --store: that store, the spec's sweep.
  const other = mollifier(['sweep', 'status', 'other.yaml', '--store', join('results', 'named.sqlite')], dir);
  assert.equal(other.stdout, 'other: 1 jobs: 1 done, 0 failed, 0 diverged, 0 stopped early, 0 running, 0 queued\n');
  const cases: Array<[string[], RegExp]> = [
    [['sweep', 'status', 'other.yaml'], /results\/other\.sqlite.*sweep other has not run yet/],
    [['sweep', 'table', 'other.yaml'], /results\/other\.sqlite.*sweep other has not run yet/],
    [['sweep', 'status'], /give a spec .* or --store/],
    [['sweep', 'table', 'named.yaml', '--sweep', 'other'], /--sweep/],
    [['sweep', 'table', 'missing.yaml'], /missing\.yaml/],
  ];
  for (const [args, message] of cases) {
    const out = mollifier(args, dir);
    assert.equal(out.status, 2, `${args.join(' ')}: ${out.stderr}`);
    assert.equal(out.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${out.stderr}`);
    assert.match(out.stderr, message);
  }
});

test('Ctrl-C during sweep run puts its running jobs back in the queue: sweep status shows none running', { timeout: 60_000 }, async () => {
  const dir = tmp();
  const spec = join(dir, 'long.yaml');
  writeFileSync(spec, 'name: long\nseeds: 1\nbase: {kind: noop, duration-ms: 20000}\nmatrix:\n  label: [0, 1, 2, 3]\n');
  const store = join(dir, 'long.sqlite');
  const run = new CliProcess(cli, ['sweep', 'run', spec, '--store', store, '--lanes', '2', '--no-table']);
  // A job is running once the store says so (its first progress report, 2 s in).
  const running = () => {
    try {
      const open = new ResultStore(store, { create: false });
      try {
        return open.counts('long').running;
      } finally {
        open.close();
      }
    } catch {
      return 0;
    }
  };
  const until = Date.now() + 30_000;
  while (running() === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(running() > 0, 'a job shows running before the interrupt');
  run.kill('SIGINT');
  assert.equal(await run.exited, 130, run.lines.join('\n'));
  const status = mollifier(['sweep', 'status', '--store', store]);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /^long: 4 jobs: 0 done, 0 failed, 0 diverged, 0 stopped early, 0 running, 4 queued\n$/);
  assert.ok(run.lines.some((l) => /back in the queue/.test(l)), run.lines.join('\n'));
});
