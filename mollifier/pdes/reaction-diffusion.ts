// Chromatin reaction-diffusion simulator, pure float64, pseudo-spectral on a periodic N×N box.
// Unknowns φ_n, φ_d;  μ_n = −φ_e − g,  μ_d = −φ_e + g − l²∇²φ_d,  g = φ_h(φ_max − φ_h)(φ_max − 2φ_h);
// ∂φ_n/∂t = ∇²μ_n,  ∂φ_d/∂t = ∇²μ_d + 2(kφ_e − φ_h). Scheme: per Fourier mode, with Δ = φ^{n+1} − φ^n,
//   (I/dt + q²M + l²q⁴P + S q² I + A P) Δ̂ = RHS(φ^n)  (RHS: the full spectral right-hand side, explicit),
// M = ½[[1,1],[1,1]] (the linear −φ_e part of both potentials), P = diag(0, 1). So −φ_e diffusion and −l²∇⁴φ_d
// are implicit, g and the reaction explicit. S q² (default S = 0.5 ≥ max g'/2 for φ_h ∈ [−0.11, 0.81]; g' ≤ 0.49
// on [0, φ_max]) stabilises the explicit g diffusion; A = max k + 1 stabilises the explicit reaction, whose
// φ_d rate is k + 1 (noisy k reaches ~100 at 128²). Stabilisers vanish at a fixed point, so the steady state is exactly
// that of the spectral PDE. Δ̂(q = 0) of φ_n is 0 exactly: mean φ_n is conserved. Start: seeded uniform noise of
// amplitude 0.05 around φ_n = 0.5 (mean then set to exactly 0.5) and φ_d = 0. Stop when the PDE's max|∂φ/∂t|
// (spectral RHS, checked once max|Δ|/dt < tolerance) < tolerance.
import { ProblemError, type Grid2d } from './types.js';
import { deriveSeed, uniformGenerator } from './random.js';
import { fftPlan2d, wavenumberSquared } from './spectral.js';

export { parameterCase, periodicSquareGrid, rdCases, type RdCase } from './rd-cases.js';
export { reactionDiffusionResidualFloat64, structureFactorWavelength, radialStructureFactor, fdLaplacian4 } from './rd-diagnostics.js';

/** The model's constants (as the paper's code has them) and the simulator's [choice] defaults (README.md). */
export const reactionDiffusionDefaults = {
  grid: 128,
  length: 10,
  k: 1,
  phiMax: 0.7,
  l: 0.03,
  dt: 0.05,
  tolerance: 1e-6,
  maxSteps: 40000,
  seed: 0,
  noise: 0.05,
  meanPhiN: 0.5,
  stabilisation: 0.5,
  progressEvery: 100,
  checkEvery: 10,
} as const;

export interface ChromatinConstants {
  phiMax?: number;
  l?: number;
}

export interface ChromatinFields {
  phi_h: Float64Array;
  phi_e: Float64Array;
  mu_n: Float64Array;
  /** μ_d needs ∇²φ_d; without `laplacianPhiD` this is μ_d without its −l²∇²φ_d term. */
  mu_d: Float64Array;
}

/** g(φ_h) = φ_h(φ_max − φ_h)(φ_max − 2φ_h) = ½ d/dφ_h [φ_h²(φ_max − φ_h)²]. */
export function chromatinG(phiH: number, phiMax: number): number {
  return phiH * (phiMax - phiH) * (phiMax - 2 * phiH);
}

/**
 * φ_h = (1 − φ_n + φ_d)/2, φ_e = (1 − φ_n − φ_d)/2, μ_n = −φ_e − g, μ_d = −φ_e + g − l²∇²φ_d (the last term only
 * when the caller passes ∇²φ_d, computed however it likes).
 */
