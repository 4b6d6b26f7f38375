// COMSOL 2D text exports: '%' header lines, then whitespace-separated `X Y value` rows in any order.
import { ProblemError } from '../pdes/types.js';
import { readText } from './files.js';
import { inferGrid2d, reorder } from './grid-infer.js';
import { parseNumberCell } from './numbers.js';
import { dropRepeatedEdge, type PeriodicEdgeMode, type PeriodicField } from './periodic-edge.js';

export interface ComsolField extends PeriodicField {
  /** The exported expression as the header names it ('Dependent variable Phiw', 'Color'), or null. */
  variable: string | null;
}

export interface ComsolOptions {
  /** 'detect' (default): drop the last column and row when they repeat the first; see PeriodicEdgeMode. */
  periodicEdge?: PeriodicEdgeMode;
}

/** Parses a COMSOL export (`file` names it in errors); by default a repeated periodic edge is detected and dropped. */
export function parseComsolField(text: string, file: string, options: ComsolOptions = {}): ComsolField {
  const lines = text.split(/\r?\n/);
  let declaredNodes: number | null = null;
  let variable: string | null = null;
  const x: number[] = [];
  const y: number[] = [];
  const v: number[] = [];
  const at: number[] = [];
  const names = ['X', 'Y', 'value'];
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!.trim();
    const where = `${file} line ${l + 1}`;
    if (line === '') continue;
    if (line.startsWith('%')) {
      if (x.length > 0) throw new ProblemError(`${where}: '%' header line after data rows`);
      const body = line.slice(1).trim();
      const nodes = /^Nodes:\s*(\d+)$/.exec(body);
      if (nodes) declaredNodes = Number(nodes[1]);
      const expressions = /^Expressions:\s*(\d+)$/.exec(body);
      if (expressions && expressions[1] !== '1') {
        throw new ProblemError(`${where}: ${expressions[1]} exported expressions; only single-expression exports (X Y value) are read`);
      }
      const columns = body.split(/\s{2,}/);
      if (columns.length === 3 && columns[0] === 'X' && columns[1] === 'Y') variable = columns[2]!;
      continue;
    }
    const cells = line.split(/\s+/);
    if (cells.length !== 3) throw new ProblemError(`${where}: ${cells.length} values, expected 3 (X Y value)`);
    x.push(parseNumberCell(cells[0]!, names[0]!, where));
    y.push(parseNumberCell(cells[1]!, names[1]!, where));
    v.push(parseNumberCell(cells[2]!, names[2]!, where));
    at.push(l + 1);
  }
  if (v.length === 0) throw new ProblemError(`${file}: no data rows (expected '%' header lines, then X Y value rows)`);
  if (declaredNodes !== null && declaredNodes !== v.length) {
    throw new ProblemError(`${file}: the header declares ${declaredNodes} nodes, the file has ${v.length} data rows`);
  }
  const { grid, order } = inferGrid2d(Float64Array.from(x), Float64Array.from(y), Int32Array.from(at), file, ['X', 'Y']);
  return { ...dropRepeatedEdge(grid, reorder(Float64Array.from(v), order), options.periodicEdge), variable };
}

export function readComsolField(path: string, options: ComsolOptions = {}): ComsolField {
  return parseComsolField(readText(path, 'COMSOL export'), path, options);
}
