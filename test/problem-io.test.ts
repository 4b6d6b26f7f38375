// Data I/O of problem instances: instance directories, COMSOL/STORM exports, --param-field files.
import { test } from 'node:test';
import { uniformGenerator } from '../mollifier/pdes/random.js';
import { builtinProblems } from '../mollifier/problems/builtin.js';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProblemError, type Grid2d, type ProblemInstance } from '../mollifier/pdes/types.js';
import {
  readComsolField,
  readInstance,
  readParamField,
  readStormField,
  writeInstance,
  type ComsolField,
} from '../mollifier/io/index.js';

const dataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'problem-io-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function shuffle<T>(items: T[], seed: number): T[] {
  const next = uniformGenerator(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Values that stress text round-trips: thirds, subnormals, extremes, negative zero. */
function awkward(n: number, seed: number): Float64Array {
  const next = uniformGenerator(seed);
  const special = [1 / 3, -0, 5e-324, 1.7976931348623157e308, -2.2250738585072014e-308, 0.1 + 0.2, 1e21, 123456789.12345679];
  return Float64Array.from({ length: n }, (_, k) => special[k] ?? (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20));
}

function heatInstance(nx = 4, ny = 3): ProblemInstance {
  const size = nx * ny;
  return {
    problem: 'heat',
    case: 'smooth',
    grid: { dims: 2, nx, ny, x0: 0, y0: 0, hx: 0.1, hy: 0.25, periodic: true },
    fields: { u: awkward(size, 1), D: Float64Array.from({ length: size }, (_, k) => 1 + k / 7), f: awkward(size, 3) },
    parameters: { noise: 0.01, solver: 'cg', converged: true, residual: null },
    seed: 42,
  };
}

function langevinInstance(n = 9): ProblemInstance {
  return {
    problem: 'langevin',
    case: 'constant',
    grid: { dims: 1, n, t0: 0.5, dt: 0.01 },
    fields: { v: awkward(n, 4), F: Float64Array.from({ length: n }, (_, k) => -k * 0.3) },
    parameters: { gamma: 1.5 },
    seed: 7,
  };
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function assertSameInstance(actual: ProblemInstance, expected: ProblemInstance): void {
  assert.deepEqual({ ...actual, fields: Object.keys(actual.fields) }, { ...expected, fields: Object.keys(expected.fields) });
  for (const name of Object.keys(expected.fields)) assert.ok(sameBits(actual.fields[name]!, expected.fields[name]!), `field ${name} bit-exact`);
}

/** The call throws a ProblemError whose message matches `pattern`. */
function assertProblem(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

/** Writes the heat instance, lets `edit` change fields.csv lines (line 1 = header at index 0) and meta, returns the dir. */
function editedHeat(root: string, edit: { lines?: (lines: string[]) => string[]; meta?: (meta: Record<string, any>) => void }): string {
  const dir = join(root, `case-${Math.random().toString(36).slice(2)}`);
  writeInstance(dir, heatInstance());
  const csv = join(dir, 'fields.csv');
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  if (edit.lines) writeFileSync(csv, `${edit.lines(lines).join('\n')}\n`);
  if (edit.meta) {
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, any>;
    edit.meta(meta);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  }
  return dir;
}

/** Replaces column `column` of file line `line` (1-based) by `value`. */
function setCell(line: number, column: number, value: string) {
  return (lines: string[]) => lines.map((text, k) => (k + 1 === line ? text.split(',').map((c, i) => (i === column ? value : c)).join(',') : text));
}

test('a 2D instance round-trips write→read bit-exact, with meta.json as documented', (t) => {
  const root = scratch(t);
  const instance = heatInstance();
  writeInstance(join(root, 'heat'), instance);
  assert.deepEqual(readdirSync(root), ['heat']);
  assert.deepEqual(readdirSync(join(root, 'heat')).sort(), ['fields.csv', 'meta.json']);
  assertSameInstance(readInstance(join(root, 'heat')), instance);
  const meta = JSON.parse(readFileSync(join(root, 'heat', 'meta.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(meta), ['problem', 'case', 'parameters', 'grid', 'seed', 'version', 'fields', 'createdBy']);
  assert.equal(meta.version, 1);
  assert.deepEqual(meta.fields, ['u', 'D', 'f']);
  assert.match(String(meta.createdBy), /^mollifier-layers \d+\.\d+\.\d+/);
  const csv = readFileSync(join(root, 'heat', 'fields.csv'), 'utf8').split('\n');
  assert.equal(csv[0], 'x,y,u,D,f');
  assert.match(csv[2]!, /^0\.1,0,/, 'row-major: x varies fastest');
});

test('a 1D instance round-trips write→read bit-exact', (t) => {
  const root = scratch(t);
  const instance = langevinInstance();
  writeInstance(join(root, 'lv'), instance);
  assert.equal(readFileSync(join(root, 'lv', 'fields.csv'), 'utf8').split('\n')[0], 't,v,F');
  assertSameInstance(readInstance(join(root, 'lv')), instance);
});

test('rows in any order read back in row-major order', (t) => {
  const root = scratch(t);
  const dir = editedHeat(root, { lines: ([header, ...rows]) => [header!, ...shuffle(rows, 11)] });
  assertSameInstance(readInstance(dir), heatInstance());
  const lv = join(root, 'lv');
  writeInstance(lv, langevinInstance());
  const [header, ...rows] = readFileSync(join(lv, 'fields.csv'), 'utf8').trimEnd().split('\n');
  writeFileSync(join(lv, 'fields.csv'), [header, ...shuffle(rows, 5)].join('\n'));
  assertSameInstance(readInstance(lv), langevinInstance());
});

test('malformed cells are named by file, line and column', (t) => {
  const root = scratch(t);
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(5, 3, 'abc') })), /fields\.csv line 5: column 'D' is 'abc', not a number/);
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(7, 2, 'NaN') })), /fields\.csv line 7: NaN in column 'u'/);
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(4, 4, 'Infinity') })), /fields\.csv line 4: Infinity in column 'f'/);
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(4, 4, '-inf') })), /fields\.csv line 4: -Infinity in column 'f'/);
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(6, 0, '1e999') })), /fields\.csv line 6: column 'x' is '1e999', which overflows/);
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(8, 2, '') })), /fields\.csv line 8: column 'u' is empty/);
  const short = (lines: string[]) => lines.map((text, k) => (k + 1 === 9 ? text.split(',').slice(0, 4).join(',') : text));
  assertProblem(() => readInstance(editedHeat(root, { lines: short })), /fields\.csv line 9: 4 values, the header has 5 columns \(x,y,u,D,f\)/);
});

