// Float64 numbers as CSV/text cells: written so they read back bit-exact, read with errors that name the cell.
import { ProblemError } from '../pdes/types.js';

/** Shortest text that reads back as the same float64 (String round-trips; '-0' keeps the sign of zero). */
export function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A finite float64 from a cell, or a ProblemError `${where}: column 'D' is 'abc', not a number`
 * (`where` names the file and line, e.g. `data/fields.csv line 17`).
 */
export function parseNumberCell(text: string, column: string, where: string): number {
  const cell = text.trim();
  if (decimal.test(cell)) {
    const value = Number(cell);
    if (Number.isFinite(value)) return value;
    throw new ProblemError(`${where}: column '${column}' is '${cell}', which overflows float64`);
  }
  if (/^[+-]?nan$/i.test(cell)) throw new ProblemError(`${where}: NaN in column '${column}'`);
  if (/^[+-]?inf(inity)?$/i.test(cell)) {
    throw new ProblemError(`${where}: ${cell.startsWith('-') ? '-' : ''}Infinity in column '${column}'`);
  }
  if (cell === '') throw new ProblemError(`${where}: column '${column}' is empty, not a number`);
  throw new ProblemError(`${where}: column '${column}' is '${cell}', not a number`);
}
