// `mollifier report` of a sweep, by store or by spec, and `sweep run --report`: what the page holds for a store
// whose jobs sent artifacts and for one whose job did not, and bad input as one line and exit 2 with nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-report-sweep-'));
const run = (args: string[], cwd = work) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });

test('sweep run --report writes the page at the end and prints its path; report SPEC reads the same store', { timeout: 120_000 }, () => {
  // Two labels × two seeds send 32×32 artifacts; one more job sends none (artifact-grid 0).
  writeFileSync(join(work, 'art.yaml'), 'name: art\nseeds: 2\nbase: {kind: noop, duration-ms: 200, artifact-grid: 32}\nmatrix:\n  label: [a, b]\n  include:\n    - {label: bare, artifact-grid: 0}\n');
  const sweep = run(['sweep', 'run', 'art.yaml', '--report', 'art-report', '--no-table']);
  assert.equal(sweep.status, 0, sweep.stderr);
  assert.match(sweep.stdout, /report: art-report\/index\.html\n$/);
  const page = readFileSync(join(work, 'art-report', 'index.html'), 'utf8');
  for (const label of ['label=&quot;a&quot;', 'label=&quot;b&quot;', 'label=&quot;bare&quot;']) assert.ok(page.includes(label), `a section for ${label}`);
  // a and b: 9 maps (parameter, Laplacian, u: truth, recovered, error) and the seeds' losses each; bare: no fields.
  const files = readdirSync(join(work, 'art-report'));
  assert.equal(files.filter((f) => /^c\d{3}-.*-(true|recovered|error)\.svg$/.test(f)).length, 18);
  assert.equal(files.filter((f) => /^c\d{3}-loss\.svg$/.test(f)).length, 2);
  assert.match(page, /No fields for 2 completed runs: [0-9a-f]{16} \(none was sent/);
  for (const image of page.matchAll(/<img src="([^"]+)"/g)) assert.ok(files.includes(image[1]!), `${image[1]} exists`);
  const bySpec = run(['report', 'art.yaml', '--out', 'again']);
  assert.equal(bySpec.status, 0, bySpec.stderr);
  assert.deepEqual(readdirSync(join(work, 'again')).sort(), files.sort());
});

test('bad report input: one line naming the store, sweep or folder, exit 2, nothing written', { timeout: 60_000 }, () => {
  writeFileSync(join(work, 'one.yaml'), 'name: one\nseeds: 1\nbase: {kind: noop}\n');
  writeFileSync(join(work, 'two.yaml'), 'name: two\nseeds: 1\nbase: {kind: noop}\n');
  for (const spec of ['one.yaml', 'two.yaml']) assert.equal(run(['sweep', 'run', spec, '--store', 'both.sqlite', '--no-table']).status, 0);
  writeFileSync(join(work, 'a-file'), 'x');
  const cases: Array<[string[], RegExp]> = [
    [['report', '--store', 'missing.sqlite', '--out', 'out'], /missing\.sqlite/],
    [['report', '--store', 'both.sqlite', '--out', 'out'], /--store both\.sqlite holds 2 sweeps \(one, two\): name one with --sweep/],
    [['report', '--store', 'both.sqlite', '--sweep', 'three', '--out', 'out'], /--sweep three: not in both\.sqlite/],
    [['report', '--store', 'both.sqlite', '--sweep', 'one', '--sweep', 'two', '--out', 'out'], /one sweep per page/],
    [['report', 'never.yaml', '--out', 'out'], /never\.yaml/],
    [['report', '--store', 'both.sqlite', '--sweep', 'one'], /give --out DIR/],
    [['report', '--store', 'both.sqlite', '--sweep', 'one', '--out', 'a-file'], /--out a-file: is a file; give a folder/],
    [['sweep', 'run', 'one.yaml', '--store', 'both.sqlite', '--report', 'a-file'], /--report a-file: is a file; give a folder/],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = run(args);
    assert.equal(status, 2, `${args.join(' ')}: ${stderr}`);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, message);
  }
  assert.equal(existsSync(join(work, 'out')), false, 'no half-written report');
  const good = run(['report', '--store', 'both.sqlite', '--sweep', 'two', '--out', 'out']);
  assert.equal(good.status, 0, good.stderr);
  assert.match(readFileSync(join(work, 'out', 'index.html'), 'utf8'), /<h1>sweep two<\/h1>/);
});