test('missing, unknown and duplicate columns are named with the expected ones', (t) => {
  const root = scratch(t);
  const dropD = (lines: string[]) => lines.map((text) => text.split(',').filter((_, i) => i !== 3).join(','));
  assertProblem(() => readInstance(editedHeat(root, { lines: dropD })), /fields\.csv line 1: missing column 'D' \(expected columns x,y,u,D,f; found x,y,u,f\)/);
  const renameF = (lines: string[]) => [lines[0]!.replace(',f', ',z'), ...lines.slice(1)];
  assertProblem(() => readInstance(editedHeat(root, { lines: renameF })), /fields\.csv line 1: unexpected column 'z' \(expected columns x,y,u,D,f/);
  const twice = (lines: string[]) => [lines[0]!.replace(',f', ',u'), ...lines.slice(1)];
  assertProblem(() => readInstance(editedHeat(root, { lines: twice })), /fields\.csv line 1: column 'u' appears twice/);
});

test('duplicate, missing, extra and off-grid rows are named by line and coordinate', (t) => {
  const root = scratch(t);
  // 4×3 grid, x = 0, 0.1, 0.2, 0.3 (fastest), y = 0, 0.25, 0.5; data rows on lines 2..13.
  assertProblem(() => readInstance(editedHeat(root, { lines: (l) => [...l, l[2]!] })), /fields\.csv line 14: duplicate point \(x = 0\.1, y = 0\), also at line 3/);
  assertProblem(
    () => readInstance(editedHeat(root, { lines: (l) => l.filter((_, k) => k + 1 !== 8) })),
    /fields\.csv: 11 data rows, not nx·ny = 4×3 = 12: no row for point \(x = 0\.2, y = 0\.25\)/,
  );
  assertProblem(() => readInstance(editedHeat(root, { lines: setCell(8, 0, '0.25') })), /fields\.csv line 8: point \(x = 0\.25, y = 0\.25\) is not on a regular grid/);
  const extra = (l: string[]) => [...l, '0.35,0.5,1,1,1'];
  assertProblem(() => readInstance(editedHeat(root, { lines: extra })), /fields\.csv line 14: point \(x = 0\.35, y = 0\.5\) is not on a regular grid/);
  const tiny = (l: string[]) => setCell(10, 1, String(0.5 + 1e-4))(l);
  assertProblem(() => readInstance(editedHeat(root, { lines: tiny })), /fields\.csv line 10: point \(x = 0, y = 0\.5001\) is not on a regular grid/);
});

test('non-uniform spacing is named by line and gap', (t) => {
  const root = scratch(t);
  const stretch = (lines: string[]) => lines.map((text) => text.replace(/^0\.30000000000000004,/, '0.35,'));
  assertProblem(() => readInstance(editedHeat(root, { lines: stretch })), /fields\.csv line 5: x spacing is not uniform: gap 0\.149+7 between x = 0\.2 and x = 0\.35, while the median gap is 0\.1 /);
  const lv = join(root, 'lv');
  writeInstance(lv, langevinInstance());
  const csv = join(lv, 'fields.csv');
  writeFileSync(csv, readFileSync(csv, 'utf8').replace(/^0\.55,/m, '0.555,'));
  assertProblem(() => readInstance(lv), /fields\.csv line 7: t spacing is not uniform/);
  writeFileSync(csv, `${readFileSync(csv, 'utf8')}0.5,1,2\n`);
  assertProblem(() => readInstance(lv), /fields\.csv line 11: duplicate t = 0\.5 \(also at line 2\)/);
});

test('meta.json problems: unknown problem, grid mismatch, version, fields, JSON, missing file', (t) => {
  const root = scratch(t);
  assertProblem(() => readInstance(editedHeat(root, { meta: (m) => (m.problem = 'wave') })), /meta\.json: unknown problem 'wave' \(expected langevin, heat, rd, decay\)/);
  assertProblem(
    () => readInstance(editedHeat(root, { meta: (m) => (m.grid.hx = 0.2) })),
    /fields\.csv: grid does not match .*meta\.json: .*meta\.json has hx = 0\.2, the x spacing in .*fields\.csv is 0\.1/,
  );
  assertProblem(
    () => readInstance(editedHeat(root, { meta: (m) => (m.grid.nx = 3) })),
    /grid does not match .*meta\.json has nx = 3, .*fields\.csv has 4 distinct x values .*\(12 data rows, .*meta\.json grid has 9 nodes\)/,
  );
  assertProblem(() => readInstance(editedHeat(root, { meta: (m) => (m.grid.y0 = 1) })), /meta\.json has y0 = 1, the smallest y in .*fields\.csv is 0/);
  assertProblem(() => readInstance(editedHeat(root, { meta: (m) => (m.grid.ny = 2.5) })), /meta\.json: grid\.ny is 2\.5, expected an integer ≥ 2/);
  assertProblem(() => readInstance(editedHeat(root, { meta: (m) => (m.version = 2) })), /meta\.json: version 2 is not supported/);
  assertProblem(() => readInstance(editedHeat(root, { meta: (m) => (m.fields = ['u', 'D']) })), /meta\.json: fields is \["u","D"\], problem 'heat' has fields/);
  assertProblem(() => readInstance(editedHeat(root, { meta: (m) => (m.parameters = { bad: [1] }) })), /meta\.json: parameters\.bad is \[1\]/);
  const dir = editedHeat(root, {});
  writeFileSync(join(dir, 'meta.json'), '{"problem": ');
  assertProblem(() => readInstance(dir), /meta\.json: not valid JSON/);
  rmSync(join(dir, 'meta.json'));
  assertProblem(() => readInstance(dir), /meta\.json: cannot read .*no such file/);
});

test('a failed write leaves neither the output directory nor a temporary one', (t) => {
  const root = scratch(t);
  const bad = heatInstance();
  bad.fields.D = new Float64Array(11);
  assertProblem(() => writeInstance(join(root, 'out'), bad), /field 'D' has 11 values, the 4×3 grid needs 12/);
  assert.deepEqual(readdirSync(root), []);
  // A non-finite value is found while fields.csv is being written, after the temporary directory exists.
  const nan = heatInstance();
  nan.fields.f![5] = Number.NaN;
  assertProblem(() => writeInstance(join(root, 'out'), nan), /f\[5\] is NaN; fields must be finite/);
  assert.deepEqual(readdirSync(root), []);
  // Failing over an existing instance leaves the old one in place.
  writeInstance(join(root, 'out'), langevinInstance());
  assertProblem(() => writeInstance(join(root, 'out'), nan), /f\[5\] is NaN/);
  assert.deepEqual(readdirSync(root), ['out']);
  assertSameInstance(readInstance(join(root, 'out')), langevinInstance());
});

test('writing replaces an existing instance directory, never an unrelated one', (t) => {
  const root = scratch(t);
  const out = join(root, 'out');
  writeInstance(out, langevinInstance());
  writeInstance(out, heatInstance());
  assertSameInstance(readInstance(out), heatInstance());
  assert.deepEqual(readdirSync(root), ['out']);
  const other = join(root, 'notes');
  mkdirSync(other);
  writeFileSync(join(other, 'thesis.tex'), 'keep me');
  assertProblem(() => writeInstance(other, heatInstance()), /notes: exists and holds thesis\.tex, not just an instance's meta\.json and fields\.csv; not replacing it/);
  assert.equal(readFileSync(join(other, 'thesis.tex'), 'utf8'), 'keep me');
  const empty = join(root, 'empty');
  mkdirSync(empty);
  writeInstance(empty, heatInstance());
  assertSameInstance(readInstance(empty), heatInstance());
  assert.deepEqual(readdirSync(root).sort(), ['empty', 'notes', 'out']);
});

test('--param-field files: grid inferred, positivity checked by line and value', (t) => {
  const root = scratch(t);
  const file = join(root, 'D.csv');
  const rows = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) rows.push(`${j * 0.5},${i * 0.5},${1 + i * 4 + j}`);
  writeFileSync(file, ['x,y,D', ...shuffle(rows, 3)].join('\n'));
  const field = readParamField(file, builtinProblems.heat);
  assert.deepEqual(field.grid, { dims: 2, nx: 4, ny: 3, x0: 0, y0: 0, hx: 0.5, hy: 0.5, periodic: false });
  assert.deepEqual(Array.from(field.values), Array.from({ length: 12 }, (_, k) => 1 + k));
  writeFileSync(file, ['x,y,D', ...rows.slice(0, 2), '1,0,-1', ...rows.slice(3)].join('\n'));
  assertProblem(() => readParamField(file, builtinProblems.heat), /D\.csv line 4: D = -1, but heat needs D > 0/);
  writeFileSync(file, ['x,y,D', ...rows.slice(0, 2), '1,0,0', ...rows.slice(3)].join('\n'));
  assertProblem(() => readParamField(file, builtinProblems.heat), /D\.csv line 4: D = 0, but heat needs D > 0/);
  const k = join(root, 'k.csv');
  writeFileSync(k, ['x,y,k', '0,0,0', '1,0,0.5', '0,1,1', '1,1,2'].join('\n'));
  assert.deepEqual(Array.from(readParamField(k, builtinProblems.rd).values), [0, 0.5, 1, 2]);
  assertProblem(() => readParamField(k, builtinProblems.heat), /k\.csv line 1: unexpected column 'k' \(expected columns x,y,D; found x,y,k\)/);
  writeFileSync(k, ['x,y,k', '0,0,0', '1,0,-0.5', '0,1,1', '1,1,2'].join('\n'));
  assertProblem(() => readParamField(k, builtinProblems.rd), /k\.csv line 3: k = -0\.5, but rd needs k ≥ 0/);
  const F = join(root, 'F.csv');
  writeFileSync(F, ['t,F', '0.2,-3', '0,-1', '0.1,-2'].join('\n'));
  const force = readParamField(F, builtinProblems.langevin);
  assert.deepEqual(force.grid, { dims: 1, n: 3, t0: 0, dt: 0.1 });
  assert.deepEqual(Array.from(force.values), [-1, -2, -3]);
  assertProblem(() => readParamField(join(root, 'absent.csv'), builtinProblems.rd), /absent\.csv: cannot read --param-field file \(x,y,k\): no such file/);
});

/** A COMSOL-like export of v on an (n+1)×(n+1) grid over [0, L]², rows shuffled, coordinates with ~1e-13 noise. */
function syntheticComsol(n: number, L: number, v: (x: number, y: number) => number): string {
  const next = uniformGenerator(9);
  const rows: string[] = [];
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      const noise = () => (i === 0 || i === n || next() < 0.3 ? 0 : (next() - 0.5) * 2e-13);
      const x = j === 0 || j === n ? (j * L) / n : (j * L) / n + noise();
      const y = i === 0 || i === n ? (i * L) / n : (i * L) / n + noise();
      rows.push(`${x.toString().padEnd(26)}${y.toString().padEnd(25)}${v((j * L) / n, (i * L) / n)}`);
    }
  }
  const header = ['% Model:              test.mph', '% Dimension:          2', `% Nodes:              ${(n + 1) ** 2}`, '% Expressions:        1'];
  return [...header, '% X                       Y                        Dependent variable Phiw', ...shuffle(rows, 2)].join('\n') + '\n';
}

