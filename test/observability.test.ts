// Observability: the dashboards' structure, every PromQL query through promtool, and a real Prometheus
// (Debian's, started here on loopback) scraping a real sweep: every dashboard query returns data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concreteQuery } from '../dashboards/definitions.js';
import { dashboardFiles } from '../dashboards/build.js';
import type { Dashboard } from '../dashboards/grafana.js';
import { CliProcess, freePort, requireBinary } from './support/services.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const committed = readdirSync(join(root, 'dashboards')).filter((f) => f.endsWith('.json'));
const boards: Array<[string, Dashboard]> = committed.map((f) => [f, JSON.parse(readFileSync(join(root, 'dashboards', f), 'utf8')) as Dashboard]);
const queries = boards.flatMap(([file, d]) => d.panels.flatMap((p) => p.targets.map((t) => ({ file, panel: p.title, expr: t.expr }))));

test('the committed dashboards are the ones the typed definitions build', () => {
  const built = Object.fromEntries(dashboardFiles().map(({ name, text }) => [name, text]));
  assert.deepEqual(committed.sort(), Object.keys(built).sort());
  for (const file of committed) assert.equal(readFileSync(join(root, 'dashboards', file), 'utf8'), built[file], `${file} is stale: run mollifier dashboards`);
});

test('dashboard lint: unique panel ids, grid positions inside 24 columns that do not overlap, every panel with a query', () => {
  assert.equal(boards.length, 3);
  assert.equal(new Set(boards.map(([, d]) => d.uid)).size, 3, 'unique dashboard uids');
  for (const [file, d] of boards) {
    const ids = d.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
    assert.ok(d.templating.list.some((v) => v.type === 'datasource' && v.name === 'datasource'), `${file}: no datasource variable`);
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      assert.ok(Number.isInteger(x) && Number.isInteger(y) && w > 0 && h > 0 && x >= 0 && x + w <= 24, `${file} panel ${p.id}: grid ${JSON.stringify(p.gridPos)}`);
      assert.equal(p.datasource.uid, '${datasource}', `${file} panel ${p.id}: not on the datasource variable`);
      assert.ok(p.targets.length > 0 && p.targets.every((t) => t.expr.trim().length > 0 && t.refId), `${file} panel ${p.id}: no query`);
      assert.equal(new Set(p.targets.map((t) => t.refId)).size, p.targets.length, `${file} panel ${p.id}: duplicate refIds`);
    }
    for (const [i, a] of d.panels.entries()) {
      for (const b of d.panels.slice(i + 1)) {
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        assert.ok(!overlap, `${file}: panels ${a.id} and ${b.id} overlap`);
      }
    }
  }
});

function promtoolCheck(exprs: string[], promtool: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mollifier-promtool-'));
  try {
    const rules = ['groups:', '  - name: dashboards', '    rules:', ...exprs.flatMap((expr, i) => [`      - record: mollifier:dashboard_query_${i}`, `        expr: ${JSON.stringify(expr)}`])].join('\n');
    writeFileSync(join(dir, 'rules.yml'), `${rules}\n`);
    const run = spawnSync(promtool, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const promtool = requireBinary('promtool');
test('every PromQL expression in dashboards/*.json passes promtool', { skip: 'skip' in promtool ? promtool.skip : false }, () => {
  const path = (promtool as { path: string }).path;
  assert.ok(queries.length >= 20);
  const good = promtoolCheck(queries.map((q) => concreteQuery(q.expr)), path);
  assert.equal(good.status, 0, good.output);
  // The check can fail: a broken expression is refused.
  assert.notEqual(promtoolCheck(['sum(rate(mollifier_sweep_jobs_ended_total[1m])'], path).status, 0);
});

const prometheus = requireBinary('prometheus');
test('a real Prometheus scrapes a real sweep: every dashboard query returns data; names and labels follow the conventions', { skip: 'skip' in prometheus ? prometheus.skip : false, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mollifier-prom-'));
  const [metricsPort, promPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'sweep.yaml'), 'name: observed\nseeds: 2\nbase: {pde: heat, grid: 12, epochs: 5, radius: 2, sample: 1}\nmatrix:\n  derivatives: [mollifier, autodiff]\n');
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: mollifier\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`);
  const sweep = new CliProcess(cli, ['sweep', 'run', join(dir, 'sweep.yaml'), '--store', join(dir, 'store.sqlite'), '--lanes', '2', '--metrics-port', String(metricsPort), '--linger', '90', '--no-table']);
  const server = spawn((prometheus as { path: string }).path, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
  const query = async (expr: string) => {
    const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; data?: { result: unknown[] }; error?: string };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data!.result;
  };
  try {
    await sweep.waitForLine(/sweep observed: 4 done/, 60_000);
    // Metrics exposition: our families are prefixed, counters end in _total, no job id is a label value.
    const exposition = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const families = [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
    assert.ok(families.length > 20);
    for (const f of families) {
      assert.ok(f.name.startsWith('mollifier_'), `${f.name} lacks the mollifier_ prefix`);
      if (f.type === 'counter') assert.ok(f.name.endsWith('_total'), `counter ${f.name} must end in _total`);
    }
    assert.doesNotMatch(exposition, /="[0-9a-f]{16}"/, 'a job id as a label value');
    const pending = new Map(queries.map((q) => [concreteQuery(q.expr), q]));
    const deadline = Date.now() + 60_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const expr of [...pending.keys()]) if ((await query(expr).catch(() => [])).length > 0) pending.delete(expr);
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.deepEqual([...pending.values()].map((q) => `${q.file} / ${q.panel}: ${q.expr}`), [], 'queries that returned no data');
    const corr = (await query('mollifier_job_param_corr{stat="mean"}')) as Array<{ metric: Record<string, string> }>;
    assert.deepEqual(corr.map((r) => r.metric.derivatives).sort(), ['autodiff', 'mollifier']);
  } finally {
    sweep.kill('SIGINT');
    server.kill('SIGTERM');
    await sweep.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
