// The two files of an instance directory as text: meta.json and fields.csv. Pure (text in, text out).
import {
  ProblemError,
  builtinInstanceShapes,
  gridCoordinates,
  gridSize,
  problemNames,
  type Grid,
  type InstanceShape,
  type InstanceShapes,
  type ProblemInstance,
} from '../pdes/types.js';
import { parseCsvTable } from './csv-table.js';
import { gridTolerance, inferGrid1d, inferGrid2d, reorder } from './grid-infer.js';
import { formatNumber as f } from './numbers.js';

export const instanceFormatVersion = 1;

export interface InstanceMeta {
  problem: string;
  case: string;
  parameters: ProblemInstance['parameters'];
  grid: Grid;
  seed: number;
  version: typeof instanceFormatVersion;
  fields: string[];
  createdBy?: string;
}

/** The shape's fields an instance holds: all but the optional ones it leaves out, in the shape's order. */
export function presentFields(shape: InstanceShape, fields: Readonly<Record<string, unknown>>): string[] {
  return shape.fields.filter((name) => name in fields || !(shape.optional ?? []).includes(name));
}

/** CSV columns of a problem's fields.csv: coordinates, then the fields in the shape's order. */
export function instanceColumns(shape: InstanceShape): string[] {
  return [...(shape.dims === 1 ? ['t'] : ['x', 'y']), ...shape.fields];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problem's name and shape, or a ProblemError naming the problems this reader knows. */
function checkProblem(problem: unknown, shapes: InstanceShapes, where: string): { problem: string; shape: InstanceShape } {
  const shape = typeof problem === 'string' ? shapes(problem) : undefined;
  if (typeof problem !== 'string' || !shape) {
    const shown = typeof problem === 'string' ? `'${problem}'` : JSON.stringify(problem);
    const known = shapes === builtinInstanceShapes ? problemNames.join(', ') : `${problemNames.join(', ')} or a problem loaded with --problems`;
    throw new ProblemError(`${where}: unknown problem ${shown} (expected ${known})`);
  }
  return { problem, shape };
}

/** A structurally valid grid of the problem's dimension, or a ProblemError naming the bad entry. */
export function checkGrid(grid: unknown, problem: string, dims: 1 | 2, where: string): Grid {
  if (!isObject(grid)) throw new ProblemError(`${where}: grid is ${JSON.stringify(grid)}, not an object`);
  if (grid.dims !== dims) throw new ProblemError(`${where}: grid.dims is ${JSON.stringify(grid.dims)}, problem '${problem}' needs ${dims}`);
  const need = (key: string, test: (v: number) => boolean, what: string) => {
    const v = grid[key];
    if (typeof v !== 'number' || !test(v)) throw new ProblemError(`${where}: grid.${key} is ${JSON.stringify(v)}, expected ${what}`);
    return v;
  };
  const count = (v: number) => Number.isInteger(v) && v >= 2;
  const finite = Number.isFinite;
  const spacing = (v: number) => Number.isFinite(v) && v > 0;
  if (dims === 1) {
    return { dims: 1, n: need('n', count, 'an integer ≥ 2'), t0: need('t0', finite, 'a finite number'), dt: need('dt', spacing, 'a number > 0') };
  }
  if (typeof grid.periodic !== 'boolean') throw new ProblemError(`${where}: grid.periodic is ${JSON.stringify(grid.periodic)}, expected true or false`);
  return {
    dims: 2,
    nx: need('nx', count, 'an integer ≥ 2'),
    ny: need('ny', count, 'an integer ≥ 2'),
    x0: need('x0', finite, 'a finite number'),
    y0: need('y0', finite, 'a finite number'),
    hx: need('hx', spacing, 'a number > 0'),
    hy: need('hy', spacing, 'a number > 0'),
    periodic: grid.periodic,
  };
}

function checkParameters(parameters: unknown, where: string): ProblemInstance['parameters'] {
  if (!isObject(parameters)) throw new ProblemError(`${where}: parameters is ${JSON.stringify(parameters)}, not an object`);
  for (const [key, v] of Object.entries(parameters)) {
    const ok = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new ProblemError(`${where}: parameters.${key} is ${JSON.stringify(v)}, expected a finite number, string, boolean or null`);
  }
  return parameters as ProblemInstance['parameters'];
}

function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ProblemError(`${where}: seed is ${JSON.stringify(seed)}, not a finite number`);
  return seed;
}