test('COMSOL reader drops a repeated periodic edge and keeps a non-repeating one', (t) => {
  const root = scratch(t);
  const periodic = join(root, 'periodic.txt');
  const wave = (x: number, y: number) => 0.5 + 0.2 * Math.sin((2 * Math.PI * x) / 2) * Math.cos((2 * Math.PI * y) / 2);
  writeFileSync(periodic, syntheticComsol(8, 2, wave));
  const field = readComsolField(periodic);
  assert.equal(field.droppedPeriodicEdge, true);
  assert.deepEqual(field.repeatedEdges, { x: true, y: true });
  assert.equal(field.variable, 'Dependent variable Phiw');
  const g = field.grid;
  assert.deepEqual([g.nx, g.ny, g.x0, g.y0, g.hx, g.hy, g.periodic], [8, 8, 0, 0, 0.25, 0.25, true]);
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) assert.equal(field.values[i * 8 + j], wave(j * 0.25, i * 0.25));

  const kept = readComsolField(periodic, { periodicEdge: 'keep' });
  assert.deepEqual([kept.grid.nx, kept.grid.ny, kept.grid.periodic, kept.droppedPeriodicEdge], [9, 9, false, false]);

  const open = join(root, 'open.txt');
  writeFileSync(open, syntheticComsol(4, 1, (x, y) => x + 10 * y));
  const plain = readComsolField(open);
  assert.equal(plain.droppedPeriodicEdge, false);
  assert.deepEqual(plain.repeatedEdges, { x: false, y: false });
  assert.deepEqual([plain.grid.nx, plain.grid.ny, plain.grid.periodic], [5, 5, false]);
  const forced = readComsolField(open, { periodicEdge: 'drop' });
  assert.deepEqual([forced.grid.nx, forced.grid.ny, forced.grid.periodic, forced.droppedPeriodicEdge], [4, 4, true, true]);
  assert.deepEqual(Array.from(forced.values.subarray(0, 4)), [0, 0.25, 0.5, 0.75]);

  const lines = readFileSync(open, 'utf8').split('\n');
  lines[11] = '0.5 0.5 abc';
  writeFileSync(open, lines.join('\n'));
  assertProblem(() => readComsolField(open), /open\.txt line 12: column 'value' is 'abc', not a number/);
  lines[11] = '0.5 0.5';
  writeFileSync(open, lines.join('\n'));
  assertProblem(() => readComsolField(open), /open\.txt line 12: 2 values, expected 3 \(X Y value\)/);
  writeFileSync(open, lines.filter((_, k) => k !== 11).join('\n'));
  assertProblem(() => readComsolField(open), /open\.txt: the header declares 25 nodes, the file has 24 data rows/);
});

