// `mollifier storm`, its first half: localisations (or a processed φ_n field) → the chromatin fields on the analysis
// grid, every choice recorded. Runs before any training, so bad input stops here with one line (exit 2).
// The pure parts of the library only: this process is the sweep's orchestrator and loads no TensorFlow.js.
import { parseParamField, readStormField, readText } from '../../mollifier/io/index.js';
import type { ProblemInstance } from '../../mollifier/pdes/types.js';
import {
  admissibleMuN, defaultBandwidth, defaultPhiMax, fieldDomain, fieldsFromPhiH, fieldsFromPhiN, nadarayaWatsonDensity, nodeCoordinate, nodeSpacing,
  parseLocalisations, phiHFromCalibration, phiHFromDensity, resampleField, stormLimits, stormParameter, stormProblem, type DensityAnchor, type LengthUnit, type PixelValues, type SquareDomain,
} from '../../mollifier/storm/index.js';
import { UsageError } from '../usage-error.js';

export interface StormInputOptions {
  phiN?: string;
  units?: LengthUnit;
  pixelSize?: number;
  nmPerUnit: number;
  domain: number;
  origin: 'auto' | [number, number];
  periodic: boolean;
  grid: number;
  bandwidth: 'auto' | number;
  bandwidthCount: number;
  pixel: number;
  pixelValues: PixelValues;
  map: DensityAnchor[];
  /** Localisations per µm² where φ_h = 1: the density's absolute scale, when the labelling is calibrated. */
  calibration?: number;
  meanPhiN: number;
  muN: 'auto' | number;
  truth?: string;
}

export interface StormFields {
  instance: ProblemInstance;
  domain: SquareDomain;
  /** Maps to draw: density (localisations only), φ_h, φ_n, φ_d. */
  maps: Record<string, Float64Array>;
  choices: Record<string, unknown>;
}

/** `--map 0.99:0.57` or `0.01:0.13,0.99:0.57`: quantile:level anchors of the density → φ_h map. */
export function parseAnchors(text: string): DensityAnchor[] {
  const anchors = text.split(',').map((pair) => {
    const [q, level, extra] = pair.split(':').map((s) => Number(s.trim()));
    if (extra !== undefined || !(q! >= 0 && q! <= 1) || !(level! >= 0 && level! < defaultPhiMax)) {
      throw new UsageError(`--map ${text}: each anchor is quantile:level with the quantile in [0, 1] and the level (φ_h) in [0, ${defaultPhiMax})`);
    }
    return { quantile: q!, level: level! };
  });
  if (anchors.length > 2) throw new UsageError(`--map ${text}: one or two anchors`);
  if (anchors.length === 2 && !(anchors[1]!.quantile > anchors[0]!.quantile && anchors[1]!.level > anchors[0]!.level)) throw new UsageError(`--map ${text}: the second anchor needs a higher quantile and level than the first`);
  return anchors;
}

function gridOf(domain: SquareDomain) {
  const h = nodeSpacing(domain);
  return { dims: 2 as const, nx: domain.n, ny: domain.n, x0: nodeCoordinate(domain, 0), y0: nodeCoordinate(domain, 0), hx: h, hy: h, periodic: domain.periodic };
}

function checkGridSize(n: number): void {
  if (!(Number.isInteger(n) && n >= stormLimits.gridMin && n <= stormLimits.gridMax)) throw new UsageError(`--grid ${n} must be an integer in [${stormLimits.gridMin}, ${stormLimits.gridMax}]`);
}

/** Localisations shifted onto [0, L)²: by --origin (modulo L on a periodic nucleus), or centred on their bounding box. */
export function placed(x: Float64Array, y: Float64Array, lines: Int32Array, file: string, options: StormInputOptions): { x: Float64Array; y: Float64Array; origin: [number, number] } {
  const L = options.domain;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < x.length; i++) {
    minX = Math.min(minX, x[i]!);
    maxX = Math.max(maxX, x[i]!);
    minY = Math.min(minY, y[i]!);
    maxY = Math.max(maxY, y[i]!);
  }
  let origin: [number, number];
  if (options.origin === 'auto') {
    if (maxX - minX >= L || maxY - minY >= L) {
      throw new UsageError(`${file}: the localisations span ${(maxX - minX).toPrecision(4)} × ${(maxY - minY).toPrecision(4)} domain units, more than --domain ${L} (check --units, --pixel-size, --nm-per-unit)`);
    }
    origin = [(minX + maxX) / 2 - L / 2, (minY + maxY) / 2 - L / 2];
  } else if (options.periodic) {
    // A periodic nucleus has no edge: positions are taken modulo the domain (a position written as L is 0).
    origin = options.origin;
    const wrap = (v: number, o: number) => v - o - L * Math.floor((v - o) / L);
    return { x: Float64Array.from(x, (v) => wrap(v, origin[0])), y: Float64Array.from(y, (v) => wrap(v, origin[1])), origin };
  } else {
    origin = options.origin;
    for (let i = 0; i < x.length; i++) {
      const [px, py] = [x[i]! - origin[0], y[i]! - origin[1]];
      if (!(px >= 0 && px < L && py >= 0 && py < L)) throw new UsageError(`${file} line ${lines[i]}: localisation (${x[i]}, ${y[i]}) is outside the domain [${origin[0]}, ${origin[0] + L}) × [${origin[1]}, ${origin[1] + L}) (--origin, --domain)`);
    }
  }
  return { x: Float64Array.from(x, (v) => v - origin[0]), y: Float64Array.from(y, (v) => v - origin[1]), origin };
}

