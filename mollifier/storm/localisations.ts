// Single-molecule localisation tables as SMLM tools export them, read into domain units. Pure: text in, arrays out.
//
// Accepted columns (header matched without case, quotes, spaces or punctuation; a unit in [..] or (..) or as a
// _nm / _px / _um suffix is read from the name):
//   x, y        required: x, xc, xpos, positionx / y, ... (ThunderSTORM "x [nm]", Picasso "x" in camera pixels)
//   frame       optional: frame, frameidx, t
//   photons     optional: photons, intensity, nphotons, intensityphoton (ThunderSTORM "intensity [photon]")
//   precision   optional: uncertainty, uncertaintyxy, precision, locprec, lpx (Picasso: x precision in pixels)
// Every other column is skipped and listed. Rows are split on the header's delimiter (comma, tab or semicolon).
import { ProblemError } from '../pdes/types.js';
import { parseNumberCell } from '../io/numbers.js';
import { stormLimits } from './limits.js';

export const lengthUnits = ['nm', 'um', 'px', 'domain'] as const;
export type LengthUnit = (typeof lengthUnits)[number];

export interface LocalisationUnits {
  /** Units of x, y (and precision) when the header does not say; a header's own unit wins unless `force`. */
  units?: LengthUnit | undefined;
  /** Take `units` even where the header names another (a mislabelled export). */
  force?: boolean;
  /** Camera pixel size in nm, for `px` (Picasso). */
  pixelNm?: number | undefined;
  /** Nanometres per domain unit [choice: 1000, the domain in µm, as the STORM field's [0, 10]² nucleus]. */
  nmPerUnit: number;
}

export interface Localisations {
  /** Positions in domain units, before any shift onto the domain. */
  x: Float64Array;
  y: Float64Array;
  frame: Float64Array | null;
  photons: Float64Array | null;
  /** Localisation precision in domain units, where the file has it. */
  precision: Float64Array | null;
  /** File line of each row (header = its own line), for error messages. */
  lines: Int32Array;
  /** What was read: the column used for each role, its unit, and the columns skipped. */
  columns: Record<string, { name: string; unit: LengthUnit | null }>;
  skipped: string[];
}

const roles = {
  x: ['x', 'xc', 'xpos', 'positionx', 'xposition'],
  y: ['y', 'yc', 'ypos', 'positiony', 'yposition'],
  frame: ['frame', 'frameidx', 't'],
  photons: ['photons', 'intensity', 'nphotons', 'intensityphoton', 'photon'],
  precision: ['uncertainty', 'uncertaintyxy', 'precision', 'locprec', 'lpx'],
} as const;
type Role = keyof typeof roles;
const lengthRoles: readonly Role[] = ['x', 'y', 'precision'];

/** A header cell's base name (lower case, letters and digits only) and the length unit it names, if any. */
export function headerName(cell: string): { base: string; unit: LengthUnit | null } {
  let text = cell.trim().replace(/^["']|["']$/g, '').toLowerCase();
  let unit: LengthUnit | null = null;
  const bracket = /[[(]\s*([^\])]*)\s*[\])]\s*$/.exec(text);
  if (bracket) {
    unit = unitOf(bracket[1]!);
    text = text.slice(0, bracket.index);
  } else {
    const suffix = /[_\s-](nm|px|pix|pixels?|um|µm|micron)$/.exec(text);
    if (suffix) {
      unit = unitOf(suffix[1]!);
      text = text.slice(0, suffix.index);
    }
  }
  return { base: text.replace(/[^a-z0-9]/g, ''), unit };
}

function unitOf(text: string): LengthUnit | null {
  const t = text.trim().toLowerCase();
  if (t === 'nm') return 'nm';
  if (t === 'px' || t === 'pix' || t === 'pixel' || t === 'pixels') return 'px';
  if (t === 'um' || t === 'µm' || t === 'μm' || t === 'micron') return 'um';
  return null;
}