test('STORM reader accepts spaces in the header and any row order', (t) => {
  const root = scratch(t);
  const file = join(root, 'storm.csv');
  const rows = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) rows.push(`${i * 3 + j}, ${j * 5}, ${i * 5}, ${0.2 + 0.05 * (i * 3 + j)}`);
  writeFileSync(file, ['index, X, Y, Phiw', ...shuffle(rows, 4)].join('\n'));
  const field = readStormField(file);
  assert.deepEqual(field.grid, { dims: 2, nx: 3, ny: 3, x0: 0, y0: 0, hx: 5, hy: 5, periodic: false });
  assert.deepEqual(Array.from(field.phi_n), Array.from({ length: 9 }, (_, k) => 0.2 + 0.05 * k));
  writeFileSync(file, ['index, X, Y, Phiw', ...rows.slice(0, 4), '4, 5, 5, 1.2', ...rows.slice(5)].join('\n'));
  assertProblem(() => readStormField(file), /storm\.csv line 6: Phiw = 1\.2 is not a volume fraction in \[0, 1\]/);
});

/** Runs `check` on the shared data, or says clearly that it is absent (a failure under CI=true). */
function withSharedData(t: { skip: (message: string) => void }, check: () => void): void {
  if (existsSync(dataDir)) return check();
  const message = `shared data folder ${dataDir} is absent: real COMSOL/STORM files not checked`;
  if (process.env.CI === 'true') assert.fail(`${message} (CI must provide ../shared/data)`);
  t.skip(message);
}

