// A user's own PDE, as a user brings it: a module in a folder named with --problems. Before, `pde` was one of three
// names, a fourth problem took edits in eight files, and nothing could load one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problemModulesIn, type ProblemModule } from '../protocol/index.js';
import { parseSpec, SpecError } from '../orchestrator/spec.js';
import { checkProblemValue, loadProblem } from '../mollifier/problems/index.js';
import { ProblemError } from '../mollifier/pdes/types.js';
import { Lane } from '../worker/lane.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'mollifier');
const examples = join(root, 'examples', 'problems');
const work = mkdtempSync(join(tmpdir(), 'mollifier-user-problems-'));
// As in a user's project: the package installed beside their modules, which import it by name.
mkdirSync(join(work, 'node_modules'));
symlinkSync(root, join(work, 'node_modules', 'mollifier-layers'), 'dir');

function run(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLine(result: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.match(lines[0]!, message);
}

/** A folder holding a copy of the example, which a test may edit. */
function problemsCopy(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(examples, 'divergence-heat.mjs'), join(dir, 'divergence-heat.mjs'));
  return dir;
}

test('problem folders: every .mjs/.js file is a problem named after it, fingerprinted; clashes and bad names are one line each', () => {
  const [module] = problemModulesIn([examples]);
  assert.equal(module!.name, 'divergence-heat');
  assert.match(module!.digest, /^[0-9a-f]{64}$/);
  const bad = (dir: string, file: string, message: RegExp) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), 'export default {};\n');
    assert.throws(() => problemModulesIn([dir]), message);
  };
  bad(join(work, 'upper'), 'Wave.mjs', /Wave\.mjs is not named after a problem \(lower-case letters/);
  bad(join(work, 'builtin'), 'heat.mjs', /heat\.mjs would replace the built-in problem heat/);
  assert.throws(() => problemModulesIn([examples, problemsCopy('twice')]), /names the problem divergence-heat, which .* already defines/);
  assert.throws(() => problemModulesIn([join(work, 'absent')]), /--problems .*absent: no such folder/);
});

