// `--param-field FILE`: the unknown parameter given per node (x,y,D for heat, x,y,k for rd, t,F for langevin).
import { ProblemError, problemParameter, type Grid, type ProblemName } from '../pdes/types.js';
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

/** Lower bounds the problems impose on their parameter (strict or not). */
const bounds: Partial<Record<ProblemName, { min: number; strict: boolean }>> = {
  heat: { min: 0, strict: true },
  rd: { min: 0, strict: false },
};

export function parseParamField(text: string, file: string, problem: ProblemName): ParamField {
  const name = problemParameter[problem];
  const coordinates = problem === 'langevin' ? ['t'] : ['x', 'y'];
  const table = parseCsvTable(text, file, { columns: [...coordinates, name] });
  const raw = table.columns[name]!;
  const bound = bounds[problem];
  if (bound) {
    for (let r = 0; r < table.rows; r++) {
      const v = raw[r]!;
      if (bound.strict ? v <= bound.min : v < bound.min) {
        throw new ProblemError(
          `${file} line ${table.lines[r]}: ${name} = ${formatNumber(v)}, but ${problem} needs ${name} ${bound.strict ? '>' : '≥'} ${bound.min}`,
        );
      }
    }
  }
  const { grid, order } =
    problem === 'langevin'
      ? inferGrid1d(table.columns.t!, table.lines, file)
      : inferGrid2d(table.columns.x!, table.columns.y!, table.lines, file);
  return { grid, values: reorder(raw, order) };
}

export function readParamField(path: string, problem: ProblemName): ParamField {
  return parseParamField(readText(path, `--param-field file (${problem === 'langevin' ? 't' : 'x,y'},${problemParameter[problem]})`), path, problem);
}