function assertComsolGrid(field: ComsolField): Grid2d {
  const g = field.grid;
  assert.equal(field.droppedPeriodicEdge, true);
  assert.deepEqual([g.nx, g.ny, g.x0, g.y0, g.periodic], [200, 200, 0, 0, true]);
  assert.ok(Math.abs(g.hx - 0.05) < 1e-12 && Math.abs(g.hy - 0.05) < 1e-12, `h = ${g.hx}, ${g.hy}`);
  return g;
}

const mean = (values: Float64Array) => values.reduce((s, v) => s + v, 0) / values.length;

test('real COMSOL k = 1 exports read as 200×200 periodic grids, h = 0.05, mean φ_n ≈ 0.5', (t) => {
  withSharedData(t, () => {
    const phiN = readComsolField(join(dataDir, 'comsol', 'k1_const_phi_n.txt'));
    assertComsolGrid(phiN);
    assert.ok(Math.abs(mean(phiN.values) - 0.5) < 1e-3, `mean φ_n = ${mean(phiN.values)}`);
    const phiD = readComsolField(join(dataDir, 'comsol', 'k1_const_phi_d.txt'));
    assertComsolGrid(phiD);
    assert.ok(Math.abs(mean(phiD.values)) < 1e-2, `mean φ_d = ${mean(phiD.values)}`);
    const k = readComsolField(join(dataDir, 'comsol', 'k1_const_k.txt'));
    assertComsolGrid(k);
    assert.ok(k.values.every((v) => v === 1));
  });
});

