// The three PDE residuals and their separable estimates, written once on tensors so the mollified path
// (derivatives from the layer) and the autodiff path (derivatives from nested tf.grad) share them.
// Each takes the field values and the derivatives it needs, already evaluated on the same nodes.
import { tf, type Tensor } from '../backend/tf.js';
import { reactionDiffusionDefaults, type ChromatinConstants as PartialChromatinConstants } from './reaction-diffusion.js';

/** Langevin: v, v' at each node. */
export interface LangevinTerms {
  v: Tensor;
  dv: Tensor;
}

/** v' + v − F (zero for the true forcing). */
export function langevinResidual(terms: LangevinTerms, forcing: Tensor): Tensor {
  return tf.tidy(() => tf.sub(tf.add(terms.dv, terms.v), forcing));
}

/** Separable estimate F̂ = v̂' + v̂. */
export function langevinSeparable(terms: LangevinTerms): Tensor {
  return tf.tidy(() => tf.add(terms.dv, terms.v));
}

/** Steady heat: the Laplacian of u at each node. */
export interface HeatTerms {
  laplacian: Tensor;
}

/** D ∇²u + f. */
export function heatResidual(terms: HeatTerms, diffusivity: Tensor, source: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.mul(diffusivity, terms.laplacian), source));
}

/** Separable estimate D̂ = −f / ∇²û. */
export function heatSeparable(terms: HeatTerms, source: Tensor): Tensor {
  return tf.tidy(() => tf.neg(tf.div(source, terms.laplacian)));
}

/** Chromatin: values, gradients and Laplacians of φ_n and φ_d, and the biharmonic of φ_d. */
export interface ChromatinTerms {
  phiN: Tensor;
  phiD: Tensor;
  dxN: Tensor;
  dyN: Tensor;
  dxD: Tensor;
  dyD: Tensor;
  laplacianN: Tensor;
  laplacianD: Tensor;
  biharmonicD: Tensor;
}

/** φ_max and the interface length l, shared with the simulator. */
export type ChromatinConstants = Required<PartialChromatinConstants>;

export const chromatinDefaults: ChromatinConstants = { phiMax: reactionDiffusionDefaults.phiMax, l: reactionDiffusionDefaults.l };

/**
 * ∇²μ_d with μ_d = −φ_e + g(φ_h) − l²∇²φ_d and g(p) = p(φ_max − p)(φ_max − 2p). The Laplacian of g(φ_h)
 * comes by the chain rule, g'(φ_h)∇²φ_h + g''(φ_h)|∇φ_h|², so only derivatives of the two observed fields
 * are needed, never of a nonlinear function of them.
 */
export function chromatinLaplacianMuD(terms: ChromatinTerms, constants: ChromatinConstants = chromatinDefaults): Tensor {
  return tf.tidy(() => {
    const a = constants.phiMax;
    const phiH = tf.mul(tf.add(tf.sub(1, terms.phiN), terms.phiD), 0.5);
    const gradHx = tf.mul(tf.sub(terms.dxD, terms.dxN), 0.5);
    const gradHy = tf.mul(tf.sub(terms.dyD, terms.dyN), 0.5);
    const laplacianH = tf.mul(tf.sub(terms.laplacianD, terms.laplacianN), 0.5);
    const laplacianE = tf.mul(tf.add(terms.laplacianN, terms.laplacianD), -0.5);
    // g'(p) = a² − 6ap + 6p², g''(p) = 12p − 6a
    const gPrime = tf.add(tf.mul(tf.sub(tf.mul(phiH, 6), 6 * a), phiH), a * a);
    const gSecond = tf.sub(tf.mul(phiH, 12), 6 * a);
    const laplacianG = tf.add(tf.mul(gPrime, laplacianH), tf.mul(gSecond, tf.add(tf.square(gradHx), tf.square(gradHy))));
    return tf.sub(tf.sub(laplacianG, laplacianE), tf.mul(terms.biharmonicD, constants.l ** 2));
  });
}

function volumeFractions(terms: ChromatinTerms): { phiH: Tensor; phiE: Tensor } {
  return {
    phiH: tf.mul(tf.add(tf.sub(1, terms.phiN), terms.phiD), 0.5),
    phiE: tf.mul(tf.sub(tf.sub(1, terms.phiN), terms.phiD), 0.5),
  };
}

/** Steady state: ∇²μ_d + 2(k φ_e − φ_h). */
export function chromatinResidual(terms: ChromatinTerms, rate: Tensor, constants: ChromatinConstants = chromatinDefaults): Tensor {
  return tf.tidy(() => {
    const { phiH, phiE } = volumeFractions(terms);
    return tf.add(chromatinLaplacianMuD(terms, constants), tf.mul(tf.sub(tf.mul(rate, phiE), phiH), 2));
  });
}

/** Separable estimate k̂ = (φ_h − ½∇²μ_d) / φ_e. */
export function chromatinSeparable(terms: ChromatinTerms, constants: ChromatinConstants = chromatinDefaults): Tensor {
  return tf.tidy(() => {
    const { phiH, phiE } = volumeFractions(terms);
    return tf.div(tf.sub(phiH, tf.mul(chromatinLaplacianMuD(terms, constants), 0.5)), phiE);
  });
}