function checkCase(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ProblemError(`${where}: case is ${JSON.stringify(value)}, expected a non-empty string`);
  return value;
}

/** Checks an instance before writing: problem, grid, parameters, seed, and every field present with gridSize values. */
export function checkInstance(instance: ProblemInstance, where = 'instance', shapes: InstanceShapes = builtinInstanceShapes): void {
  const { problem, shape } = checkProblem(instance.problem, shapes, where);
  checkCase(instance.case, where);
  const grid = checkGrid(instance.grid, problem, shape.dims, where);
  checkParameters(instance.parameters, where);
  checkSeed(instance.seed, where);
  const names = presentFields(shape, instance.fields);
  for (const name of Object.keys(instance.fields)) {
    if (!shape.fields.includes(name)) throw new ProblemError(`${where}: field '${name}' is not a field of '${problem}' (${shape.fields.join(', ')})`);
  }
  const size = gridSize(grid);
  for (const name of names) {
    const field = instance.fields[name];
    if (!(field instanceof Float64Array)) throw new ProblemError(`${where}: field '${name}' is missing or not a Float64Array`);
    if (field.length !== size) {
      const shape = grid.dims === 1 ? `${grid.n}-node` : `${grid.nx}×${grid.ny}`;
      throw new ProblemError(`${where}: field '${name}' has ${field.length} values, the ${shape} grid needs ${size}`);
    }
  }
}

export function formatMeta(instance: ProblemInstance, createdBy?: string, shapes: InstanceShapes = builtinInstanceShapes): string {
  const meta: InstanceMeta = {
    problem: instance.problem,
    case: instance.case,
    parameters: instance.parameters,
    grid: instance.grid,
    seed: instance.seed,
    version: instanceFormatVersion,
    fields: presentFields(checkProblem(instance.problem, shapes, 'instance').shape, instance.fields),
    ...(createdBy === undefined ? {} : { createdBy }),
  };
  return `${JSON.stringify(meta, null, 2)}\n`;
}

/** fields.csv text: header, then one row per node in row-major order; a non-finite value is a ProblemError. */
export function formatFieldsCsv(instance: ProblemInstance, where = 'instance', shapes: InstanceShapes = builtinInstanceShapes): string {
  const { shape } = checkProblem(instance.problem, shapes, where);
  const present = presentFields(shape, instance.fields);
  const columns = [...gridCoordinates(instance.grid), ...present.map((name) => instance.fields[name]!)];
  const header = instanceColumns({ dims: shape.dims, fields: present });
  const out: string[] = [header.join(',')];
  const size = gridSize(instance.grid);
  const cells: string[] = new Array<string>(columns.length);
  for (let k = 0; k < size; k++) {
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]![k]!;
      if (!Number.isFinite(v)) throw new ProblemError(`${where}: ${header[c]}[${k}] is ${v}; fields must be finite`);
      cells[c] = f(v);
    }
    out.push(cells.join(','));
  }
  return `${out.join('\n')}\n`;
}