export function chromatinFields(phi_n: Float64Array, phi_d: Float64Array, constants: ChromatinConstants = {}, laplacianPhiD?: Float64Array): ChromatinFields {
  const phiMax = constants.phiMax ?? reactionDiffusionDefaults.phiMax;
  const l = constants.l ?? reactionDiffusionDefaults.l;
  if (phi_n.length !== phi_d.length) throw new ProblemError(`phi_n has ${phi_n.length} values but phi_d has ${phi_d.length}`);
  if (laplacianPhiD && laplacianPhiD.length !== phi_d.length) throw new ProblemError('∇²phi_d has the wrong length');
  const size = phi_n.length;
  const phi_h = new Float64Array(size);
  const phi_e = new Float64Array(size);
  const mu_n = new Float64Array(size);
  const mu_d = new Float64Array(size);
  for (let m = 0; m < size; m++) {
    const h = 0.5 * (1 - phi_n[m]! + phi_d[m]!);
    const e = 0.5 * (1 - phi_n[m]! - phi_d[m]!);
    const g = chromatinG(h, phiMax);
    phi_h[m] = h;
    phi_e[m] = e;
    mu_n[m] = -e - g;
    mu_d[m] = -e + g - (laplacianPhiD ? l * l * laplacianPhiD[m]! : 0);
  }
  return { phi_h, phi_e, mu_n, mu_d };
}

export interface ReactionDiffusionOptions {
  /** Nodes per axis N (default 128, ≥ 8; powers of two are fastest, any size works). */
  grid?: number;
  /** Side L of the periodic square [0, L)² (default 10). */
  length?: number;
  /** Methylation rate: one value, or one per node (row-major, N·N), all ≥ 0 (default 1). */
  k?: Float64Array | number;
  phiMax?: number;
  l?: number;
  dt?: number;
  /** Steady when max |∂φ/∂t| over both fields (the PDE's right-hand side) falls below this (default 1e-6). */
  tolerance?: number;
  maxSteps?: number;
  seed?: number;
  /** Amplitude a of the uniform start noise: φ_n = 0.5 + a·U(−1, 1) (mean reset to 0.5), φ_d = a·U(−1, 1). */
  noise?: number;
  /** Mean of φ_n (conserved; default 0.5). */
  meanPhiN?: number;
  /** Explicit start instead of the random one (its mean φ_n is kept as it is). */
  initial?: { phi_n: Float64Array; phi_d: Float64Array };
  /** S of the S·q² stabilisation (default 0.5). */
  stabilisation?: number;
  /** Called every `progressEvery` steps (default 100) with max|Δφ|/dt, and at the end with the final residual. */
  onProgress?: (step: number, residual: number) => void;
  progressEvery?: number;
  /** Once max|Δφ|/dt < tolerance, the PDE residual is evaluated every this many steps (default 10). */
  checkEvery?: number;
}

export interface ReactionDiffusionResult {
  phi_n: Float64Array;
  phi_d: Float64Array;
  k: Float64Array;
  steps: number;
  /** max |∂φ/∂t| over both fields: the spectral right-hand side of the PDE evaluated at the returned fields. */
  residual: number;
  /** max |φ^{n+1} − φ^n|/dt of the last step taken (≤ residual: implicit terms damp stiff modes). */
  stepResidual: number;
  converged: boolean;
  grid: Grid2d;
  /** Interface length l the fields were simulated with. */
  l: number;
}

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ProblemError(`reaction-diffusion option ${name} must be ${allowZero ? 'non-negative' : 'positive'} and finite, got ${value}`);
  }
  return value;
}

/** Refuses a negative or non-finite k, naming the value and the node. */
export function assertRateField(k: Float64Array, nx: number, origin = 'k'): void {
  for (let m = 0; m < k.length; m++) {
    const v = k[m]!;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new ProblemError(`${origin} must be ≥ 0 and finite everywhere, got ${v} at node (i=${Math.floor(m / nx)}, j=${m % nx})`);
    }
  }
}

export function assertRdGrid(n: number): void {
  if (!Number.isInteger(n) || n < 8) throw new ProblemError(`reaction-diffusion grid ${n} is too small: it needs an integer ≥ 8 nodes per axis`);
}

function randomStart(size: number, seed: number, noise: number, mean: number): { phi_n: Float64Array; phi_d: Float64Array } {
  const uniform = uniformGenerator(deriveSeed(seed, 'rd-initial'));
  const phi_n = new Float64Array(size);
  const phi_d = new Float64Array(size);
  let sum = 0;
  for (let m = 0; m < size; m++) {
    phi_n[m] = noise * (2 * uniform() - 1);
    phi_d[m] = noise * (2 * uniform() - 1);
    sum += phi_n[m]!;
  }
  const shift = mean - sum / size;
  for (let m = 0; m < size; m++) phi_n[m]! += shift;
  return { phi_n, phi_d };
}