function truthOn(path: string, domain: SquareDomain): Float64Array {
  const field = parseParamField(readText(path, `true ${stormParameter} per node (x,y,${stormParameter})`), path, { name: stormProblem, dims: 2, parameter: stormParameter, parameterBound: { min: 0, strict: false } });
  const grid = field.grid;
  const expected = gridOf(domain);
  if (grid.dims !== 2 || grid.nx !== domain.n || grid.ny !== domain.n || Math.abs(grid.x0 - expected.x0) > 1e-6 || Math.abs(grid.hx - expected.hx) > 1e-6 * expected.hx) {
    throw new UsageError(`--truth ${path}: its grid is not the analysis grid (${domain.n}×${domain.n} nodes from ${expected.x0}, spacing ${expected.hx}; --grid, --domain, --periodic)`);
  }
  return field.values;
}

export function stormFields(localisationsFile: string | undefined, options: StormInputOptions): StormFields {
  checkGridSize(options.grid);
  if (options.phiN) {
    const field = readStormField(options.phiN);
    const domain = fieldDomain(field.grid, options.grid);
    const phi_n = resampleField(field.phi_n, field.grid, domain);
    const [lo, hi] = admissibleMuN(phi_n);
    const muN = options.muN === 'auto' ? (lo + hi) / 2 : options.muN;
    const fields = fieldsFromPhiN(phi_n, muN);
    const instanceFields: Record<string, Float64Array> = { phi_n: fields.phi_n, phi_d: fields.phi_d };
    if (options.truth) instanceFields[stormParameter] = truthOn(options.truth, domain);
    return {
      instance: { problem: stormProblem, case: 'storm-phi-n', grid: gridOf(domain), fields: instanceFields, parameters: {}, seed: 0 },
      domain,
      maps: { phi_h: fields.phi_h, phi_n: fields.phi_n, phi_d: fields.phi_d, phi_e: fields.phi_e },
      choices: {
        input: { phi_n: options.phiN, nodes: [field.grid.nx, field.grid.ny], origin: [field.grid.x0, field.grid.y0] },
        grid: { n: domain.n, length: domain.length, spacing: nodeSpacing(domain), periodic: false, resampling: 'cell mean of the bilinear interpolant' },
        mapping: { rule: 'μ_n uniform (no-flux steady state): φ_h − g(φ_h) = 1 − φ_n + μ_n', mu_n: muN, mu_n_rule: options.muN === 'auto' ? 'midpoint of the admissible interval' : 'given', mu_n_admissible: [lo, hi], phi_max: defaultPhiMax },
      },
    };
  }
  if (!localisationsFile) throw new UsageError('give a localisation table (CSV) or --phi-n FILE');
  const table = parseLocalisations(readText(localisationsFile, 'localisation table (CSV with x and y columns)'), localisationsFile, { units: options.units, pixelNm: options.pixelSize, nmPerUnit: options.nmPerUnit });
  const domain: SquareDomain = { n: options.grid, length: options.domain, periodic: options.periodic };
  const { x, y, origin } = placed(table.x, table.y, table.lines, localisationsFile, options);
  const bandwidth = options.bandwidth === 'auto' ? defaultBandwidth(x.length, domain, options.bandwidthCount) : options.bandwidth;
  if (bandwidth > domain.length / 4) throw new UsageError(`--bandwidth ${bandwidth} is more than a quarter of the domain (${domain.length}): it would smooth the nucleus away`);
  const density = nadarayaWatsonDensity(x, y, domain, { bandwidth, pixel: options.pixel, values: options.pixelValues });
  const perUnitArea = options.calibration === undefined ? undefined : options.calibration * (options.nmPerUnit / 1000) ** 2;
  const mapped = perUnitArea === undefined ? phiHFromDensity(density, options.map) : { ...phiHFromCalibration(density, perUnitArea), densityAt: [] };
  const fields = fieldsFromPhiH(mapped.phi_h, options.meanPhiN);
  const instanceFields: Record<string, Float64Array> = { phi_n: fields.phi_n, phi_d: fields.phi_d };
  if (options.truth) instanceFields[stormParameter] = truthOn(options.truth, domain);
  return {
    instance: { problem: stormProblem, case: 'storm-localisations', grid: gridOf(domain), fields: instanceFields, parameters: {}, seed: 0 },
    domain,
    maps: { density, phi_h: fields.phi_h, phi_n: fields.phi_n, phi_d: fields.phi_d, phi_e: fields.phi_e },
    choices: {
      input: { localisations: localisationsFile, count: x.length, columns: table.columns, skipped_columns: table.skipped, nm_per_unit: options.nmPerUnit, pixel_size_nm: options.pixelSize ?? null, origin, domain: options.domain },
      grid: { n: domain.n, length: domain.length, spacing: nodeSpacing(domain), periodic: domain.periodic },
      density: { estimator: 'Nadaraya-Watson, Gaussian kernel', bandwidth, bandwidth_rule: options.bandwidth === 'auto' ? `√(${options.bandwidthCount}/(2π λ̄)), at least half the node spacing` : 'given', pixel: options.pixel, pixel_values: options.pixelValues, truncation_bandwidths: stormLimits.truncation, units: 'localisations per unit area' },
      mapping: { rule: 'φ_h linear in the density; μ_n uniform from mean φ_n', ...(perUnitArea === undefined ? { anchors: options.map } : { calibration_per_um2: options.calibration, calibration_per_unit_area: perUnitArea }), density_at_anchors: mapped.densityAt, clipped_nodes: mapped.clipped, mean_phi_n: options.meanPhiN, mu_n: fields.muN, phi_max: defaultPhiMax },
    },
  };
}