test('a problem value is checked field by field: the first bad one is named with the module', async () => {
  const good = await loadProblem(join(examples, 'divergence-heat.mjs'), { name: 'divergence-heat' });
  const broken = (patch: Record<string, unknown>) => () => checkProblemValue({ ...good, ...patch }, 'mine.mjs');
  assert.throws(broken({ residual: 3 }), (e: Error) => e instanceof ProblemError && /mine\.mjs: problem\.residual is 3, expected a function/.test(e.message));
  assert.throws(broken({ derivatives: { u: ['value', 'dz'] } }), /problem\.derivatives\.u is \["value","dz"\], expected a list of 2D operators/);
  assert.throws(broken({ derivatives: { u: ['laplacian'] } }), /problem\.derivatives\.u .* expected a list starting with 'value'/);
  assert.throws(broken({ defaults: { ...good.defaults, fourierBand: [2, 1] } }), /problem\.defaults\.fourierBand is \[2,1\], expected \[min, max\]/);
  assert.throws(() => checkProblemValue(good, 'mine.mjs', 'mine'), /problem\.name is "divergence-heat", expected 'mine' \(the module's file name\)/);
  const syntax = join(work, 'syntax');
  mkdirSync(syntax);
  writeFileSync(join(syntax, 'oops.mjs'), 'export default {\n');
  await assert.rejects(loadProblem(join(syntax, 'oops.mjs')), /oops\.mjs: cannot load the problem module/);
});

test('train --problems DIR trains the example problem (a module importing the package by name); an unknown name is one line, exit 2', () => {
  const out = join(work, 'train.json');
  const ok = run(['train', '--pde', 'divergence-heat', '--problems', examples, '--grid', '16', '--epochs', '5', '--radius', '2', '--out', out]);
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { status: string; config: { pde: string; estimate: string; problem?: unknown }; metrics: { param_corr: number; laplacian_corr: number | null } };
  assert.equal(result.status, 'completed');
  assert.equal(result.config.pde, 'divergence-heat');
  assert.equal(result.config.estimate, 'direct', 'no separable estimate: the parameter head is scored');
  assert.equal(result.config.problem, undefined, 'the result records the name, not the value');
  assert.equal(typeof result.metrics.param_corr, 'number');
  assertOneLine(run(['train', '--pde', 'divergence-heat', '--epochs', '5', '--out', join(work, 'no.json')]), 2, /'divergence-heat' is not a problem: expected langevin, heat, rd, decay \(load your own with --problems DIR\)/);
  assertOneLine(run(['train', '--pde', 'divergence-heat', '--problems', examples, '--estimate', 'separable', '--epochs', '5', '--out', join(work, 'no.json')]), 2, /estimate 'separable': divergence-heat has no separable estimate/);
  const syntax = join(work, 'broken-train');
  mkdirSync(syntax);
  writeFileSync(join(syntax, 'wave.mjs'), 'export default { name: "wave" };\n');
  assertOneLine(run(['train', '--pde', 'wave', '--problems', syntax, '--out', join(work, 'no.json')]), 2, /wave\.mjs: problem\.dims is undefined, expected 1 or 2/);
  assert.equal(existsSync(join(work, 'no.json')), false);
});

test('simulate writes the problem\'s own instance files, and train --data reads them back', () => {
  const data = join(work, 'instance');
  const simulated = run(['simulate', 'divergence-heat', '--problems', examples, '--grid', '16', '--seed', '3', '--out', data]);
  assert.equal(simulated.code, 0, simulated.stderr);
  const meta = JSON.parse(readFileSync(join(data, 'meta.json'), 'utf8')) as { problem: string; fields: string[] };
  assert.deepEqual([meta.problem, meta.fields], ['divergence-heat', ['u', 'D', 'f']]);
  const out = join(work, 'from-data.json');
  const trained = run(['train', '--pde', 'divergence-heat', '--problems', examples, '--data', data, '--epochs', '3', '--radius', '2', '--out', out]);
  assert.equal(trained.code, 0, trained.stderr);
  assertOneLine(run(['simulate', 'divergence-heat', '--problems', examples, '--noise', '0.1', '--out', join(work, 'noisy')]), 2, /divergence-heat: noise does not apply/);
});

test('a spec may name the problem only where the orchestrator was given its folder; the module\'s bytes are part of every id', () => {
  const spec = 'name: own\nseeds: 2\nbase: {pde: divergence-heat, epochs: 5}\n';
  assert.throws(() => parseSpec(spec, 'own.yaml'), (e: Error) => e instanceof SpecError && /job 1\.pde: 'divergence-heat' is not a problem: expected langevin, heat, rd, decay \(load your own with --problems DIR\)/.test(e.message));
  const dir = problemsCopy('ids');
  const first = parseSpec(spec, 'own.yaml', { problems: problemModulesIn([dir]) });
  assert.equal(first.jobs.length, 2);
  assert.match(first.jobs[0]!.inputs?.problem ?? '', /^[0-9a-f]{64}$/);
  const file = join(dir, 'divergence-heat.mjs');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n// an edit\n`);
  const edited = parseSpec(spec, 'own.yaml', { problems: problemModulesIn([dir]) });
  assert.notEqual(edited.jobs[0]!.id, first.jobs[0]!.id, 'an edited module makes new jobs');
  assert.notEqual(edited.jobs[0]!.group, first.jobs[0]!.group);
});

test('a worker runs a problem only from its operator\'s folder, and only with the bytes the sweep was planned with', async () => {
  const dir = problemsCopy('worker');
  const [module] = problemModulesIn([dir]) as [ProblemModule];
  const options = { kind: 'train', pde: 'divergence-heat', grid: 12, epochs: 2, radius: 2, model: 'pinn', derivatives: 'mollifier', family: 'bump', 'obs-noise': 0, sample: 0.3, lr: 1e-3, seed: 0, preset: 'cpu' } as const;
  const bare = new Lane({ name: 'cpu0', device: 'cpu', slots: 1 });
  const withProblems = new Lane({ name: 'cpu1', device: 'cpu', slots: 1, problems: [module] });
  try {
    const refused = await bare.run(options, () => undefined, { inputs: { problem: module.digest } });
    assert.equal(refused.status, 'failed');
    assert.match(refused.reason!, /problem 'divergence-heat' is not loaded on this worker/);
    const ran = await withProblems.run(options, () => undefined, { inputs: { problem: module.digest } });
    assert.equal(ran.status, 'completed', ran.reason);
    writeFileSync(module.file, `${readFileSync(module.file, 'utf8')}\n// changed after planning\n`);
    const changed = await withProblems.run(options, () => undefined, { inputs: { problem: module.digest } });
    assert.equal(changed.status, 'failed');
    assert.match(changed.reason!, /differs from the module the sweep was planned with/);
  } finally {
    await Promise.all([bare.close(), withProblems.close()]);
  }
});

test('sweep run --problems: the embedded sweep runs the user\'s problem; without the folder the spec is refused before any work', () => {
  const spec = join(work, 'own-sweep.yaml');
  writeFileSync(spec, 'name: own-sweep\nseeds: 2\nbase: {pde: divergence-heat, grid: 12, epochs: 3, radius: 2}\n');
  const store = join(work, 'own-sweep.sqlite');
  assertOneLine(run(['sweep', 'run', spec, '--store', store]), 2, /'divergence-heat' is not a problem/);
  assert.equal(existsSync(store), false);
  const ran = run(['sweep', 'run', spec, '--store', store, '--problems', examples, '--lanes', '2', '--no-table']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout + ran.stderr, /2 done|done 2/);
});
