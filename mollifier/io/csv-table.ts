// A numeric CSV table: header row, then one number per named column per row. Pure (text in, arrays out).
import { parse } from 'csv-parse/sync';
import { ProblemError } from '../pdes/types.js';
import { parseNumberCell } from './numbers.js';

export interface CsvTableSpec {
  /** Columns that must be present (any order), matched after trimming spaces. */
  columns: readonly string[];
  /** Further columns that may be present and are skipped (e.g. STORM's index column); others are an error. */
  ignorable?: (name: string) => boolean;
}

export interface CsvTable {
  /** One Float64Array per required column, in file row order. */
  columns: Record<string, Float64Array>;
  /** The file line (1-based, header = line 1) of each row. */
  lines: Int32Array;
  rows: number;
}

interface InfoRecord {
  record: string[];
  info: { lines: number };
}

export function parseCsvTable(text: string, file: string, spec: CsvTableSpec): CsvTable {
  let records: InfoRecord[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as InfoRecord[];
  } catch (error) {
    throw new ProblemError(`${file}: not a readable CSV file: ${(error as Error).message}`);
  }
  const expected = spec.columns.join(',');
  if (records.length === 0) throw new ProblemError(`${file}: empty file, expected a header ${expected} and data rows`);
  const headerLine = records[0]!.info.lines;
  const header = records[0]!.record;
  const where = `${file} line ${headerLine}`;
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (seen.has(name)) throw new ProblemError(`${where}: column '${name}' appears twice in the header`);
    seen.set(name, index);
    if (!spec.columns.includes(name) && !spec.ignorable?.(name)) {
      throw new ProblemError(`${where}: unexpected column '${name}' (expected columns ${expected}; found ${header.join(',')})`);
    }
  });
  const missing = spec.columns.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    const which = missing.map((name) => `'${name}'`).join(', ');
    throw new ProblemError(
      `${where}: missing column${missing.length > 1 ? 's' : ''} ${which} (expected columns ${expected}; found ${header.join(',')})`,
    );
  }
  const rows = records.length - 1;
  if (rows === 0) throw new ProblemError(`${file}: no data rows after the header`);
  const columns: Record<string, Float64Array> = {};
  for (const name of spec.columns) columns[name] = new Float64Array(rows);
  const lines = new Int32Array(rows);
  const indices = spec.columns.map((name) => seen.get(name)!);
  for (let r = 0; r < rows; r++) {
    const { record, info } = records[r + 1]!;
    const at = `${file} line ${info.lines}`;
    if (record.length !== header.length) {
      throw new ProblemError(`${at}: ${record.length} values, the header has ${header.length} columns (${header.join(',')})`);
    }
    lines[r] = info.lines;
    for (let c = 0; c < indices.length; c++) {
      const name = spec.columns[c]!;
      columns[name]![r] = parseNumberCell(record[indices[c]!]!, name, at);
    }
  }
  return { columns, lines, rows };
}
