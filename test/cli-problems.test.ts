import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-cli-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertBadInput(args: string[], message: RegExp, out?: string): void {
  const { code, stderr } = run(...args);
  assert.equal(code, 2, `${args.join(' ')} → exit ${code}: ${stderr}`);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${stderr}`);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(stderr, /\bat .*\.js:\d+/);
  if (out) assert.equal(existsSync(out), false, `${out} must not exist after a failure`);
}

test('simulate heat then estimate heat: D recovered with corr ≥ 0.95, CSV beside the JSON', () => {
  const data = join(work, 'heat');
  assert.equal(run('simulate', 'heat', '--case', 'smooth', '--grid', '48', '--out', data).code, 0);
  assert.deepEqual(readdirSync(data).sort(), ['fields.csv', 'meta.json']);
  const out = join(work, 'heat-estimate.json');
  const { code, stderr } = run('estimate', 'heat', '--data', data, '--radius', '3', '--out', out);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
  for (const key of ['mean', 'std', 'corr', 'corr_smoothed']) assert.equal(typeof report[key], 'number', key);
  assert.ok(report.corr! >= 0.95);
  const csv = readFileSync(join(work, 'heat-estimate.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'x,y,D_hat,D_true,D_true_smoothed');
  assert.equal(csv.length, 1 + 42 * 42);
});

test('simulate langevin with a --param-field sets the grid and the forcing from the file', () => {
  const file = join(work, 'forcing.csv');
  writeFileSync(file, ['t,F', ...Array.from({ length: 101 }, (_, i) => `${i * 0.05},${1 + Math.sin(i * 0.05)}`)].join('\n'));
  const data = join(work, 'langevin-file');
  const { code, stdout } = run('simulate', 'langevin', '--param-field', file, '--out', data);
  assert.equal(code, 0);
  assert.match(stdout, /langevin file, 101 nodes/);
  const meta = JSON.parse(readFileSync(join(data, 'meta.json'), 'utf8')) as { grid: { n: number; dt: number } };
  assert.equal(meta.grid.n, 101);
  assert.ok(Math.abs(meta.grid.dt - 0.05) < 1e-12);
});

test('bad simulate and estimate input exits 2 with one line naming the file, line or value, writing nothing', () => {
  const out = join(work, 'never');
  assertBadInput(['simulate', 'wave', '--out', out], /'wave' is not a problem: expected langevin, heat, rd, decay \(load your own with --problems DIR\)/, out);
  assertBadInput(['simulate', 'heat', '--case', 'wavy', '--out', out], /unknown heat case 'wavy'/, out);
  assertBadInput(['simulate', 'heat', '--grid', '4', '--out', out], /grid 4 is too small/, out);
  assertBadInput(['simulate', 'rd', '--grid', '6', '--out', out], /grid 6 is too small/, out);
  assertBadInput(['simulate', 'rd', '--k', '-1', '--out', out], /k must be ≥ 0.*-1/, out);
  const negativeD = join(work, 'd.csv');
  writeFileSync(negativeD, 'x,y,D\n0,0,1\n1,0,1\n0,1,-2\n1,1,1\n');
  assertBadInput(['simulate', 'heat', '--param-field', negativeD, '--out', out], /d\.csv line 4: D = -2, but heat needs D > 0/, out);
  const negativeK = join(work, 'k.csv');
  writeFileSync(negativeK, 'x,y,k\n0,0,1\n1,0,-0.5\n0,1,1\n1,1,1\n');
  assertBadInput(['simulate', 'rd', '--param-field', negativeK, '--out', out], /k\.csv line 3: k = -0\.5/, out);

  const broken = join(work, 'broken');
  assert.equal(run('simulate', 'heat', '--grid', '8', '--out', broken).code, 0);
  const fields = join(broken, 'fields.csv');
  const lines = readFileSync(fields, 'utf8').trim().split('\n');
  const estimateOut = join(work, 'broken-estimate.json');
  writeFileSync(fields, [lines[0]!.replace(',D', ''), ...lines.slice(1)].join('\n'));
  assertBadInput(['estimate', 'heat', '--data', broken, '--out', estimateOut], /fields\.csv line 1: missing column 'D'/, estimateOut);
  writeFileSync(fields, [lines[0]!, lines[1]!, lines[2]!.replace(/,[^,]+$/, ',NaN'), ...lines.slice(3)].join('\n'));
  assertBadInput(['estimate', 'heat', '--data', broken, '--out', estimateOut], /fields\.csv line 3: NaN in column 'f'/, estimateOut);
  writeFileSync(fields, [lines[0]!, lines[1]!, lines[2]!.replace(/^[^,]+/, '0.0123'), ...lines.slice(3)].join('\n'));
  assertBadInput(['estimate', 'heat', '--data', broken, '--out', estimateOut], /fields\.csv line \d+: .*(not on a regular grid|not uniform|duplicate|no row)/, estimateOut);
  assertBadInput(['estimate', 'heat', '--out', estimateOut], /give the data/, estimateOut);
  assertBadInput(['estimate', 'heat', '--data', join(work, 'heat'), '--family', 'gauss', '--out', estimateOut], /unknown kernel family 'gauss'/, estimateOut);
  assertBadInput(['estimate', 'heat', '--data', join(work, 'heat'), '--radius', '40', '--out', estimateOut], /too few for radius 40/, estimateOut);
});
