// `--param-field FILE`: the unknown parameter given per node (t,F in 1D, x,y,D in 2D: the problem's own name).
import { ProblemError, type Grid } from '../pdes/types.js';
import { parseCsvTable } from './csv-table.js';
import { readText } from './files.js';
import { inferGrid1d, inferGrid2d, reorder } from './grid-infer.js';
import { formatNumber } from './numbers.js';

export interface ParamField {
  /** Inferred from the coordinates; a 2D grid is non-periodic (the file cannot say). */
  grid: Grid;
  /** The parameter at each node, row-major (rows along y). */
  values: Float64Array;
}

/** What a parameter file must hold: the problem's dimension, its parameter's name and the bound it imposes. */
export interface ParamFieldSpec {
  name: string;
  dims: 1 | 2;
  parameter: string;
  parameterBound?: { min: number; strict: boolean } | undefined;
}

export function parseParamField(text: string, file: string, problem: ParamFieldSpec): ParamField {
  const name = problem.parameter;
  const coordinates = problem.dims === 1 ? ['t'] : ['x', 'y'];
  const table = parseCsvTable(text, file, { columns: [...coordinates, name] });
  const raw = table.columns[name]!;
  const bound = problem.parameterBound;
  if (bound) {
    for (let r = 0; r < table.rows; r++) {
      const v = raw[r]!;
      if (bound.strict ? v <= bound.min : v < bound.min) {
        throw new ProblemError(
          `${file} line ${table.lines[r]}: ${name} = ${formatNumber(v)}, but ${problem.name} needs ${name} ${bound.strict ? '>' : '≥'} ${bound.min}`,
        );
      }
    }
  }
  const { grid, order } =
    problem.dims === 1
      ? inferGrid1d(table.columns.t!, table.lines, file)
      : inferGrid2d(table.columns.x!, table.columns.y!, table.lines, file);
  return { grid, values: reorder(raw, order) };
}

export function readParamField(path: string, problem: ParamFieldSpec): ParamField {
  return parseParamField(readText(path, `--param-field file (${problem.dims === 1 ? 't' : 'x,y'},${problem.parameter})`), path, problem);
}