export function parseMeta(text: string, file: string, shapes: InstanceShapes = builtinInstanceShapes): InstanceMeta {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProblemError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) throw new ProblemError(`${file}: expected a JSON object`);
  if (json.version !== instanceFormatVersion) {
    throw new ProblemError(`${file}: version ${JSON.stringify(json.version)} is not supported (this reader reads version ${instanceFormatVersion})`);
  }
  const { problem, shape } = checkProblem(json.problem, shapes, file);
  const fields = json.fields;
  const expected = shape.fields;
  // An optional field (the parameter's truth) may be left out; the others are there, in the shape's order.
  const withoutOptional = Array.isArray(fields) ? presentFields(shape, Object.fromEntries(fields.map((name) => [String(name), true]))) : [];
  if (!Array.isArray(fields) || fields.length !== withoutOptional.length || fields.some((name, i) => name !== withoutOptional[i])) {
    const optional = shape.optional?.length ? ` (${shape.optional.join(', ')} may be left out)` : '';
    throw new ProblemError(`${file}: fields is ${JSON.stringify(fields)}, problem '${problem}' has fields ${JSON.stringify(expected)}${optional}`);
  }
  if (json.createdBy !== undefined && typeof json.createdBy !== 'string') {
    throw new ProblemError(`${file}: createdBy is ${JSON.stringify(json.createdBy)}, not a string`);
  }
  return {
    problem,
    case: checkCase(json.case, file),
    parameters: checkParameters(json.parameters, file),
    grid: checkGrid(json.grid, problem, shape.dims, file),
    seed: checkSeed(json.seed, file),
    version: instanceFormatVersion,
    fields: withoutOptional,
    ...(json.createdBy === undefined ? {} : { createdBy: json.createdBy as string }),
  };
}

/** The inferred grid agrees with meta.json's within the grid tolerance, or a ProblemError saying where not. */
function checkGridMatch(inferred: Grid, meta: Grid, rows: number, csvFile: string, metaFile: string): void {
  const fail = (what: string) => {
    throw new ProblemError(`${csvFile}: grid does not match ${metaFile}: ${what} (${rows} data rows, ${metaFile} grid has ${gridSize(meta)} nodes)`);
  };
  const axes =
    inferred.dims === 1 && meta.dims === 1
      ? [{ name: 't', n: [meta.n, inferred.n], start: [meta.t0, inferred.t0], h: [meta.dt, inferred.dt], keys: ['n', 't0', 'dt'] }]
      : inferred.dims === 2 && meta.dims === 2
        ? [
            { name: 'x', n: [meta.nx, inferred.nx], start: [meta.x0, inferred.x0], h: [meta.hx, inferred.hx], keys: ['nx', 'x0', 'hx'] },
            { name: 'y', n: [meta.ny, inferred.ny], start: [meta.y0, inferred.y0], h: [meta.hy, inferred.hy], keys: ['ny', 'y0', 'hy'] },
          ]
        : [];
  for (const { name, n, start, h, keys } of axes) {
    const last = start[1]! + (n[1]! - 1) * h[1]!;
    if (n[0] !== n[1]) fail(`${metaFile} has ${keys[0]} = ${n[0]}, ${csvFile} has ${n[1]} distinct ${name} values (${name} = ${f(start[1]!)} … ${f(last)})`);
    if (Math.abs(start[0]! - start[1]!) > gridTolerance * h[0]!) fail(`${metaFile} has ${keys[1]} = ${f(start[0]!)}, the smallest ${name} in ${csvFile} is ${f(start[1]!)}`);
    if (Math.abs(h[0]! - h[1]!) > gridTolerance * h[0]!) fail(`${metaFile} has ${keys[2]} = ${f(h[0]!)}, the ${name} spacing in ${csvFile} is ${f(h[1]!)}`);
  }
}

/** The fields of fields.csv (rows in any order) on meta.json's grid, row-major. */
export function parseFieldsCsv(text: string, csvFile: string, meta: InstanceMeta, metaFile: string): Record<string, Float64Array> {
  const columns = instanceColumns({ dims: meta.grid.dims, fields: meta.fields });
  const table = parseCsvTable(text, csvFile, { columns });
  const { grid, order } =
    meta.grid.dims === 1
      ? inferGrid1d(table.columns.t!, table.lines, csvFile)
      : inferGrid2d(table.columns.x!, table.columns.y!, table.lines, csvFile);
  checkGridMatch(grid, meta.grid, table.rows, csvFile, metaFile);
  const fields: Record<string, Float64Array> = {};
  for (const name of meta.fields) fields[name] = reorder(table.columns[name]!, order);
  return fields;
}