/** Evolves the chromatin model from a seeded random start to its steady state (see the header for the scheme). */
export function simulateReactionDiffusion(options: ReactionDiffusionOptions = {}): ReactionDiffusionResult {
  const d0 = reactionDiffusionDefaults;
  const n = options.grid ?? d0.grid;
  assertRdGrid(n);
  const length = positive('length', options.length ?? d0.length);
  const phiMax = positive('phiMax', options.phiMax ?? d0.phiMax);
  const l = positive('l', options.l ?? d0.l, true);
  const dt = positive('dt', options.dt ?? d0.dt);
  const tolerance = positive('tolerance', options.tolerance ?? d0.tolerance);
  const stab = positive('stabilisation', options.stabilisation ?? d0.stabilisation, true);
  const maxSteps = options.maxSteps ?? d0.maxSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new ProblemError(`maxSteps must be a non-negative integer, got ${maxSteps}`);
  const progressEvery = Math.max(1, Math.floor(options.progressEvery ?? d0.progressEvery));
  const checkEvery = Math.max(1, Math.floor(options.checkEvery ?? d0.checkEvery));
  const size = n * n;

  const kOption = options.k ?? d0.k;
  let k: Float64Array;
  if (typeof kOption === 'number') {
    if (!(kOption >= 0) || !Number.isFinite(kOption)) throw new ProblemError(`k must be ≥ 0 and finite, got ${kOption}`);
    k = new Float64Array(size).fill(kOption);
  } else {
    if (kOption.length !== size) throw new ProblemError(`k has ${kOption.length} values, expected ${n}×${n} = ${size}`);
    k = Float64Array.from(kOption);
  }
  assertRateField(k, n);

  let start: { phi_n: Float64Array; phi_d: Float64Array };
  if (options.initial) {
    if (options.initial.phi_n.length !== size || options.initial.phi_d.length !== size) {
      throw new ProblemError(`initial fields must have ${size} values each`);
    }
    start = { phi_n: Float64Array.from(options.initial.phi_n), phi_d: Float64Array.from(options.initial.phi_d) };
  } else {
    const noise = positive('noise', options.noise ?? d0.noise, true);
    start = randomStart(size, options.seed ?? d0.seed, noise, options.meanPhiN ?? d0.meanPhiN);
  }
  const { phi_n, phi_d } = start;

  // Implicit operator B per mode and its inverse (symmetric 2×2): c11, c12, c22.
  let kMax = 0;
  for (let m = 0; m < size; m++) kMax = Math.max(kMax, k[m]!);
  const reactionStab = kMax + 1;
  const q2 = wavenumberSquared(n, n, length);
  const c11 = new Float64Array(size);
  const c12 = new Float64Array(size);
  const c22 = new Float64Array(size);
  const biharm = new Float64Array(size);
  const l2 = l * l;
  for (let m = 0; m < size; m++) {
    const q = q2[m]!;
    biharm[m] = l2 * q * q;
    const b11 = 1 / dt + 0.5 * q + stab * q;
    const b12 = 0.5 * q;
    const b22 = 1 / dt + 0.5 * q + biharm[m]! + stab * q + reactionStab;
    const det = b11 * b22 - b12 * b12;
    c11[m] = b22 / det;
    c12[m] = -b12 / det;
    c22[m] = b11 / det;
  }

  const plan = fftPlan2d(n, n);
  const za = new Float64Array(2 * size); // (m_n + i m_d), then the packed increment
  const zb = new Float64Array(2 * size); // (φ_d + i R)
  const rhsN = new Float64Array(2 * size);
  const rhsD = new Float64Array(2 * size);

  // Fills rhsN, rhsD with the spectral right-hand side at the current fields.
  const rightHandSide = (): void => {
    for (let m = 0; m < size; m++) {
      const pn = phi_n[m]!;
      const pd = phi_d[m]!;
      const h = 0.5 * (1 - pn + pd);
      const e = 0.5 * (1 - pn - pd);
      const g = h * (phiMax - h) * (phiMax - 2 * h);
      za[2 * m] = -e - g;
      za[2 * m + 1] = -e + g;
      zb[2 * m] = pd;
      zb[2 * m + 1] = 2 * (k[m]! * e - h);
    }
    plan.forward(za);
    plan.forward(zb);
    for (let i = 0; i < n; i++) {
      const ip = i === 0 ? 0 : n - i;
      for (let j = 0; j < n; j++) {
        const m = i * n + j;
        const mp = ip * n + (j === 0 ? 0 : n - j);
        // Unpack two real spectra from one complex one: A = (Z[k] + conj Z[−k])/2, B = (Z[k] − conj Z[−k])/2i.
        const ar = za[2 * m]!, ai = za[2 * m + 1]!, apr = za[2 * mp]!, api = za[2 * mp + 1]!;
        const br = zb[2 * m]!, bi = zb[2 * m + 1]!, bpr = zb[2 * mp]!, bpi = zb[2 * mp + 1]!;
        const mnR = 0.5 * (ar + apr), mnI = 0.5 * (ai - api);
        const mdR = 0.5 * (ai + api), mdI = -0.5 * (ar - apr);
        const dR = 0.5 * (br + bpr), dI = 0.5 * (bi - bpi);
        const rR = 0.5 * (bi + bpi), rI = -0.5 * (br - bpr);
        const q = q2[m]!;
        rhsN[2 * m] = -q * mnR;
        rhsN[2 * m + 1] = -q * mnI;
        rhsD[2 * m] = -q * mdR - biharm[m]! * dR + rR;
        rhsD[2 * m + 1] = -q * mdI - biharm[m]! * dI + rI;
      }
    }
  };

  // max |∂φ/∂t| of the PDE at the current fields, from rhsN/rhsD (one inverse FFT into zc).
  const zc = new Float64Array(2 * size);
  const pdeRate = (): number => {
    for (let m = 0; m < size; m++) {
      zc[2 * m] = rhsN[2 * m]! - rhsD[2 * m + 1]!;
      zc[2 * m + 1] = rhsN[2 * m + 1]! + rhsD[2 * m]!;
    }
    plan.inverse(zc);
    let rate = 0;
    for (let m = 0; m < 2 * size; m++) rate = Math.max(rate, Math.abs(zc[m]!));
    return rate;
  };

  let steps = 0;
  let stepResidual = Infinity;
  let residual = Infinity;
  let converged = false;
  for (;;) {
    rightHandSide();
    // The step change |Δ|/dt underestimates |∂φ/∂t| on stiff modes (by 1 + dt·(l²q⁴ + ...), up to ~200 at
    // N = 128), so once it is below the tolerance the PDE's own rate is checked, every `checkEvery` steps.
    if (steps === maxSteps || (stepResidual < tolerance && steps % checkEvery === 0)) {
      residual = pdeRate();
      if (residual < tolerance) converged = true;
      if (converged || steps === maxSteps) break;
    }
    for (let m = 0; m < size; m++) {
      const rnR = rhsN[2 * m]!, rnI = rhsN[2 * m + 1]!, rdR = rhsD[2 * m]!, rdI = rhsD[2 * m + 1]!;
      const dnR = c11[m]! * rnR + c12[m]! * rdR;
      const dnI = c11[m]! * rnI + c12[m]! * rdI;
      const ddR = c12[m]! * rnR + c22[m]! * rdR;
      const ddI = c12[m]! * rnI + c22[m]! * rdI;
      // Pack Δφ_n + i Δφ_d (both real fields): one inverse FFT gives both.
      za[2 * m] = dnR - ddI;
      za[2 * m + 1] = dnI + ddR;
    }
    za[0] = 0; // Δφ_n at q = 0 is zero exactly (c12(0) = 0 already; this also drops any rounding).
    plan.inverse(za);
    let change = 0;
    for (let m = 0; m < size; m++) {
      const dn = za[2 * m]!;
      const dd = za[2 * m + 1]!;
      phi_n[m]! += dn;
      phi_d[m]! += dd;
      const a = Math.abs(dn) > Math.abs(dd) ? Math.abs(dn) : Math.abs(dd);
      if (a > change) change = a;
    }
    steps++;
    stepResidual = change / dt;
    if (!Number.isFinite(stepResidual)) throw new ProblemError(`reaction-diffusion diverged at step ${steps} (dt = ${dt} too large?)`);
    if (options.onProgress && steps % progressEvery === 0) options.onProgress(steps, stepResidual);
  }
  if (options.onProgress && steps % progressEvery !== 0) options.onProgress(steps, residual);

  const h = length / n;
  const grid: Grid2d = { dims: 2, nx: n, ny: n, x0: 0, y0: 0, hx: h, hy: h, periodic: true };
  return { phi_n, phi_d, k, steps, residual, stepResidual: steps === 0 ? NaN : stepResidual, converged, grid, l };
}
