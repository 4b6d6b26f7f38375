#!/usr/bin/env node
// What keeping every job's artifact costs: a sweep is run into a fresh store on the embedded default, then
// `report --store` reads it back. Prints the store's size (the artifacts' share apart), bytes per job and the
// report's wall time as a Markdown row for docs/benchmarks.md.
//   node bench/store-artifacts.mjs noop [JOBS] [GRID]   # JOBS no-op jobs (default 2000), each an n×n artifact (default 64)
//   node bench/store-artifacts.mjs spec FILE            # a real sweep (e.g. bench/sweep/artifacts-20.yaml)
// Run after `npm run build`, alone on the machine (the report time is wall time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const cli = fileURLToPath(new URL('../bin/mollifier', import.meta.url));
const [mode = 'noop', a, b] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'mollifier-store-bench-'));
let spec = a;
if (mode === 'noop') {
  const jobs = Number(a ?? 2000);
  const grid = Number(b ?? 64);
  spec = join(dir, 'noop.yaml');
  // 20 seeds × jobs/20 labels: each seed's truths are shared by its labels, as a real sweep's instances are.
  writeFileSync(spec, `name: store-bench\nseeds: 20\nbase: {kind: noop, duration-ms: 0, artifact-grid: ${grid}}\nmatrix:\n  label: [${Array.from({ length: Math.ceil(jobs / 20) }, (_, i) => i).join(', ')}]\n`);
} else if (mode !== 'spec' || !spec) {
  process.stderr.write('usage: node bench/store-artifacts.mjs noop [JOBS] [GRID] | spec FILE\n');
  process.exit(2);
}
const store = join(dir, 'store.sqlite');
const timed = (args) => {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${args.join(' ')}: exit ${run.status}\n${run.stderr.slice(-2000)}`);
  return (performance.now() - started) / 1000;
};
const sweepSeconds = timed(['sweep', 'run', spec, '--store', store, '--no-table']);
const db = new Database(store);
db.pragma('wal_checkpoint(TRUNCATE)');
const jobs = db.prepare("SELECT COUNT(*) AS n, SUM(status = 'done') AS done FROM jobs").get();
const artifacts = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(wire_bytes), 0) AS wire FROM artifacts WHERE problem IS NULL').get();
const blobs = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM blobs').get();
const grid = JSON.parse(db.prepare('SELECT grid FROM artifacts WHERE grid IS NOT NULL LIMIT 1').get()?.grid ?? 'null');
db.close();
const storeBytes = statSync(store).size;
const out = join(dir, 'report');
const reportSeconds = timed(['report', '--store', store, '--out', out]);
const reportBytes = readdirSync(out).reduce((sum, name) => sum + statSync(join(out, name)).size, 0);
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const nodes = grid ? (grid.dims === 1 ? `${grid.n}` : `${grid.nx}×${grid.ny}`) : '–';
process.stdout.write(`| sweep | jobs (done) | grid | store | of it: arrays (blobs) | per job | sent per job (deflated) | sweep wall | report wall | report size |\n|---|---|---|---|---|---|---|---|---|---|\n`);
process.stdout.write(`| ${mode === 'noop' ? 'no-op' : spec} | ${jobs.n} (${jobs.done}) | ${nodes} | ${mib(storeBytes)} MiB | ${mib(blobs.bytes)} MiB (${blobs.n}) | ${(storeBytes / jobs.n / 1024).toFixed(1)} KiB | ${(artifacts.wire / Math.max(1, artifacts.n) / 1024).toFixed(1)} KiB | ${sweepSeconds.toFixed(0)} s | ${reportSeconds.toFixed(1)} s | ${mib(reportBytes)} MiB |\n`);
process.stdout.write(`(store ${store}; report ${out})\n`);
