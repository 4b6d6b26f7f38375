// Early stopping as a user runs it: a sweep whose spec has an early-stop rule stops the job that trains worse than
// the others, records it `stopped` (not failed) and keeps it out of the statistics; a store made before jobs could
// be stopped is rebuilt on open, its rows kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { protocolVersion } from '../protocol/index.js';
import { ResultStore } from '../orchestrator/store.js';
import { groupStatistics } from '../orchestrator/statistics.js';
import { parseSpec } from '../orchestrator/spec.js';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'mollifier-early-stop-'));

test('a sweep with early-stop: the job whose loss is ten times the others\' is stopped, recorded stopped with the rule\'s reason, and kept out of the statistics', { timeout: 120_000 }, () => {
  const dir = tmp();
  const spec = join(dir, 'es.yaml');
  // Four jobs train alike; the fifth reports ten times their loss and runs longer, so the others' curves are there
  // when it passes after-epochs.
  writeFileSync(spec, 'name: es\nseeds: 1\nearly-stop: {after-epochs: 2, percentile: 50}\nbase: {kind: noop, duration-ms: 3000}\nmatrix:\n  label: [a, b, c, d]\n  include:\n    - {label: bad, loss-scale: 10, duration-ms: 9000}\n');
  const store = join(dir, 'es.sqlite');
  const run = spawnSync(process.execPath, [cli, 'sweep', 'run', spec, '--store', store, '--lanes', '5', '--no-table'], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'info' } });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const open = new ResultStore(store);
  try {
    const rows = open.jobs('es');
    const bad = rows.find((r) => (r.options as { label?: string }).label === 'bad')!;
    assert.equal(bad.status, 'stopped', `${bad.status}: ${bad.reason}`);
    assert.match(bad.reason ?? '', /^stopped early at epoch \d+: best loss [\d.e+-]+ worse than the 50th percentile [\d.e+-]+ of \d+ other jobs$/);
    assert.deepEqual(rows.filter((r) => r !== bad).map((r) => r.status), ['done', 'done', 'done', 'done']);
    assert.equal(open.counts('es').stopped, 1);
    const group = groupStatistics([bad])[0]!;
    assert.equal(group.n, 0, 'a stopped run is not a completed run');
    assert.equal(group.runs.stopped, 1);
  } finally {
    open.close();
  }
  assert.match(run.stderr, /1 stopped early/);
  const status = spawnSync(process.execPath, [cli, 'sweep', 'status', '--store', store], { encoding: 'utf8' });
  assert.match(status.stdout, /4 done, 0 failed, 0 diverged, 1 stopped early/);
});

test('regression: a store made before `stopped` existed (its CHECK refused it) is rebuilt on open with its rows, and takes a stopped result', () => {
  const path = join(tmp(), 'old.sqlite');
  const spec = parseSpec('name: s\nseeds: 1\nbase: {kind: noop}\n');
  const old = new Database(path);
  old.exec(`CREATE TABLE sweeps (name TEXT PRIMARY KEY, spec TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE jobs (sweep TEXT NOT NULL, id TEXT NOT NULL, grp TEXT NOT NULL, idx INTEGER NOT NULL, options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'diverged')), attempts INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 0, reason TEXT, metrics TEXT, host TEXT, lane TEXT, device TEXT, queued_at TEXT, started_at TEXT,
  finished_at TEXT, duration_s REAL, PRIMARY KEY (sweep, id));`);
  const job = spec.jobs[0]!;
  old.prepare("INSERT INTO sweeps (name, created_at, updated_at) VALUES ('s', 'x', 'x')").run();
  old.prepare("INSERT INTO jobs (sweep, id, grp, idx, options, status) VALUES ('s', ?, ?, 0, ?, 'running')").run(job.id, job.group, JSON.stringify(job.options));
  assert.throws(() => old.prepare("UPDATE jobs SET status = 'stopped'").run(), /CHECK constraint failed/);
  old.close();
  const store = new ResultStore(path);
  try {
    assert.deepEqual(store.jobs('s').map((r) => [r.id, r.status]), [[job.id, 'running']]);
    const ended = store.recordResult({
      v: protocolVersion, type: 'result', sweep: 's', run: '0123456789abcdef', job: job.id, ticket: '0'.repeat(32), status: 'stopped', reason: 'stopped early at epoch 3',
      metrics: null, attempt: 1, host: 'h', lane: 'cpu0', device: 'cpu', pid: 1, started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:01.000Z',
    });
    assert.equal(ended, true);
    assert.equal(store.statusOf('s', job.id), 'stopped');
  } finally {
    store.close();
  }
});