test('real COMSOL noisy-k export does not repeat its edge: read as 201×201 unless told to drop it', (t) => {
  withSharedData(t, () => {
    const file = join(dataDir, 'comsol', 'k05_lognorm_k.txt');
    const detected = readComsolField(file);
    assert.deepEqual(detected.repeatedEdges, { x: false, y: false });
    assert.deepEqual([detected.grid.nx, detected.grid.ny, detected.grid.periodic], [201, 201, false]);
    const k = readComsolField(file, { periodicEdge: 'drop' });
    assertComsolGrid(k);
    assert.ok(k.values.every((v) => v > 0));
    const phiN = readComsolField(join(dataDir, 'comsol', 'k05_lognorm_phi_n.txt'));
    assertComsolGrid(phiN);
    assert.ok(Math.abs(mean(phiN.values) - 0.5) < 1e-3, `mean φ_n = ${mean(phiN.values)}`);
  });
});

test('real STORM field reads as a 300×300 grid over [0, 10]² whose edges do not repeat', (t) => {
  withSharedData(t, () => {
    const field = readStormField(join(dataDir, 'storm', 'storm_phi_n_300.csv'));
    const g = field.grid;
    assert.deepEqual(field.repeatedEdges, { x: false, y: false });
    assert.equal(field.droppedPeriodicEdge, false);
    assert.deepEqual([g.nx, g.ny, g.x0, g.y0, g.periodic], [300, 300, 0, 0, false]);
    assert.ok(Math.abs(g.hx - 10 / 299) < 1e-12 && Math.abs(g.hy - 10 / 299) < 1e-12, `h = ${g.hx}, ${g.hy}`);
    assert.ok(field.phi_n.every((v) => v >= 0.2 - 1e-12 && v <= 0.8 + 1e-12));
  });
});