function delimiterOf(header: string): string {
  const counts = [',', '\t', ';'].map((d) => [d, header.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/** Domain units per one `unit` (nm per unit, px through the pixel size). */
function scaleOf(unit: LengthUnit, options: LocalisationUnits, file: string): number {
  if (unit === 'domain') return 1;
  if (unit === 'nm') return 1 / options.nmPerUnit;
  if (unit === 'um') return 1000 / options.nmPerUnit;
  if (options.pixelNm === undefined) throw new ProblemError(`${file}: coordinates are in camera pixels: give --pixel-size NM (the camera's pixel size in nm)`);
  return options.pixelNm / options.nmPerUnit;
}

export function parseLocalisations(text: string, file: string, options: LocalisationUnits): Localisations {
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && (lines[first]!.trim() === '' || lines[first]!.trim().startsWith('#'))) first++;
  if (first >= lines.length) throw new ProblemError(`${file}: empty file, expected a header with x and y columns and one localisation per row`);
  const delimiter = delimiterOf(lines[first]!);
  const header = lines[first]!.split(delimiter).map((cell) => cell.trim().replace(/^["']|["']$/g, ''));
  const found: Partial<Record<Role, { index: number; name: string; unit: LengthUnit | null }>> = {};
  const skipped: string[] = [];
  header.forEach((cell, index) => {
    const { base, unit } = headerName(cell);
    const role = (Object.keys(roles) as Role[]).find((r) => (roles[r] as readonly string[]).includes(base));
    if (role && !found[role]) found[role] = { index, name: cell, unit };
    else skipped.push(cell);
  });
  const at = `${file} line ${first + 1}`;
  for (const role of ['x', 'y'] as const) {
    if (!found[role]) throw new ProblemError(`${at}: no ${role} column (accepted: ${roles[role].join(', ')}, with an optional unit such as "${role} [nm]"); found ${header.join(', ')}`);
  }
  const headerUnit = found.x!.unit ?? found.y!.unit;
  if (found.x!.unit && found.y!.unit && found.x!.unit !== found.y!.unit) throw new ProblemError(`${at}: x is in ${found.x!.unit}, y in ${found.y!.unit}`);
  const unit: LengthUnit = options.force && options.units ? options.units : (headerUnit ?? options.units ?? 'domain');
  const scale = scaleOf(unit, options, file);
  const precisionUnit: LengthUnit = options.force && options.units ? options.units : (found.precision?.unit ?? unit);
  const precisionScale = found.precision ? scaleOf(precisionUnit, options, file) : 1;
  const rows: number[] = [];
  for (let l = first + 1; l < lines.length; l++) if (lines[l]!.trim() !== '' && !lines[l]!.trim().startsWith('#')) rows.push(l);
  if (rows.length === 0) throw new ProblemError(`${file}: no localisations after the header`);
  if (rows.length > stormLimits.localisations) throw new ProblemError(`${file}: ${rows.length} localisations, more than the limit of ${stormLimits.localisations}; subsample them first`);
  const n = rows.length;
  const columns: Partial<Record<Role, Float64Array>> = {};
  for (const role of Object.keys(found) as Role[]) columns[role] = new Float64Array(n);
  const lineOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const l = rows[r]!;
    const cells = lines[l]!.split(delimiter);
    const where = `${file} line ${l + 1}`;
    if (cells.length !== header.length) throw new ProblemError(`${where}: ${cells.length} values, the header has ${header.length} columns`);
    lineOf[r] = l + 1;
    for (const role of Object.keys(found) as Role[]) {
      const { index, name } = found[role]!;
      const value = parseNumberCell(cells[index]!.trim().replace(/^["']|["']$/g, ''), name, where);
      const factor = role === 'precision' ? precisionScale : lengthRoles.includes(role) ? scale : 1;
      columns[role]![r] = value * factor;
    }
  }
  const described = Object.fromEntries((Object.keys(found) as Role[]).map((role) => [role, { name: found[role]!.name, unit: lengthRoles.includes(role) ? (role === 'precision' ? precisionUnit : unit) : null }]));
  return { x: columns.x!, y: columns.y!, frame: columns.frame ?? null, photons: columns.photons ?? null, precision: columns.precision ?? null, lines: lineOf, columns: described, skipped };
}
