// Checks on chromatin fields that do not share the simulator's discretisation: a 4th-order finite-difference
// steady-state residual, and the dominant domain wavelength from the radially averaged structure factor.
import { ProblemError, type Grid2d } from './types.js';
import { fft2dReal } from './spectral.js';

function checkSizes(grid: Grid2d, ...fields: Float64Array[]): void {
  if (grid.nx < 5 || grid.ny < 5) throw new ProblemError(`grid ${grid.nx}×${grid.ny} is too small for 4th-order differences`);
  for (const f of fields) {
    if (f.length !== grid.nx * grid.ny) throw new ProblemError(`field has ${f.length} values, expected ${grid.nx}×${grid.ny}`);
  }
}

/** 4th-order central-difference Laplacian on a periodic grid: (−f₋₂ + 16f₋₁ − 30f₀ + 16f₁ − f₂)/(12h²) per axis. */
export function fdLaplacian4(field: Float64Array, grid: Grid2d): Float64Array {
  checkSizes(grid, field);
  const { nx, ny } = grid;
  const cx = 1 / (12 * grid.hx * grid.hx);
  const cy = 1 / (12 * grid.hy * grid.hy);
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) {
    const im2 = ((i - 2 + ny) % ny) * nx, im1 = ((i - 1 + ny) % ny) * nx, r = i * nx;
    const ip1 = ((i + 1) % ny) * nx, ip2 = ((i + 2) % ny) * nx;
    for (let j = 0; j < nx; j++) {
      const jm2 = (j - 2 + nx) % nx, jm1 = (j - 1 + nx) % nx, jp1 = (j + 1) % nx, jp2 = (j + 2) % nx;
      const f0 = field[r + j]!;
      const dxx = -field[r + jm2]! + 16 * field[r + jm1]! - 30 * f0 + 16 * field[r + jp1]! - field[r + jp2]!;
      const dyy = -field[im2 + j]! + 16 * field[im1 + j]! - 30 * f0 + 16 * field[ip1 + j]! - field[ip2 + j]!;
      out[r + j] = cx * dxx + cy * dyy;
    }
  }
  return out;
}

export interface RdResidualTerms {
  /** ∇²μ_d + 2(kφ_e − φ_h) per node. */
  residual: Float64Array;
  /** ∇²μ_d per node. */
  laplacianMuD: Float64Array;
  /** 2(kφ_e − φ_h) per node. */
  reaction: Float64Array;
}

/**
 * Steady-state residual ∇²μ_d + 2(kφ_e − φ_h) of eq 11, with μ_d = −φ_e + g − l²∇²φ_d and every ∇² taken by
 * 4th-order periodic finite differences (independent of the simulator's spectral operator). Returns the
 * residual and its two terms.
 */
export function reactionDiffusionResidualFloat64(
  phi_n: Float64Array,
  phi_d: Float64Array,
  k: Float64Array | number,
  grid: Grid2d,
  constants: { phiMax?: number; l?: number } = {},
): RdResidualTerms {
  const phiMax = constants.phiMax ?? 0.7;
  const l = constants.l ?? 0.03;
  const size = grid.nx * grid.ny;
  const kField = typeof k === 'number' ? new Float64Array(size).fill(k) : k;
  checkSizes(grid, phi_n, phi_d, kField);
  const lapD = fdLaplacian4(phi_d, grid);
  const muD = new Float64Array(size);
  const reaction = new Float64Array(size);
  for (let m = 0; m < size; m++) {
    const h = 0.5 * (1 - phi_n[m]! + phi_d[m]!);
    const e = 0.5 * (1 - phi_n[m]! - phi_d[m]!);
    muD[m] = -e + h * (phiMax - h) * (phiMax - 2 * h) - l * l * lapD[m]!;
    reaction[m] = 2 * (kField[m]! * e - h);
  }
  const laplacianMuD = fdLaplacian4(muD, grid);
  const residual = new Float64Array(size);
  for (let m = 0; m < size; m++) residual[m] = laplacianMuD[m]! + reaction[m]!;
  return { residual, laplacianMuD, reaction };
}

export interface StructureFactor {
  /** Shell centres |q| = b·Δq, Δq = 2π/L (shell b holds the modes with round(|q|/Δq) = b). */
  q: Float64Array;
  /** Mean |FFT(field − mean)|² over each shell. */
  s: Float64Array;
  counts: Int32Array;
}

/** Radially averaged structure factor of a periodic field (L = nx·hx; shells up to the axis Nyquist |q|). */
export function radialStructureFactor(field: Float64Array, grid: Grid2d): StructureFactor {
  const { nx, ny } = grid;
  if (field.length !== nx * ny) throw new ProblemError(`field has ${field.length} values, expected ${nx}×${ny}`);
  let mean = 0;
  for (let m = 0; m < field.length; m++) mean += field[m]!;
  mean /= field.length;
  const centred = new Float64Array(field.length);
  for (let m = 0; m < field.length; m++) centred[m] = field[m]! - mean;
  const z = fft2dReal(centred, nx, ny);
  const lx = nx * grid.hx;
  const ly = ny * grid.hy;
  const dq = (2 * Math.PI) / Math.max(lx, ly);
  const shells = Math.floor(Math.min(nx, ny) / 2) + 1;
  const s = new Float64Array(shells);
  const counts = new Int32Array(shells);
  for (let i = 0; i < ny; i++) {
    const qy = ((2 * Math.PI) / ly) * (i <= ny / 2 ? i : i - ny);
    for (let j = 0; j < nx; j++) {
      const qx = ((2 * Math.PI) / lx) * (j <= nx / 2 ? j : j - nx);
      const b = Math.round(Math.hypot(qx, qy) / dq);
      if (b >= shells) continue;
      const m = i * nx + j;
      s[b]! += z[2 * m]! * z[2 * m]! + z[2 * m + 1]! * z[2 * m + 1]!;
      counts[b]!++;
    }
  }
  const q = new Float64Array(shells);
  for (let b = 0; b < shells; b++) {
    q[b] = b * dq;
    if (counts[b]! > 0) s[b]! /= counts[b]!;
  }
  return { q, s, counts };
}

/**
 * Dominant wavelength 2π/q* of a periodic field: q* is the centroid Σ q S / Σ S of the radially averaged structure
 * factor over the peak shell (excluding q = 0) and its two neighbours, which resolves q* between shells (Δq = 2π/L).
 */
export function structureFactorWavelength(field: Float64Array, grid: Grid2d): number {
  const { q, s } = radialStructureFactor(field, grid);
  let peak = 1;
  for (let b = 2; b < s.length; b++) if (s[b]! > s[peak]!) peak = b;
  let num = 0;
  let den = 0;
  for (let b = Math.max(1, peak - 1); b <= Math.min(s.length - 1, peak + 1); b++) {
    num += q[b]! * s[b]!;
    den += s[b]!;
  }
  if (!(den > 0)) throw new ProblemError('structure factor is zero: the field is constant');
  return (2 * Math.PI) / (num / den);
}
