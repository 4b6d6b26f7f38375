// The STORM nucleoplasm field: CSV `index, X, Y, Phiw` (the index column may be unnamed).
import { ProblemError, type Grid2d } from '../pdes/types.js';
import { parseCsvTable } from './csv-table.js';
import { readText } from './files.js';
import { inferGrid2d, reorder } from './grid-infer.js';
import { formatNumber } from './numbers.js';
import { dropRepeatedEdge, type EdgeCheck } from './periodic-edge.js';

export interface StormField {
  grid: Grid2d;
  /** φ_n (the file's Phiw) at each node, row-major (rows along y). */
  phi_n: Float64Array;
  /** True when both edges repeated and were dropped (then grid.periodic); the shipped file repeats neither. */
  droppedPeriodicEdge: boolean;
  repeatedEdges: EdgeCheck;
}

export function parseStormField(text: string, file: string): StormField {
  const table = parseCsvTable(text, file, { columns: ['X', 'Y', 'Phiw'], ignorable: (name) => name === '' || /^index$/i.test(name) });
  const phi = table.columns.Phiw!;
  for (let r = 0; r < table.rows; r++) {
    if (phi[r]! < 0 || phi[r]! > 1) {
      throw new ProblemError(`${file} line ${table.lines[r]}: Phiw = ${formatNumber(phi[r]!)} is not a volume fraction in [0, 1]`);
    }
  }
  const { grid, order } = inferGrid2d(table.columns.X!, table.columns.Y!, table.lines, file, ['X', 'Y']);
  const field = dropRepeatedEdge(grid, reorder(phi, order));
  return { grid: field.grid, phi_n: field.values, droppedPeriodicEdge: field.droppedPeriodicEdge, repeatedEdges: field.repeatedEdges };
}

export function readStormField(path: string): StormField {
  return parseStormField(readText(path, 'STORM field (index, X, Y, Phiw)'), path);
}
